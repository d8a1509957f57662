// The whole system as `wild-sentinel start` runs it on the embedded PostgreSQL, killed with SIGKILL at
// chosen points of the review flow and started again on the same DATA_DIR. Reviewers click through signed
// Slack payloads; a reviewer whose click was not acknowledged clicks again, as a person would. In the end
// every case is decided as clicked, every takedown was performed once, every card matches its case, and
// the audit chain verifies. The same process then serves 64 concurrent clients without a 5xx, and
// approves a case after sitting idle past every cache TTL.
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../shared/net/free-port.ts';
import { type FakePlatform, startFakePlatform } from '../fakes/platform-endpoint.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.ts';
import { sendBlockAction, sendViewSubmission } from '../fakes/slack-interactions.ts';
import { bundleWorkflows, eventually } from '../support/temporal.ts';
import { prng, runCli, sigkill, sleep, startProcess } from './support/processes.ts';
import { buttonIds } from './support/review-system.ts';

const SYSTEM_SCRIPT = fileURLToPath(new URL('./support/system-process.ts', import.meta.url));
const SLACK_TOKEN = 'xoxb-crash-token';
const SIGNING_SECRET = 'crash-signing-secret';
const TAKEDOWN_SECRET = 'crash-takedown-secret';
const CHANNEL = 'C0CRASH';
const CASES = 20;

type KillPoint = 'none' | 'before-ack' | 'after-ack' | 'during-takedown' | 'after-takedown';
type Decision = 'approve' | 'reject';

let slack: FakeSlack;
let platform: FakePlatform;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let child: ChildProcess | undefined;
let apiUrl = '';
let apiKey = '';
let kills = 0;

const SEED = Number(process.env.CRASH_SEED ?? 20261207);
const random = prng(SEED);

async function startChild(): Promise<void> {
  const started = await startProcess(['--import', 'tsx', SYSTEM_SCRIPT], env, /SYSTEM_READY (\S+)/);
  apiUrl = started.ready[1]!;
  child = started.proc;
}

async function killChild(): Promise<void> {
  if (await sigkill(child)) kills += 1;
}

async function restart(): Promise<void> {
  await killChild();
  await startChild();
}

const cli = (...args: string[]) => runCli(env, ...args);

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...init.headers },
  });

const click = (caseId: string, actionId: string, userId = 'U1') =>
  sendBlockAction(
    `${apiUrl}/slack/events`,
    { actionId, value: caseId, userId, channel: CHANNEL },
    { signingSecret: SIGNING_SECRET },
  );

/** The case's card as it stands now (the top-level message that carries its buttons or its id). */
function card(caseId: string): Record<string, unknown> | undefined {
  for (const msg of slack.messages.values()) {
    if (!msg.thread_ts && JSON.stringify(msg.blocks ?? '').includes(caseId)) return msg;
  }
  return undefined;
}

async function ingest(i: number): Promise<string> {
  const res = await api('/v1/listings', {
    method: 'POST',
    body: JSON.stringify({
      externalId: `crash-${i}`,
      title: `Carved ivory bangle no. ${i}`,
      description: 'Old piece, DM me',
      price: 300 + i,
      currency: 'USD',
    }),
  });
  const body = (await res.json()) as { caseId: string | null };
  if (!body.caseId) throw new Error(`listing ${i} was not flagged: ${JSON.stringify(body)}`);
  return body.caseId;
}

async function caseStatus(caseId: string): Promise<string | undefined> {
  try {
    const res = await api(`/v1/cases/${caseId}`);
    return res.ok ? ((await res.json()) as { status: string }).status : undefined;
  } catch {
    return undefined; // the process is restarting
  }
}

/** Sends a request that may die with the process; the answer, or undefined when none came. */
async function attempt(
  send: () => Promise<Response>,
  kill?: () => Promise<void>,
): Promise<number | undefined> {
  const pending = send().then(
    (res) => res.status,
    () => undefined,
  );
  if (kill) await kill();
  return pending;
}

/** Opens the reject modal and returns what its submission needs. */
async function openRejectModal(caseId: string): Promise<string> {
  const before = slack.callsTo('views.open').length;
  expect((await click(caseId, 'case_reject')).status).toBe(200);
  const opened = await eventually(
    async () =>
      slack
        .callsTo('views.open')
        .slice(before)
        .find((c) => JSON.stringify(c.args).includes(caseId)),
    'the reject modal',
  );
  return (opened.args.view as { private_metadata: string }).private_metadata;
}

const submitReject = (privateMetadata: string) =>
  sendViewSubmission(
    `${apiUrl}/slack/events`,
    {
      callbackId: 'case_reject_modal',
      userId: 'U2',
      privateMetadata,
      values: { reason: { selected: 'imitation' }, note: 'resin' },
    },
    { signingSecret: SIGNING_SECRET },
  );

/** Decides one case as planned, with a kill at the planned point; re-sends what was not acknowledged. */
async function decide(caseId: string, decision: Decision, point: KillPoint): Promise<void> {
  const metadata = decision === 'reject' ? await openRejectModal(caseId) : '';
  const send = () => (decision === 'approve' ? click(caseId, 'case_approve') : submitReject(metadata));
  let status: number | undefined;
  switch (point) {
    case 'none':
      status = await attempt(send);
      break;
    case 'before-ack':
      status = await attempt(send, async () => {
        await sleep(Math.floor(random() * 15));
        await restart();
      });
      break;
    case 'after-ack':
      status = await attempt(send);
      await restart();
      break;
    case 'during-takedown': {
      const held = platform.holdNext();
      status = await attempt(send);
      await held;
      await restart();
      break;
    }
    case 'after-takedown': {
      const answered = platform.answeredNext();
      status = await attempt(send);
      await answered;
      await sleep(Math.floor(random() * 40));
      await restart();
      break;
    }
  }
  // Not acknowledged: Slack showed the reviewer an error, so they click (or submit) again.
  if (status !== 200) expect((await send()).status).toBe(200);
}

