// From one machine to a cluster: two API processes and two workers, each `wild-sentinel start --role …` as
// docker-compose runs them, share one PostgreSQL server and one Temporal server (the Slack front end runs
// once, as the bots service does). 32 platform clients send listings through both APIs while reviewers
// approve the flagged ones in Slack; one API process is SIGKILLed with requests in flight (its clients
// send again to the other API, as a load balancer would, and a replacement comes up on its port), and the
// worker sending a takedown is SIGKILLed before the platform answers, halfway through the reviews, and
// never comes back. In the end every listing is stored once, every flagged one has its case, every
// approved case is taken down, and the platform performed each takedown once: the processes hold no state
// of their own.
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../shared/net/free-port.ts';
import { type FakePlatform, startFakePlatform, type TakedownRequest } from '../fakes/platform-endpoint.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.ts';
import { sendBlockAction } from '../fakes/slack-interactions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually } from '../support/temporal.ts';
import { BIN, prng, runCli, sigkill, sleep, startProcess } from './support/processes.ts';

const SLACK_TOKEN = 'xoxb-cluster-token';
const SIGNING_SECRET = 'cluster-signing-secret';
const TAKEDOWN_SECRET = 'cluster-takedown-secret';
const CHANNEL = 'C0CLUSTER';
const CLIENTS = 32;
/** Listings per client and wave; one listing of each client's wave is flagged. */
const PER_WAVE = 4;
const WAVES = 2;
const CASES = CLIENTS * WAVES;
const SEED = Number(process.env.CLUSTER_SEED ?? 20261207);
const random = prng(SEED);

type Role = 'api' | 'worker' | 'bots';
interface Node {
  role: Role;
  port: number;
  proc?: ChildProcess;
}

let db: TestDatabase;
let temporal: Client;
let slack: FakeSlack;
let platform: FakePlatform;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let apiKey = '';
const apis: Node[] = [];
const workers: Node[] = [];
let bots: Node;
let kills = 0;

const url = (node: Node) => `http://127.0.0.1:${node.port}`;

async function start(node: Node): Promise<void> {
  const portVar = node.role === 'bots' ? 'BOTS_PORT' : 'PORT';
  const started = await startProcess(
    [BIN, 'start', '--role', node.role],
    { ...env, [portVar]: String(node.port) },
    /Wild Sentinel is running/,
  );
  node.proc = started.proc;
}

async function kill(node: Node): Promise<void> {
  if (await sigkill(node.proc)) kills += 1;
}

interface Listing {
  externalId: string;
  flagged: boolean;
  body: string;
}

function listing(client: number, n: number): Listing {
  const externalId = `cluster-${client}-${n}`;
  // One listing of each client's wave is flagged, at a different place for each client.
  const flagged = n % PER_WAVE === client % PER_WAVE;
  const body = flagged
    ? {
        externalId,
        title: `Carved ivory bangle no. ${client}-${n}`,
        description: 'Old piece, DM me',
        price: 300,
      }
    : { externalId, title: `Blue cotton scarf no. ${client}-${n}`, price: 12 };
  return { externalId, flagged, body: JSON.stringify({ currency: 'USD', ...body }) };
}

interface Ack {
  status: number;
  caseId: string | null;
}

/** What the platform's clients saw. */
const acks = new Map<string, Ack>();
const stats = { failovers: 0, inFlight: 0, known: 0 };
/** Cases acknowledged as flagged, in the order the reviewers get to them. */
const toDecide: string[] = [];
const approved: string[] = [];
let killedWorker = -1;
let stopped = false;

