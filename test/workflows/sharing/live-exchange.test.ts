// The live exchange between two deployments (two databases, two HTTP APIs, real HTTP between them): B pulls
// A's feed with signed requests; what A withdraws (a takedown undone, a hash taken out of its bank) stops on
// B; B's false positive reaches A as signed feedback; A's keyword version becomes proposals on B; a crash
// before the apply commits applies nothing and the retry applies once; replayed and tampered answers are
// refused. The fetch runs on the real Temporal server through its schedule.
import { createPrivateKey, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiDeps, createApiServer } from '../../../api/server.ts';
import { addItems, createBank, listItems, removeItem } from '../../../detectors/image/bank-store.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';
import { getVersion, latestVersion, publishVersion } from '../../../keywords/versions.ts';
import { generateSigningKey, type SignedBundle, signBody } from '../../../workflows/sharing/bundle.ts';
import { createShareExchangeActivities } from '../../../workflows/sharing/exchange-activities.ts';
import { upsertShareFetchSchedule } from '../../../workflows/sharing/exchange-schedule.ts';
import type { shareFetchWorkflow } from '../../../workflows/sharing/exchange-workflow.ts';
import { listFeedback, reportFalsePositive } from '../../../workflows/sharing/feedback.ts';
import { type FetchDeps, fetchPeer } from '../../../workflows/sharing/fetch.ts';
import { decideSharedItem, listPending, sharedBankName } from '../../../workflows/sharing/import.ts';
import { CoalitionKey } from '../../../workflows/sharing/keyed-hash.ts';
import { linkListing } from '../../../workflows/sharing/linking.ts';
import { type FeedConfig, signFeedBundle } from '../../../workflows/sharing/outbox.ts';
import { signShareRequest } from '../../../workflows/sharing/peer-auth.ts';
import { trustPeer } from '../../../workflows/sharing/peers.ts';
import { recordListingPhotos } from '../../../workflows/sharing/photos.ts';
import { recordListingSignals } from '../../../workflows/sharing/signals.ts';
import { listen, type RunningServer, sendJson } from '../../fakes/http.ts';
import { addListing, addPlatform, takeDown } from '../../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { eventually, installTestRuntime } from '../../support/temporal.ts';

let a: TestDatabase;
let b: TestDatabase;
let apiA: Server;
let apiB: Server;
let urlA: string;
let urlB: string;
const coalitionKey = new CoalitionKey(randomBytes(32));
const keysA = generateSigningKey();
const keysB = generateSigningKey();
const keysStranger = generateSigningKey();
const keyA = createPrivateKey(keysA.privateKeyPem);
const keyB = createPrivateKey(keysB.privateKeyPem);
const PDQ_KEEP = 'f'.repeat(32) + '0'.repeat(32);
const PDQ_DROP = '0f'.repeat(32);
const PHOTO = 'c3'.repeat(32);
// Two items a page, so B's fetches page through A's feed.
const feedA: FeedConfig = { origin: 'deploy-a', banks: ['IVORY'], keywords: true, days: 90, pageSize: 2 };
const feedB: FeedConfig = { origin: 'deploy-b', banks: [], keywords: false, days: 90 };
const fetchAsB = (over: Partial<FetchDeps> = {}): FetchDeps => ({
  pool: b.pool,
  self: 'deploy-b',
  key: keyB,
  ...over,
});
let restoredCaseA: string;

async function listingWith(db: TestDatabase, platform: string, externalId: string, description: string) {
  const row = await addListing(db.pool, {
    platform,
    externalId,
    title: 'Carved bangle',
    description,
    receivedAt: new Date(Date.now() - 48 * 3600_000),
    verdict: 'review',
    evidence: [{ term: 'ivory', kind: 'product', species: 'elephant' }],
  });
  await recordListingSignals(db.pool, coalitionKey, row.id, {
    platformId: platform,
    title: 'Carved bangle',
    description,
  });
  return row;
}

