// The weekly digest on the real Temporal dev server: the schedule is triggered, the workflow posts the
// week's numbers to the local Slack Web API and uploads a chart PNG rendered with sharp.
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWebClient } from '../../../bots/slack/app.ts';
import { createDigestActivities } from '../../../workflows/digest/activities.ts';
import { digestChartSvg, renderPng } from '../../../workflows/digest/chart.ts';
import {
  upsertCaseFactsSchedule,
  upsertDigestSchedule,
  upsertRetentionSchedule,
  upsertRollupSchedule,
} from '../../../workflows/digest/schedule.ts';
import type { weeklyDigestWorkflow } from '../../../workflows/digest/workflow.ts';
import { listen, type RunningServer, sendJson } from '../../fakes/http.ts';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.ts';
import { addListing, addPlatform, review, takeDown } from '../../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { eventually, installTestRuntime } from '../../support/temporal.ts';

const TOKEN = 'xoxb-digest-test';
const CHANNEL = 'C0DIGEST';
const DAY = 24 * 3600 * 1000;

interface Upload {
  bytes: Buffer;
}

/** Slack's file-upload methods (getUploadURLExternal, the upload URL, completeUploadExternal) in front of
 *  the shared Slack fake, which answers every other method. */
async function startUploadFront(
  slack: FakeSlack,
): Promise<RunningServer & { uploads: Upload[]; completed: unknown[] }> {
  const uploads: Upload[] = [];
  const completed: unknown[] = [];
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const front = await listen(async (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    const body = await read(req);
    if (path === '/api/files.getUploadURLExternal') {
      const id = `F${uploads.length + 1}`;
      sendJson(res, 200, { ok: true, upload_url: `${front.url}/upload/${id}`, file_id: id });
      return;
    }
    if (path.startsWith('/upload/')) {
      uploads.push({ bytes: body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
      return;
    }
    if (path === '/api/files.completeUploadExternal') {
      const args = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      completed.push(args);
      const files = JSON.parse(String(args.files)) as { id: string; title?: string }[];
      sendJson(res, 200, { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) });
      return;
    }
    const forwarded = await fetch(`${slack.url}${req.url}`, {
      method: req.method,
      headers: {
        'content-type': String(req.headers['content-type'] ?? 'application/x-www-form-urlencoded'),
        authorization: String(req.headers.authorization ?? ''),
      },
      body: req.method === 'GET' ? undefined : body,
    });
    res.writeHead(forwarded.status, {
      'content-type': forwarded.headers.get('content-type') ?? 'application/json',
    });
    res.end(Buffer.from(await forwarded.arrayBuffer()));
  });
  return Object.assign(front, { uploads, completed });
}

let db: TestDatabase;
let slack: FakeSlack;
let front: Awaited<ReturnType<typeof startUploadFront>>;
let worker: Worker;
let running: Promise<void>;
let client: Client;
let connection: Connection;
let nativeConnection: NativeConnection;
const taskQueue = `digest-${Date.now()}`;
const today = Math.floor(Date.now() / DAY) * DAY;

beforeAll(async () => {
  installTestRuntime();
  db = await createTestDatabase();
  await addPlatform(db.pool, 'shopa');
  for (let i = 0; i < 6; i++) {
    const row = await addListing(db.pool, {
      platform: 'shopa',
      externalId: `w${i}`,
      title: `listing ${i}`,
      receivedAt: new Date(today - (i + 1) * DAY + 3600_000),
      verdict: 'review',
      evidence: [{ term: 'ivory', kind: 'product', species: 'elephant' }],
    });
    if (i < 4) {
      await review(db.pool, row.caseId!, 'alice', 'approve', new Date(today - (i + 1) * DAY + 2 * 3600_000));
      await takeDown(db.pool, row.caseId!, 'remove_listing', new Date(today - (i + 1) * DAY + 5 * 3600_000));
    }
  }
  slack = await startFakeSlack({ token: TOKEN });
  front = await startUploadFront(slack);
  const address = inject('temporalAddress');
  [nativeConnection, connection] = await Promise.all([
    NativeConnection.connect({ address }),
    Connection.connect({ address }),
  ]);
  client = new Client({ connection });
  const bundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../../../workflows/digest/workflow.ts', import.meta.url)),
    logger: new DefaultLogger('WARN'),
  });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: createDigestActivities({ pool: db.pool, slack: createWebClient(TOKEN, `${front.url}/api/`) }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
  await front?.close();
  await slack?.close();
  await db?.drop();
});