beforeAll(async () => {
  [slack, platform] = await Promise.all([
    startFakeSlack({ token: SLACK_TOKEN }),
    startFakePlatform(TAKEDOWN_SECRET),
  ]);
  dataDir = mkdtempSync(join(tmpdir(), 'ws-crash-'));
  chmodSync(dataDir, 0o755); // the embedded server runs as `postgres` when the tests run as root
  const bundle = await bundleWorkflows();
  const bundlePath = join(dataDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: process.env.CRASH_LOG_LEVEL ?? 'error',
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `crash-${Date.now()}`,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_REVIEW_CHANNEL: CHANNEL,
    SLACK_REVIEWERS: 'U1,U2',
    TAKEDOWN_SIGNING_SECRET: TAKEDOWN_SECRET,
    IMAGE_OCR: 'false',
    WS_TEST_WORKFLOW_BUNDLE: bundlePath,
  };
  await startChild();
  // A CLI command beside the running system joins its database.
  const added = await cli(
    'platform',
    'add',
    'shop',
    '--name',
    'Shop',
    '--takedown-url',
    platform.takedownUrl,
  );
  expect(added.code, added.stderr).toBe(0);
  apiKey = /wsk_\S+/.exec(added.stdout)![0];
}, 240_000);

afterAll(async () => {
  await killChild();
  // Stop the server the last run left, as the next start would.
  const { openEmbeddedDatabase } = await import('../../shared/db/embedded.ts');
  const db = await openEmbeddedDatabase(dataDir, 'cli', { waitMs: 5_000 }).catch(() => undefined);
  await db?.stop();
  await Promise.all([slack?.close(), platform?.close()]);
  rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

describe('SIGKILL at any point of the review flow, on the embedded database', () => {
  it(`decides ${CASES} cases as clicked, with one takedown each and intact audit`, {
    timeout: 600_000,
  }, async () => {
    const caseIds: string[] = [];
    for (let i = 0; i < CASES; i++) caseIds.push(await ingest(i));
    for (const id of caseIds) await eventually(async () => card(id), `the card of ${id}`, 60_000);

    const points: KillPoint[] = ['none', 'before-ack', 'after-ack', 'during-takedown', 'after-takedown'];
    const plan = caseIds.map((caseId, i) => {
      const decision: Decision = i % 3 === 2 ? 'reject' : 'approve';
      const choices = decision === 'approve' ? points : points.slice(0, 3);
      return { caseId, decision, point: choices[Math.floor(random() * choices.length)]! };
    });
    for (const p of plan) await decide(p.caseId, p.decision, p.point);

    for (const p of plan) {
      const want = p.decision === 'approve' ? 'taken_down' : 'rejected';
      await eventually(
        async () => (await caseStatus(p.caseId)) === want,
        `${p.caseId} ${want} (${p.point})`,
        90_000,
      );
    }

    // Every approval performed exactly once on the platform, nothing for rejected cases.
    const approved = plan.filter((p) => p.decision === 'approve').map((p) => `${p.caseId}:remove_listing`);
    expect([...platform.performed.keys()].sort()).toEqual(approved.sort());
    for (const r of platform.requests) expect(r.signatureValid).toBe(true);

    // Each case's card shows its outcome and offers no decision any more.
    for (const p of plan) {
      await eventually(async () => {
        const ids = buttonIds(card(p.caseId) ?? { blocks: [] });
        return !ids.includes('case_approve') && !ids.includes('case_reject') && ids.length > 0;
      }, `the final card of ${p.caseId}`);
    }

    const audit = await cli('audit', 'verify');
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    const killedAt = plan.filter((p) => p.point !== 'none').length;
    console.log(
      `crash test: seed ${SEED}, ${CASES} cases, ${kills} kills (${killedAt} planned), ` +
        `${platform.performed.size} takedowns from ${platform.requests.length} requests, 0 duplicates`,
    );
    expect(kills).toBeGreaterThanOrEqual(killedAt);
  });

  it('serves 64 concurrent clients without a 5xx', { timeout: 120_000 }, async () => {
    const statuses = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const kind = i % 4;
        if (kind === 0) return (await api('/v1/search-alert?q=ivory&lang=en')).status;
        if (kind === 1) return (await api(`/v1/cases/${await ingest(1000 + i)}`)).status;
        const res = await api('/v1/listings', {
          method: 'POST',
          body: JSON.stringify({
            externalId: `benign-${i}`,
            title: 'Blue cotton scarf',
            price: 12,
            currency: 'EUR',
          }),
        });
        return res.status;
      }),
    );
    expect(statuses.filter((s) => s !== 200 && s !== 201)).toEqual([]);
  });

  it('approves a case after sitting idle past every cache TTL', { timeout: 180_000 }, async () => {
    const caseId = await ingest(5000);
    await eventually(async () => card(caseId), 'the card', 60_000);
    await sleep(65_000); // past every cache: the policy (30 s) and Slack role lookups (60 s)
    expect((await click(caseId, 'case_approve')).status).toBe(200);
    await eventually(async () => (await caseStatus(caseId)) === 'taken_down', 'the takedown', 60_000);
    expect((await fetch(`${apiUrl}/healthz`)).status).toBe(200);
  });
});