async function startApi(db: TestDatabase, feed: FeedConfig, key: ReturnType<typeof createPrivateKey>) {
  const server = createApiServer({
    pool: db.pool,
    temporal: {} as Client,
    taskQueue: 'unused',
    policy: async () => {
      throw new Error('not used by the share endpoints');
    },
    share: { feed, key },
  } as ApiDeps);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await addPlatform(a.pool, 'shopa');
  await addPlatform(b.pool, 'shopz');
  // A removed two listings: one whose takedown it will undo (phone and photo), one it keeps removed.
  const undone = await listingWith(a, 'shopa', 'a1', 'WhatsApp +84 912 345 678');
  await recordListingPhotos(a.pool, undone.id, [{ pdq: PHOTO, quality: 90 }]);
  await takeDown(a.pool, undone.caseId!, 'remove_listing', new Date(Date.now() - 24 * 3600_000));
  restoredCaseA = undone.caseId!;
  const kept = await listingWith(a, 'shopa', 'a2', 'call 0987 654 321');
  await takeDown(a.pool, kept.caseId!, 'remove_listing', new Date(Date.now() - 24 * 3600_000));
  const files = loadLibraryFromDir();
  await publishVersion(
    a.pool,
    {
      ...files,
      version: '99.0.0',
      entries: [...files.entries, { ...files.entries[0]!, term: 'bạch ngọc tượng', addedIn: '99.0.0' }],
    },
    'lead-a',
    'a code word seen on A',
  );
  await createBank(a.pool, { name: 'IVORY' }, 'test');
  await addItems(
    a.pool,
    'IVORY',
    [
      { pdq: PDQ_KEEP, quality: 90, species: 'elephant' },
      { pdq: PDQ_DROP, quality: 80 },
    ],
    'test',
  );
  ({ server: apiA, url: urlA } = await startApi(a, feedA, keyA));
  ({ server: apiB, url: urlB } = await startApi(b, feedB, keyB));
  // Two-way trust: B fetches A at its URL; A knows B's key, to answer its pulls and take its feedback.
  await trustPeer(b.pool, 'deploy-a', keysA.publicKeyPem, 'lead-b', urlA);
  await trustPeer(a.pool, 'deploy-b', keysB.publicKeyPem, 'lead-a', urlB);
});

afterAll(async () => {
  await Promise.all([apiA, apiB].map((s) => s && new Promise<void>((resolve) => s.close(() => resolve()))));
  await Promise.all([a?.drop(), b?.drop()]);
});

async function cursorOnB(): Promise<number> {
  const { rows } = await b.pool.query("SELECT fetch_cursor FROM share_peers WHERE origin = 'deploy-a'");
  return Number(rows[0]!.fetch_cursor);
}

async function phoneLinksOnB(externalId: string, description: string) {
  const row = await listingWith(b, 'shopz', externalId, description);
  return (await linkListing(b.pool, row.id)).lines;
}