/** A request that reached a process which then died, rather than one refused by a process not there. */
const diedInFlight = (err: unknown) => (err as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED';

/**
 * Sends a listing to the client's API process; when no answer comes (the process died, or is not there),
 * sends it to the other one, as a load balancer would, until one answers. The route is idempotent per
 * external id, so a listing stored by a process that died before answering is not stored twice.
 */
async function send(client: number, item: Listing): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const node = apis[(client + attempt) % apis.length]!;
    let res: Response;
    try {
      res = await fetch(`${url(node)}/v1/listings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: item.body,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      stats.failovers += 1;
      if (diedInFlight(err)) stats.inFlight += 1;
      if (attempt > 50) throw new Error(`no API process answered for ${item.externalId}`);
      await sleep(attempt < apis.length ? 0 : 200);
      continue;
    }
    const answer = (await res.json()) as { caseId: string | null };
    if (res.status !== 200 && res.status !== 201) {
      throw new Error(`${item.externalId}: HTTP ${res.status} ${JSON.stringify(answer)}`);
    }
    if (res.status === 200) stats.known += 1;
    acks.set(item.externalId, { status: res.status, caseId: answer.caseId });
    if (item.flagged) toDecide.push(answer.caseId ?? `unflagged:${item.externalId}`);
    return;
  }
}

/** Each client sends its listings of the wave one after another; all clients at once. */
async function wave(n: number): Promise<void> {
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; i < PER_WAVE; i++) await send(client, listing(client, n * PER_WAVE + i));
    }),
  );
}

/**
 * SIGKILLs the worker that sent this takedown and is waiting for the platform's answer: Temporal knows
 * which worker runs the activity (its identity is pid@host).
 */
async function killWorkerSending(request: TakedownRequest): Promise<void> {
  const caseId = String(request.idempotencyKey).split(':')[0]!;
  const identity = await eventually(async () => {
    const { raw } = await temporal.workflow.getHandle(caseId).describe();
    const takedown = raw.pendingActivities?.find((a) => a.activityType?.name === 'requestTakedown');
    return takedown?.lastWorkerIdentity || undefined;
  }, `the worker running the takedown of ${caseId}`);
  const pid = Number(identity.split('@')[0]);
  const worker = workers.find((w) => w.proc?.pid === pid);
  if (!worker) throw new Error(`no worker of this test runs as ${identity}`);
  await kill(worker);
  killedWorker = workers.indexOf(worker);
}

async function hasCard(caseId: string): Promise<boolean> {
  const { rowCount } = await db.pool.query('SELECT 1 FROM cases WHERE id = $1 AND slack_ts IS NOT NULL', [
    caseId,
  ]);
  return rowCount === 1;
}

/** A reviewer approves each case once its card is up; a click Slack saw fail is clicked again. */
async function review(until: () => boolean, onHalf: () => void): Promise<void> {
  let halfDone = false;
  while (!until() || approved.length < toDecide.length) {
    if (stopped) throw new Error('stopped');
    const caseId = toDecide[approved.length];
    if (!caseId) {
      await sleep(50);
      continue;
    }
    if (caseId.startsWith('unflagged:')) throw new Error(`${caseId.slice(10)} was not flagged`);
    await eventually(async () => hasCard(caseId), `the card of ${caseId}`, 90_000);
    const click = () =>
      sendBlockAction(
        `${url(bots)}/slack/events`,
        { actionId: 'case_approve', value: caseId, userId: 'U1', channel: CHANNEL },
        { signingSecret: SIGNING_SECRET },
      );
    await eventually(async () => (await click()).status === 200, `the approval of ${caseId}`);
    approved.push(caseId);
    if (!halfDone && approved.length >= CASES / 2) {
      halfDone = true;
      onHalf();
    }
  }
}

beforeAll(async () => {
  [slack, platform, db] = await Promise.all([
    startFakeSlack({ token: SLACK_TOKEN }),
    startFakePlatform(TAKEDOWN_SECRET),
    // Not migrated: the processes start together and migrate it under their advisory lock.
    createTestDatabase({ migrate: false }),
  ]);
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  dataDir = mkdtempSync(join(tmpdir(), 'ws-cluster-'));
  chmodSync(dataDir, 0o755);
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'error',
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `cluster-${Date.now()}`,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_REVIEW_CHANNEL: CHANNEL,
    SLACK_REVIEWERS: 'U1,U2',
    TAKEDOWN_SIGNING_SECRET: TAKEDOWN_SECRET,
    IMAGE_OCR: 'false',
  };
  for (let i = 0; i < 2; i++) {
    apis.push({ role: 'api', port: await freePort() });
    workers.push({ role: 'worker', port: 0 });
  }
  bots = { role: 'bots', port: await freePort() };
  await Promise.all([...apis, ...workers, bots].map(start));
  // Added by a CLI command beside the running API processes: their key caches hear of it.
  const added = await runCli(
    env,
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
}, 300_000);

afterAll(async () => {
  stopped = true;
  await Promise.all([...apis, ...workers, ...(bots ? [bots] : [])].map((n) => sigkill(n.proc)));
  await temporal?.connection.close();
  await Promise.all([slack?.close(), platform?.close(), db?.drop()]);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('two API processes and two workers on one PostgreSQL and one Temporal', () => {
  it('lose nothing and take nothing down twice when one of each is SIGKILLed', {
    timeout: 600_000,
  }, async () => {
    const began = Date.now();
    let workerKilled: Promise<void> | undefined;
    const reviewed = review(
      () => acks.size === CLIENTS * PER_WAVE * WAVES,
      // Half the cases approved, the other half still coming: the worker that sends the next takedown
      // dies before it hears the platform's answer, with whatever else it was running.
      () => {
        workerKilled = platform.holdNext().then(killWorkerSending);
      },
    );

    // Wave 1: an API process dies once about a third of the wave is acknowledged, requests in flight.
    const apiKilled = (async () => {
      await eventually(async () => acks.size >= (CLIENTS * PER_WAVE) / 3 + Math.floor(random() * 8), 'acks');
      await kill(apis[1]!);
    })();
    await Promise.all([wave(0), apiKilled]);
    const diedWithRequests = stats.inFlight;
    // A replacement comes up on the same address, as a supervisor would start it.
    await start(apis[1]!);
    // Wave 2 goes through both API processes again, while the reviewers work and the worker dies.
    await wave(1);
    await reviewed;
    await workerKilled;

    for (const caseId of approved) {
      await eventually(
        async () => {
          const { rows } = await db.pool.query('SELECT status FROM cases WHERE id = $1', [caseId]);
          return rows[0]?.status === 'taken_down';
        },
        `${caseId} taken down`,
        120_000,
      );
    }
    const wallSeconds = (Date.now() - began) / 1000;

    // Every listing acknowledged, stored once, in one version (a retried listing kept its version).
    const sent = Array.from({ length: CLIENTS }, (_, c) =>
      Array.from({ length: PER_WAVE * WAVES }, (_, n) => listing(c, n)),
    ).flat();
    expect(acks.size).toBe(sent.length);
    const { rows: stored } = await db.pool.query<{ external_id: string; versions: number }>(
      `SELECT l.external_id, (SELECT count(*)::int FROM listing_versions v WHERE v.listing_id = l.id) AS versions
         FROM listings l WHERE l.platform_id = 'shop'`,
    );
    expect(stored.map((r) => r.external_id).sort()).toEqual(sent.map((l) => l.externalId).sort());
    expect(stored.filter((r) => r.versions !== 1)).toEqual([]);

    // Every flagged listing has its one case (the one its answer named), and no other listing has one.
    const flagged = sent.filter((l) => l.flagged);
    const { rows: cases } = await db.pool.query<{ id: string; external_id: string; status: string }>(
      `SELECT c.id, l.external_id, c.status FROM cases c JOIN listings l ON l.id = c.listing_id`,
    );
    expect(cases.map((c) => c.external_id).sort()).toEqual(flagged.map((l) => l.externalId).sort());
    for (const c of cases) expect(acks.get(c.external_id)!.caseId).toBe(c.id);
    expect(approved.sort()).toEqual(cases.map((c) => c.id).sort());

    // Each approved case taken down once: one performed takedown per case at the platform, and a request
    // sent again (a worker died waiting for the answer) carried the same idempotency key.
    const keys = approved.map((id) => `${id}:remove_listing`).sort();
    expect([...platform.performed.keys()].sort()).toEqual(keys);
    for (const r of platform.requests) {
      expect(r.signatureValid).toBe(true);
      expect(keys).toContain(r.idempotencyKey);
    }
    // The takedown whose worker died was sent again by the other worker, with the same key.
    const resent = platform.requests.length - platform.performed.size;
    expect(resent).toBeGreaterThan(0);
    const { rows: takedowns } = await db.pool.query<{ case_id: string; status: string }>(
      'SELECT case_id, status FROM takedowns',
    );
    expect(takedowns.map((t) => t.case_id).sort()).toEqual([...approved].sort());
    expect(takedowns.every((t) => t.status === 'done')).toBe(true);
    const { rows: done } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'takedown.done'`,
    );
    const duplicates = done[0]!.n - approved.length;
    expect(duplicates).toBe(0);

    // Five processes appended to one audit chain at once; it still verifies.
    const audit = await runCli(env, 'audit', 'verify');
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    // The replacement API process and the surviving one both serve.
    for (const node of apis) expect((await fetch(`${url(node)}/healthz`)).status).toBe(200);

    expect(kills).toBe(2);
    // The API process died with requests in flight: some clients had to send again elsewhere.
    expect(diedWithRequests).toBeGreaterThan(0);
    console.log(
      `cluster test: seed ${SEED}, ${sent.length} listings from ${CLIENTS} clients over 2 API processes ` +
        `(${stats.inFlight} lost with the killed API and ${stats.failovers - stats.inFlight} refused, all sent ` +
        `again to the other; ${stats.known} answered as already stored), ` +
        `${cases.length} cases approved, ${kills} SIGKILLs (API 2 with requests in flight, restarted; ` +
        `worker ${killedWorker + 1} waiting for a takedown's answer, not restarted), ` +
        `${platform.performed.size} takedowns from ${platform.requests.length} requests (${resent} sent again), ` +
        `${duplicates} duplicates, ${wallSeconds.toFixed(1)} s`,
    );
  });
});