describe('digest activities', () => {
  it('fail for good without Slack, while the rollup refresh still works', async () => {
    const activities = createDigestActivities({ pool: db.pool });
    await expect(
      activities.postWeeklyDigest({
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-08T00:00:00Z',
        channel: 'C1',
      }),
    ).rejects.toMatchObject({ nonRetryable: true });
    await expect(activities.refreshMetricsRollup()).resolves.toMatchObject({
      to: new Date(today).toISOString(),
    });
  });
});

describe('digest chart', () => {
  it('renders the SVG to a PNG with sharp and escapes the labels', async () => {
    const svg = digestChartSvg(
      [
        { key: '2026-03-02', counts: { screened: 5, flagged: 3, blocked: 0, removed: 2 } },
        { key: '2026-03-03', counts: { screened: 1, flagged: 0, blocked: 0, removed: 0 } },
      ],
      'a <b> & c',
    );
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg.match(/class="removed"/g)).toHaveLength(2);
    const meta = await sharp(await renderPng(svg)).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 1440, height: 640 });
  });
});

describe('weekly digest schedule', () => {
  it('posts the key numbers and a chart when the schedule fires, once per period', async () => {
    const scheduleId = `digest-test-${Date.now()}`;
    const handle = await upsertDigestSchedule(client, { taskQueue, channel: CHANNEL, scheduleId });
    try {
      await upsertDigestSchedule(client, { taskQueue, channel: CHANNEL, scheduleId, hour: 9 });
      const described = await handle.describe();
      expect(described.spec.calendars?.[0]).toMatchObject({
        dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY' }],
        hour: [{ start: 9 }],
      });
      await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      const workflowId = await eventually(
        async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId,
        'the schedule to start the digest',
      );
      const result = await client.workflow.getHandle<typeof weeklyDigestWorkflow>(workflowId).result();
      expect(result).toMatchObject({
        channel: CHANNEL,
        from: new Date(today - 7 * DAY).toISOString(),
        to: new Date(today).toISOString(),
        removedOrBlocked: 4,
        fileId: 'F1',
        alreadyPosted: false,
      });
      const post = slack.callsTo('chat.postMessage');
      expect(post).toHaveLength(1);
      const text = String(post[0]!.args.text);
      expect(text).toContain('*Wild Sentinel weekly digest*');
      expect(text).toContain('4 listings removed or blocked (4 removed, 0 blocked) of 6 screened; 6 flagged');
      expect(text).toContain('median 4 h');
      expect(text).toContain('Most removals: shopa 4');
      expect(front.uploads).toHaveLength(1);
      const bytes = front.uploads[0]!.bytes;
      expect(bytes.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBeGreaterThanOrEqual(0);
      expect(front.completed[0]).toMatchObject({ channel_id: CHANNEL, thread_ts: result.messageTs });

      // A second run for the same period (a retry, a manual re-trigger) finds the post and does not repeat it.
      const again = await client.workflow.execute('weeklyDigestWorkflow', {
        taskQueue,
        workflowId: `${workflowId}-again`,
        args: [{ channel: CHANNEL, to: result.to }],
      });
      expect(again).toMatchObject({ messageTs: result.messageTs, alreadyPosted: true });
      expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    } finally {
      await handle.delete();
    }
  });
});

describe('nightly rollup schedule', () => {
  it('refreshes the screened rollup from the events when it fires', async () => {
    const scheduleId = `rollup-test-${Date.now()}`;
    const handle = await upsertRollupSchedule(client, { taskQueue, scheduleId });
    try {
      await handle.trigger();
      const workflowId = await eventually(
        async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId,
        'the schedule to start the refresh',
      );
      const done = await client.workflow.getHandle(workflowId).result();
      expect(done).toMatchObject({ to: new Date(today).toISOString() });
      const { rows } = await db.pool.query(
        "SELECT sum(screened)::int AS n FROM metrics_screened_daily WHERE species = ''",
      );
      expect(rows[0].n).toBe(6);
    } finally {
      await handle.delete();
    }
  });
});

describe('retention schedule', () => {
  it("counts and deletes the allowed listings kept past their platform's period when it fires", async () => {
    await addPlatform(db.pool, 'brief');
    await db.pool.query("UPDATE platforms SET benign_retention_days = 30 WHERE id = 'brief'");
    const expired = await addListing(db.pool, {
      platform: 'brief',
      externalId: 'chair',
      title: 'Garden chair',
      receivedAt: new Date(today - 90 * DAY),
      verdict: 'allow',
    });
    await db.pool.query('UPDATE listings SET updated_at = received_at WHERE id = $1', [expired.id]);
    const scheduleId = `retention-test-${Date.now()}`;
    const handle = await upsertRetentionSchedule(client, { taskQueue, scheduleId });
    try {
      expect((await handle.describe()).spec.calendars).toMatchObject([{ hour: [{ start: 1 }] }]);
      await handle.trigger();
      const workflowId = await eventually(
        async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId,
        'the schedule to start the retention run',
      );
      expect(await client.workflow.getHandle(workflowId).result()).toEqual([
        { platformId: 'brief', retentionDays: 30, purged: 1 },
      ]);
      const { rows } = await db.pool.query('SELECT 1 FROM listings WHERE id = $1', [expired.id]);
      expect(rows).toEqual([]);
    } finally {
      await handle.delete();
    }
  });
});

describe('case facts schedule', () => {
  it('recomputes the re-listing matches every 15 minutes (every other case figure is live)', async () => {
    const scheduleId = `case-facts-test-${Date.now()}`;
    const handle = await upsertCaseFactsSchedule(client, { taskQueue, scheduleId });
    try {
      expect((await handle.describe()).spec.intervals).toMatchObject([{ every: 15 * 60_000 }]);
      const removed = await addListing(db.pool, {
        platform: 'shopa',
        externalId: `fresh-${scheduleId}`,
        title: `fresh listing ${scheduleId}`,
        receivedAt: new Date(Date.now() - 3_600_000),
        verdict: 'review',
        evidence: [{ term: 'ivory', kind: 'product', species: 'elephant' }],
      });
      await takeDown(db.pool, removed.caseId!, 'remove_listing', new Date(Date.now() - 1_800_000));
      // The same title comes back after the removal.
      await addListing(db.pool, {
        platform: 'shopa',
        externalId: `again-${scheduleId}`,
        title: `fresh listing ${scheduleId}`,
        receivedAt: new Date(),
        verdict: 'allow',
      });
      const live = async () =>
        (
          await db.pool.query('SELECT removed_at FROM metrics_case_facts WHERE case_id = $1', [
            removed.caseId,
          ])
        ).rows[0]?.removed_at;
      const relisted = async () =>
        (
          await db.pool.query('SELECT relisted_title FROM metrics_relisting WHERE case_id = $1', [
            removed.caseId,
          ])
        ).rows[0]?.relisted_title;
      expect(await live()).toBeInstanceOf(Date);
      expect(await relisted()).toBeUndefined();
      await handle.trigger();
      const workflowId = await eventually(
        async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId,
        'the schedule to start the refresh',
      );
      await client.workflow.getHandle(workflowId).result();
      expect(await relisted()).toBe(true);
    } finally {
      await handle.delete();
    }
  });
});