describe('the pull endpoint', () => {
  const get = (headers: Record<string, string>, target = '/v1/share/bundles?since=0') =>
    fetch(`${urlA}${target}`, { headers });
  const signed = (over: Partial<Parameters<typeof signShareRequest>[1]> = {}, key = keyB) =>
    signShareRequest(key, {
      origin: 'deploy-b',
      audience: 'deploy-a',
      method: 'GET',
      target: '/v1/share/bundles?since=0',
      ...over,
    });

  it('refuses requests that are not signed by a trusted peer, for this deployment, now', async () => {
    const refusals = await Promise.all([
      get({}),
      get(signed({}, createPrivateKey(keysStranger.privateKeyPem))),
      get(signed({ audience: 'deploy-x' })),
      get(signed({ now: new Date(Date.now() - 10 * 60_000) })),
      get(signed({ origin: 'deploy-x' })),
      get(signed(), '/v1/share/bundles?since=5'),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    const body = (await refusals[0]!.json()) as { message: string };
    expect(body.message).toMatch(/x-share-origin/);
    const ok = await get(signed());
    expect(ok.status).toBe(200);
    const bundle = (await ok.json()) as SignedBundle & { body: { feed: unknown; origin: string } };
    expect(bundle.body.origin).toBe('deploy-a');
    expect(bundle.body.feed).toMatchObject({ audience: 'deploy-b', since: 0, more: true });
    expect((bundle.body as unknown as { items: unknown[] }).items).toHaveLength(2);
  });

  it('answers a bad cursor with 400', async () => {
    const target = '/v1/share/bundles?since=-1';
    const res = await get(signed({ target }), target);
    expect(res.status).toBe(400);
  });
});

describe('B fetches A', () => {
  it('applies nothing when the apply fails before commit, and the retry applies once', async () => {
    // A failure inside the apply transaction, after the items were written: the cursor update raises.
    await b.pool.query(`CREATE FUNCTION fail_cursor() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'crash before commit'; END $$`);
    await b.pool.query(
      'CREATE TRIGGER fail_cursor BEFORE UPDATE OF fetch_cursor ON share_peers FOR EACH ROW EXECUTE FUNCTION fail_cursor()',
    );
    await expect(fetchPeer(fetchAsB(), 'deploy-a')).rejects.toThrow(/crash before commit/);
    const { rows: none } = await b.pool.query('SELECT count(*)::int AS n FROM shared_items');
    expect(none[0]!.n).toBe(0);
    expect(await cursorOnB()).toBe(0);
    await b.pool.query('DROP TRIGGER fail_cursor ON share_peers; DROP FUNCTION fail_cursor()');

    const first = await fetchPeer(fetchAsB(), 'deploy-a');
    // Two phones and a photo accepted; the bank and the library wait for a person.
    expect(first).toMatchObject({ accepted: 3, quarantined: 2, withdrawn: 0, pages: 3 });
    expect(first.cursor).toBeGreaterThan(0);
    expect(await cursorOnB()).toBe(first.cursor);
    const again = await fetchPeer(fetchAsB(), 'deploy-a');
    expect(again).toMatchObject({ accepted: 0, quarantined: 0, cursor: first.cursor });
    const { rows } = await b.pool.query('SELECT count(*)::int AS n FROM shared_items');
    expect(rows[0]!.n).toBe(5);
    expect(await phoneLinksOnB('z1', 'Zalo 0912.345.678')).toEqual([
      "seller's phone seen in 1 removed listing on 1 platform (shared by deploy-a)",
    ]);
  });

  it('lists the quarantined items by name; deciding by that name adds the bank and proposes the keywords', async () => {
    const pending = await listPending(b.pool);
    expect(pending.map((p) => p.name)).toEqual([
      'deploy-a/keyword-library:99.0.0',
      'deploy-a/image-bank:IVORY',
    ]);
    expect(pending.map((p) => p.summary)).toEqual([
      expect.stringMatching(/^keyword library 99\.0\.0 \(\d+ entries\)$/),
      'bank IVORY (2 hashes)',
    ]);
    await decideSharedItem(b.pool, 'deploy-a/image-bank:IVORY', 'accept', 'lead-b');
    const bank = await listItems(b.pool, sharedBankName('deploy-a'));
    expect(
      bank
        .filter((i) => i.enabled)
        .map((i) => i.pdq)
        .sort(),
    ).toEqual([PDQ_DROP, PDQ_KEEP].sort());

    const before = await latestVersion(b.pool);
    // A unique beginning of the name is enough.
    await decideSharedItem(b.pool, 'deploy-a/keyword-lib', 'accept', 'lead-b');
    const after = await latestVersion(b.pool);
    expect(after?.version).not.toBe(before?.version);
    const library = await getVersion(b.pool, after!.version);
    // The library it builds on has proposed entries of its own; the shared version adds exactly one more.
    const base = before ? await getVersion(b.pool, before.version) : loadLibraryFromDir();
    const proposedBefore = new Set(base.entries.filter((e) => e.status === 'proposed').map((e) => e.term));
    const proposed = library.entries.filter((e) => e.status === 'proposed' && !proposedBefore.has(e.term));
    expect(proposed.map((e) => e.term)).toEqual(['bạch ngọc tượng']);
    expect(proposed[0]!.note).toMatch(/shared by deploy-a/);
    // Proposed, not active: the curators decide.
    expect(library.entries.find((e) => e.term === 'bạch ngọc tượng')?.status).toBe('proposed');
    await expect(decideSharedItem(b.pool, 'deploy-a/nothing-like-this', 'accept', 'lead-b')).rejects.toThrow(
      /no shared item/,
    );
  });

  it('withdraws on B what A takes back: an undone takedown and a hash removed from its bank', async () => {
    // A undoes the takedown (what the case workflow's undo and upheld appeal record), and drops a hash.
    await a.pool.query("UPDATE cases SET status = 'restored' WHERE id = $1", [restoredCaseA]);
    const ivory = await listItems(a.pool, 'IVORY');
    await removeItem(a.pool, ivory.find((i) => i.pdq === PDQ_DROP)!.id, 'curator-a');

    const fetched = await fetchPeer(fetchAsB(), 'deploy-a');
    expect(fetched.withdrawn).toBe(2); // the phone and the photo of the restored listing
    expect(await phoneLinksOnB('z2', 'Zalo 0912.345.678')).toEqual([]);
    const withPhoto = await listingWith(b, 'shopz', 'z3', 'see photo');
    await recordListingPhotos(b.pool, withPhoto.id, [{ pdq: PHOTO, quality: 90 }]);
    expect((await linkListing(b.pool, withPhoto.id)).matches).toEqual([]);
    const { rows } = await b.pool.query(
      "SELECT reason FROM shared_items WHERE status = 'withdrawn' AND type = 'seller-signal'",
    );
    expect(rows.map((r) => r.reason)).toEqual(['withdrawn by deploy-a: the takedown behind it was undone']);
    // The other removal still links.
    expect(await phoneLinksOnB('z4', 'call 0987654321')).toEqual([
      "seller's phone seen in 1 removed listing on 1 platform (shared by deploy-a)",
    ]);
    // The bank's dropped hash stops at once; the changed bank waits for a person before anything new.
    const bank = await listItems(b.pool, sharedBankName('deploy-a'));
    expect(bank.filter((i) => i.enabled).map((i) => i.pdq)).toEqual([PDQ_KEEP]);
    expect((await listPending(b.pool)).map((p) => p.name)).toEqual(['deploy-a/image-bank:IVORY']);
  });

  it("sends B's false positive back to A, signed, recorded once however often it is pushed", async () => {
    // The phone of the listing A still has removed: the one seller signal B still uses.
    const { rows: used } = await b.pool.query<{ item_id: string }>(
      "SELECT item_id FROM shared_items WHERE type = 'seller-signal' AND status = 'accepted'",
    );
    const signal = used[0];
    const name = `deploy-a/${signal!.item_id}`;
    const sent = await reportFalsePositive(b.pool, name.slice(0, 40), {
      self: 'deploy-b',
      actor: 'lead-b',
      note: "a courier's number",
    });
    expect(sent).toEqual({ name, to: 'deploy-a' });
    // Not used on B any more, at once.
    expect(await phoneLinksOnB('z5', 'call 0987654321')).toEqual([]);

    const pushed = await fetchPeer(fetchAsB(), 'deploy-a');
    expect(pushed.feedbackPushed).toBe(1);
    expect(await listFeedback(a.pool)).toEqual([
      expect.objectContaining({
        from: 'deploy-b',
        itemId: signal!.item_id,
        verdict: 'false-positive',
        note: "a courier's number",
      }),
    ]);
    // Nothing new to push; a crash before the push cursor moved would send it again: still one record.
    expect((await fetchPeer(fetchAsB(), 'deploy-a')).feedbackPushed).toBe(0);
    await b.pool.query("UPDATE share_peers SET push_cursor = 0 WHERE origin = 'deploy-a'");
    expect((await fetchPeer(fetchAsB(), 'deploy-a')).feedbackPushed).toBe(1);
    expect(await listFeedback(a.pool)).toHaveLength(1);
  });
});

describe('answers B refuses', () => {
  let fake: RunningServer;
  let answer: unknown;
  beforeAll(async () => {
    fake = await listen((_req, res) => sendJson(res, 200, answer));
  });
  afterAll(async () => {
    await fake?.close();
  });

  async function fetchFrom(bundle: unknown) {
    answer = bundle;
    await b.pool.query("UPDATE share_peers SET url = $1 WHERE origin = 'deploy-a'", [fake.url]);
    try {
      return await fetchPeer(fetchAsB(), 'deploy-a');
    } finally {
      await b.pool.query("UPDATE share_peers SET url = $1 WHERE origin = 'deploy-a'", [urlA]);
    }
  }

  async function realAnswer(since: number): Promise<SignedBundle> {
    const target = `/v1/share/bundles?since=${since}`;
    const res = await fetch(`${urlA}${target}`, {
      headers: signShareRequest(keyB, { origin: 'deploy-b', audience: 'deploy-a', method: 'GET', target }),
    });
    return (await res.json()) as SignedBundle;
  }

  it('refuses a replayed older answer, a tampered one and one signed by another key', async () => {
    const cursor = await cursorOnB();
    const old = await realAnswer(0);
    await expect(fetchFrom(old)).rejects.toThrow(/not the feed page asked for/);

    const current = await realAnswer(cursor);
    const tampered = structuredClone(current) as { body: { feed: { cursor: number } } };
    tampered.body.feed.cursor += 1000;
    await expect(fetchFrom(tampered)).rejects.toThrow(/does not verify/);

    const stranger = createPrivateKey(keysStranger.privateKeyPem);
    await expect(fetchFrom(signBody(current.body, stranger))).rejects.toMatchObject({
      name: 'PeerFetchError',
      permanent: true,
    });
    expect(await cursorOnB()).toBe(cursor);
    const { rows } = await b.pool.query("SELECT fetch_error FROM share_peers WHERE origin = 'deploy-a'");
    expect(rows[0]!.fetch_error).toMatch(/refused/);
  });

  it('refuses a pushed bundle that is not addressed to it, and a replayed push changes nothing', async () => {
    const target = '/v1/share/bundles';
    const post = (bundle: unknown) =>
      fetch(`${urlA}${target}`, {
        method: 'POST',
        headers: {
          ...signShareRequest(keyB, { origin: 'deploy-b', audience: 'deploy-a', method: 'POST', target }),
          'content-type': 'application/json',
        },
        body: JSON.stringify(bundle),
      });
    const misdirected = signFeedBundle(
      'deploy-b',
      { audience: 'deploy-c', since: 0, cursor: 0, more: false },
      [],
      keyB,
    );
    expect((await post(misdirected)).status).toBe(400);
    const good = signFeedBundle(
      'deploy-b',
      { audience: 'deploy-a', since: 0, cursor: 0, more: false },
      [],
      keyB,
    );
    expect(await (await post(good)).json()).toMatchObject({ duplicate: false });
    expect(await (await post(good)).json()).toMatchObject({ duplicate: true });
    // A bundle of another peer A trusts, relayed by B: B cannot speak for it.
    await trustPeer(a.pool, 'deploy-c', keysStranger.publicKeyPem, 'lead-a');
    const relayed = signFeedBundle(
      'deploy-c',
      { audience: 'deploy-a', since: 0, cursor: 0, more: false },
      [],
      createPrivateKey(keysStranger.privateKeyPem),
    );
    expect((await post(relayed)).status).toBe(403);
  });
});

describe('the fetch schedule on Temporal', () => {
  let worker: Worker;
  let running: Promise<void>;
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let client: Client;
  const taskQueue = `share-fetch-${Date.now()}`;

  beforeAll(async () => {
    installTestRuntime();
    const address = inject('temporalAddress');
    [nativeConnection, connection] = await Promise.all([
      NativeConnection.connect({ address }),
      Connection.connect({ address }),
    ]);
    client = new Client({ connection });
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: fileURLToPath(
          new URL('../../../workflows/sharing/exchange-workflow.ts', import.meta.url),
        ),
        logger: new DefaultLogger('WARN'),
      }),
      activities: createShareExchangeActivities(fetchAsB()),
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await nativeConnection?.close();
    await connection?.close();
  });

  it('fetches every peer with a URL when it fires; a peer that refuses does not stop the others', async () => {
    // A peer B trusts but that does not know B: it answers 401, a refusal not retried until the next run.
    await trustPeer(b.pool, 'deploy-c', keysStranger.publicKeyPem, 'lead-b', urlA);
    // Something new on A since B's last fetch: a removal.
    const fresh = await listingWith(a, 'shopa', 'a3', 'wechat: pangolin_scales88');
    await takeDown(a.pool, fresh.caseId!, 'remove_listing', new Date());

    const scheduleId = `share-fetch-test-${Date.now()}`;
    const handle = await upsertShareFetchSchedule(client, { taskQueue, scheduleId, intervalMs: 3600_000 });
    try {
      await upsertShareFetchSchedule(client, { taskQueue, scheduleId, intervalMs: 20 * 60_000 });
      const described = await handle.describe();
      expect(described.spec.intervals?.[0]?.every).toBe(20 * 60_000);
      expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      const workflowId = await eventually(
        async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId,
        'the schedule to start the fetch',
      );
      const results = await client.workflow.getHandle<typeof shareFetchWorkflow>(workflowId).result();
      expect(results).toEqual([
        expect.objectContaining({
          origin: 'deploy-a',
          ok: true,
          summary: expect.objectContaining({ accepted: 1 }),
        }),
        expect.objectContaining({ origin: 'deploy-c', ok: false, error: expect.stringMatching(/401/) }),
      ]);
      expect(await phoneLinksOnB('z6', 'WeChat: Pangolin_Scales88')).toEqual([
        "seller's WeChat id seen in 1 removed listing on 1 platform (shared by deploy-a)",
      ]);
    } finally {
      await handle.delete();
    }
  });
});
