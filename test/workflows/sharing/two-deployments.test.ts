// Two deployments (two databases) exchange a signed bundle: keyword library, image hashes, seller signals
// and photo hashes of removed listings. A seller (or photo) removed on deployment A is linked on deployment
// B; tampered bundles, unknown origins and expired items are refused.
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addItems, createBank, listItems } from '../../../detectors/image/bank-store.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';
import { publishVersion } from '../../../keywords/versions.ts';
import { inTransaction, type Pool } from '../../../shared/db/pool.ts';
import { decideCandidate, insertCandidates } from '../../../shared/db/term-candidates.ts';
import {
  BUNDLE_FORMAT,
  generateSigningKey,
  ShareError,
  type SignedBundle,
  signBody,
  signBundle,
} from '../../../workflows/sharing/bundle.ts';
import { buildBundle, exportSignedBundle } from '../../../workflows/sharing/export.ts';
import {
  decideSharedItem,
  importBundle,
  listPending,
  sharedBankName,
} from '../../../workflows/sharing/import.ts';
import { CoalitionKey } from '../../../workflows/sharing/keyed-hash.ts';
import { linkListing, recordAndLink } from '../../../workflows/sharing/linking.ts';
import { readFeed, signFeedBundle, syncOutbox } from '../../../workflows/sharing/outbox.ts';
import { trustPeer } from '../../../workflows/sharing/peers.ts';
import { recordListingPhotos } from '../../../workflows/sharing/photos.ts';
import { recordListingSignals } from '../../../workflows/sharing/signals.ts';
import { addListing, addPlatform, hoursAfter, takeDown } from '../../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let a: TestDatabase;
let b: TestDatabase;
const coalitionKey = new CoalitionKey(randomBytes(32));
const keysA = generateSigningKey();
const keysB = generateSigningKey();
const privateA = createPrivateKey(keysA.privateKeyPem);
const PDQ1 = 'f'.repeat(32) + '0'.repeat(32);
const PDQ2 = '0f'.repeat(32);
const RAW_PHONE = '+84 912 345 678';
// PDQ hashes of listing photos: the one removed on A, and one of a listing A has not removed.
const PHOTO_REMOVED = createHash('sha256').update('removed photo').digest('hex');
const PHOTO_PENDING = createHash('sha256').update('pending photo').digest('hex');

/** The hash with its first `bits` bits inverted: a near-duplicate of the photo up to 31 bits. */
function flipBits(pdq: string, bits: number): string {
  const b = Buffer.from(pdq, 'hex');
  for (let i = 0; i < bits; i++) b[i >> 3]! ^= 0x80 >> (i & 7);
  return b.toString('hex');
}

async function listing(
  db: Pool,
  platform: string,
  externalId: string,
  description: string,
  sellerId?: string,
) {
  const row = await addListing(db, {
    platform,
    externalId,
    title: 'Carved bangle',
    description,
    sellerId,
    receivedAt: hoursAfter(0, new Date(Date.now() - 48 * 3600_000)),
    verdict: 'review',
    evidence: [{ term: 'ivory', kind: 'product', species: 'elephant' }],
  });
  await recordListingSignals(db, coalitionKey, row.id, {
    platformId: platform,
    title: 'Carved bangle',
    description,
    sellerId,
  });
  return row;
}

beforeAll(async () => {
  [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await addPlatform(a.pool, 'shopa');
  await addPlatform(a.pool, 'shopc');
  await addPlatform(b.pool, 'shopz');
  // Deployment A removed a listing whose seller gave a WhatsApp number and a WeChat id.
  const removed = await listing(
    a.pool,
    'shopa',
    'a1',
    `WhatsApp ${RAW_PHONE}, 微信: Ivory_King88`,
    'seller-1',
  );
  await recordListingPhotos(a.pool, removed.id, [{ pdq: PHOTO_REMOVED, quality: 90 }]);
  await takeDown(a.pool, removed.caseId!, 'remove_listing', new Date(Date.now() - 24 * 3600_000));
  // A listing still under review is not a removal: its contacts and photo are not shared.
  const pending = await listing(a.pool, 'shopa', 'a2', 'email pending@example.org');
  await recordListingPhotos(a.pool, pending.id, [{ pdq: PHOTO_PENDING, quality: 90 }]);
  const files = loadLibraryFromDir();
  await publishVersion(
    a.pool,
    {
      ...files,
      version: '99.0.0',
      entries: [...files.entries, { ...files.entries[0]!, term: 'white gold bangle' }],
    },
    'lead',
    'a code word seen on deployment A',
  );
  await createBank(a.pool, { name: 'IVORY' }, 'test');
  await addItems(
    a.pool,
    'IVORY',
    [
      { pdq: PDQ1, quality: 90, species: 'elephant' },
      { pdq: PDQ2, quality: 80 },
    ],
    'test',
  );
  await trustPeer(b.pool, 'deploy-a', keysA.publicKeyPem, 'lead-b');
});

afterAll(async () => {
  await Promise.all([a?.drop(), b?.drop()]);
});

async function exportFromA(now = new Date(), ttlDays = 90): Promise<SignedBundle> {
  return exportSignedBundle(
    a.pool,
    {
      origin: 'deploy-a',
      keywordVersion: 'latest',
      banks: ['IVORY'],
      sellerSignalsSince: new Date(0),
      ttlDays,
      now,
    },
    privateA,
  );
}

describe('signed bundles between two deployments', () => {
  let bundle: SignedBundle;
  beforeAll(async () => {
    bundle = await exportFromA();
  });

  it('exports the library, the hash bank, hashed seller signals and removed photos with provenance, never raw identifiers', () => {
    const body = bundle.body as {
      items: { type: string; provenance: { origin: string }; expiresAt: string }[];
    };
    expect(body.items.map((i) => i.type).sort()).toEqual([
      'image-hashes',
      'keyword-library',
      'photo-signal',
      'seller-signal',
      'seller-signal',
    ]);
    expect(body.items.find((i) => i.type === 'photo-signal')).toMatchObject({
      id: `photo-signal:${PHOTO_REMOVED}`,
      payload: { pdq: PHOTO_REMOVED },
      provenance: { origin: 'deploy-a', removedListings: 1, platforms: 1 },
    });
    expect(
      body.items.every((i) => i.provenance.origin === 'deploy-a' && Date.parse(i.expiresAt) > Date.now()),
    ).toBe(true);
    const text = JSON.stringify(bundle);
    for (const raw of [
      '912345678',
      '912 345 678',
      'ivory_king88',
      'Ivory_King88',
      'pending@example.org',
      'seller-1',
      PHOTO_PENDING,
    ]) {
      expect(text).not.toContain(raw);
    }
  });

  it('imports on B: seller and photo signals accepted, hashes and library quarantined, then a person accepts the hashes', async () => {
    const report = await importBundle(b.pool, bundle, { actor: 'lead-b' });
    expect(report).toMatchObject({
      origin: 'deploy-a',
      duplicate: false,
      accepted: 3,
      quarantined: 2,
      rejected: 0,
      stale: 0,
    });
    const again = await importBundle(b.pool, bundle, { actor: 'lead-b' });
    expect(again.duplicate).toBe(true);

    const { rows } = await b.pool.query<{ id: string }>(
      "SELECT id FROM shared_items WHERE type = 'image-hashes' AND status = 'quarantined'",
    );
    await expect(listItems(b.pool, sharedBankName('deploy-a'))).rejects.toThrow();
    await decideSharedItem(b.pool, rows[0]!.id, 'accept', 'lead-b');
    const items = await listItems(b.pool, sharedBankName('deploy-a'));
    expect(items.map((i) => i.pdq).sort()).toEqual([PDQ2, PDQ1].sort());
    expect(items.find((i) => i.pdq === PDQ1)).toMatchObject({ species: 'elephant', quality: 90 });
  });

  it('flags on B a seller removed on A, by the phone written another way', async () => {
    const fresh = await listing(b.pool, 'shopz', 'z1', 'Call or text 0912-345-678 for more');
    const summary = await linkListing(b.pool, fresh.id);
    expect(summary.suggestedPriority).toBe(1);
    expect(summary.lines).toEqual([
      "seller's phone seen in 1 removed listing on 1 platform (shared by deploy-a)",
    ]);
    const unrelated = await listing(b.pool, 'shopz', 'z2', 'Call 0999 888 777');
    expect(await linkListing(b.pool, unrelated.id)).toMatchObject({
      matches: [],
      lines: [],
      suggestedPriority: null,
    });
  });

  it('flags on B a listing whose photo is a near-copy of a photo removed on A, and not an unrelated photo', async () => {
    const copy = await listing(b.pool, 'shopz', 'z4', 'Hand carved, see photos');
    await recordListingPhotos(b.pool, copy.id, [{ pdq: flipBits(PHOTO_REMOVED, 20), quality: 80 }]);
    const summary = await linkListing(b.pool, copy.id);
    expect(summary.suggestedPriority).toBe(1);
    expect(summary.lines).toEqual([
      'listing photo seen in 1 removed listing on 1 platform (shared by deploy-a)',
    ]);
    // 40 bits away is another photo; so is the photo of the listing A did not remove.
    const other = await listing(b.pool, 'shopz', 'z5', 'Hand carved, see photos');
    await recordListingPhotos(b.pool, other.id, [
      { pdq: flipBits(PHOTO_REMOVED, 40), quality: 80 },
      { pdq: PHOTO_PENDING, quality: 80 },
    ]);
    expect(await linkListing(b.pool, other.id)).toMatchObject({ matches: [], suggestedPriority: null });
  });

  it('links within one deployment across its platforms and seller accounts', async () => {
    const second = await listing(
      a.pool,
      'shopc',
      'c1',
      'wechat Ivory_King88 / wa.me/84912345678',
      'seller-9',
    );
    const sameSeller = await addListing(a.pool, {
      platform: 'shopa',
      externalId: 'a9',
      title: 'New stock',
      sellerId: 'seller-1',
      receivedAt: new Date(),
      verdict: 'review',
    });
    const s1 = await linkListing(a.pool, second.id);
    expect(s1.lines).toEqual([
      "seller's phone seen in 1 removed listing on 1 platform",
      "seller's WeChat id seen in 1 removed listing on 1 platform",
    ]);
    const linked = await recordAndLink(a.pool, coalitionKey, sameSeller.id, {
      platformId: 'shopa',
      title: 'New stock',
      sellerId: 'seller-1',
    });
    expect(linked.lines).toEqual(['seller account seen in 1 removed listing on 1 platform']);
    expect(linked.suggestedPriority).toBe(1);
  });

  it('refuses a tampered bundle, an unknown origin and a key it does not trust', async () => {
    const tampered = structuredClone(bundle) as { body: { items: { payload: { hash?: string } }[] } };
    const signal = tampered.body.items.find((i) => i.payload.hash)!;
    signal.payload.hash = 'a'.repeat(64);
    await expect(importBundle(b.pool, tampered, { actor: 'lead-b' })).rejects.toMatchObject({
      code: 'bad_signature',
    });

    const other = signBundle(
      await buildBundle(a.pool, { origin: 'deploy-x', sellerSignalsSince: new Date(0) }),
      privateA,
    );
    await expect(importBundle(b.pool, other, { actor: 'lead-b' })).rejects.toMatchObject({
      code: 'unknown_origin',
    });

    const forged = signBundle(
      await buildBundle(a.pool, { origin: 'deploy-a', sellerSignalsSince: new Date(0) }),
      createPrivateKey(keysB.privateKeyPem),
    );
    await expect(importBundle(b.pool, forged, { actor: 'lead-b' })).rejects.toBeInstanceOf(ShareError);
    await expect(importBundle(b.pool, { hello: 'world' }, { actor: 'lead-b' })).rejects.toMatchObject({
      code: 'invalid_bundle',
    });
  });

  it('imports what it can read from a newer deployment and lists the items it skipped', async () => {
    const now = new Date();
    const item = (id: string, type: string, payload: unknown) => ({
      id,
      type,
      payload,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 30 * 24 * 3600_000).toISOString(),
      provenance: { origin: 'deploy-a', source: 'removed cases' },
    });
    const newer = signBody(
      {
        format: BUNDLE_FORMAT,
        version: 1,
        origin: 'deploy-a',
        createdAt: now.toISOString(),
        items: [
          item('future-1', 'video-signal', { vpdq: 'abc' }),
          item('phone-ok', 'seller-signal', { kind: 'phone', hash: 'c'.repeat(64) }),
          item('phone-bad', 'seller-signal', { kind: 'phone', hash: 'not-a-hash' }),
        ],
      },
      privateA,
    );
    const report = await importBundle(b.pool, newer, { actor: 'lead-b' });
    expect(report.items.map((i) => [i.itemId, i.status])).toEqual([['phone-ok', 'accepted']]);
    expect(report.skipped).toEqual([
      expect.objectContaining({
        index: 0,
        itemId: 'future-1',
        type: 'video-signal',
        reason: expect.stringMatching(/unknown item type/),
      }),
      expect.objectContaining({
        index: 2,
        itemId: 'phone-bad',
        type: 'seller-signal',
        reason: expect.stringMatching(/malformed/),
      }),
    ]);
    const { rows } = await b.pool.query(
      "SELECT item_id FROM shared_items WHERE origin = 'deploy-a' AND item_id IN ('future-1', 'phone-ok', 'phone-bad')",
    );
    expect(rows.map((r) => r.item_id)).toEqual(['phone-ok']);
  });

  it('ignores a replayed older bundle, rejects expired items and stops using signals once they expire', async () => {
    const older = await exportFromA(new Date(Date.now() - 3600_000));
    const replay = await importBundle(b.pool, older, {
      actor: 'lead-b',
      policy: { 'seller-signal': 'reject' },
    });
    expect(replay).toMatchObject({ accepted: 0, rejected: 0, stale: 5 });
    const linked = await listing(b.pool, 'shopz', 'z3', 'call 0912345678');
    await recordListingPhotos(b.pool, linked.id, [{ pdq: flipBits(PHOTO_REMOVED, 3), quality: 80 }]);
    expect((await linkListing(b.pool, linked.id)).matches.map((m) => m.kind)).toEqual(['phone', 'photo']);

    const shortLived = await exportFromA(new Date(), 1);
    const later = new Date(Date.now() + 2 * 24 * 3600_000);
    const report = await importBundle(b.pool, shortLived, { actor: 'lead-b', now: later });
    expect(report.accepted + report.quarantined).toBe(0);
    expect(report.items.every((i) => i.status === 'rejected' && i.reason === 'expired')).toBe(true);
    // The newer bundle's decision replaced the earlier items: the link on B is gone.
    expect((await linkListing(b.pool, linked.id)).matches).toEqual([]);
  });
});

describe('candidate terms between two deployments', () => {
  const EXAMPLE_TITLE = 'Snowbone bangle from grandma, DM 0912 000 111';
  const candidate = (term: string, over: { listingId: string; reportId: string }) => ({
    language: 'en',
    term,
    normalized: term,
    form: 'ngram' as const,
    score: 21.5,
    positives: 6,
    missed: 2,
    negatives: 1,
    positiveDocs: 40,
    negativeDocs: 400,
    examples: [{ listingId: over.listingId, title: `${EXAMPLE_TITLE} ${term}` }],
    reportIds: [over.reportId],
  });
  let bundle: SignedBundle;

  beforeAll(async () => {
    await insertCandidates(a.pool, 'week-2026-11-30', [
      candidate('snowbone', { listingId: '777001', reportId: '888001' }),
      candidate('white jade tusk', { listingId: '777002', reportId: '888002' }),
      candidate('plain bangle', { listingId: '777003', reportId: '888003' }),
    ]);
    const { rows } = await a.pool.query<{ id: string; term: string }>(
      'SELECT id::text, term FROM term_candidates',
    );
    const id = (term: string) => rows.find((r) => r.term === term)!.id;
    await decideCandidate(a.pool, id('white jade tusk'), 'accepted', 'U-curator-a');
    await decideCandidate(a.pool, id('plain bangle'), 'dismissed', 'U-curator-a');
    bundle = await exportSignedBundle(a.pool, { origin: 'deploy-a', termCandidates: true }, privateA);
  });

  it('exports the new and accepted candidates with their counts, never examples, listings or reports', () => {
    const items = (bundle.body as { items: { type: string; payload: Record<string, unknown> }[] }).items;
    expect(items.map((i) => [i.type, i.payload.term, i.payload.status])).toEqual([
      ['term-candidate', 'snowbone', 'new'],
      ['term-candidate', 'white jade tusk', 'accepted'],
    ]);
    expect(items[0]!.payload).toMatchObject({
      language: 'en',
      normalized: 'snowbone',
      form: 'ngram',
      positives: 6,
      missed: 2,
      negatives: 1,
      positiveDocs: 40,
      negativeDocs: 400,
      estimatedPrecision: 0.857,
    });
    const json = JSON.stringify(bundle);
    for (const leaked of ['Snowbone bangle', '0912', '777001', '777002', '888001', '888002', 'plain bangle'])
      expect(json).not.toContain(leaked);
    expect(json).not.toMatch(/examples|reportIds|listingId/);
  });

  it('quarantines them on B; an accepted one becomes a term candidate there once, marked with its origin', async () => {
    const report = await importBundle(b.pool, bundle, { actor: 'lead-b' });
    expect(report).toMatchObject({ quarantined: 2, accepted: 0, rejected: 0 });
    const pending = (await listPending(b.pool)).filter((p) => p.type === 'term-candidate');
    expect(pending.map((p) => p.summary)).toEqual([
      'candidate term "snowbone" (en, new there; in 6 confirmed or missed, 1 rejected or allowed listings; precision 86%)',
      'candidate term "white jade tusk" (en, accepted there; in 6 confirmed or missed, 1 rejected or allowed listings; precision 86%)',
    ]);
    expect(pending[0]!.name).toMatch(/^deploy-a\/term-candidate:en:[0-9a-f]{16}$/);
    const { rows: none } = await b.pool.query('SELECT 1 FROM term_candidates');
    expect(none).toEqual([]);

    await decideSharedItem(b.pool, pending[0]!.name, 'accept', 'lead-b');
    await decideSharedItem(b.pool, pending[1]!.name, 'reject', 'lead-b');
    // The same bundle again, a fresh export of the same candidates, and the decision again: still one.
    expect((await importBundle(b.pool, bundle, { actor: 'lead-b' })).duplicate).toBe(true);
    const again = await exportSignedBundle(
      a.pool,
      { origin: 'deploy-a', termCandidates: true, now: new Date(Date.now() + 1000) },
      privateA,
    );
    expect(await importBundle(b.pool, again, { actor: 'lead-b' })).toMatchObject({
      accepted: 1,
      rejected: 1,
    });
    await decideSharedItem(b.pool, pending[0]!.name, 'accept', 'lead-b');
    const { rows } = await b.pool.query(
      `SELECT term, language, normalized, status, origin, positives, negatives, examples, report_ids, slack_ts
       FROM term_candidates`,
    );
    expect(rows).toEqual([
      {
        term: 'snowbone',
        language: 'en',
        normalized: 'snowbone',
        status: 'new',
        origin: 'shared by deploy-a',
        positives: 6,
        negatives: 1,
        examples: [],
        report_ids: [],
        slack_ts: null,
      },
    ]);
  });

  it('the live feed offers them only when configured, and withdraws one A dismisses; B keeps its own candidate', async () => {
    const feed = { origin: 'deploy-a', banks: [], keywords: false, days: 90 };
    const offered = async (candidates: boolean, since = 0) => {
      await inTransaction(a.pool, (tx) => syncOutbox(tx, { ...feed, candidates }));
      return readFeed(a.pool, { origin: 'deploy-a', audience: 'deploy-b', since, ttlDays: 90 });
    };
    const first = await offered(true);
    const terms = first.items.filter((i) => i.type === 'term-candidate');
    expect(terms.map((i) => i.type === 'term-candidate' && i.payload.term)).toEqual([
      'snowbone',
      'white jade tusk',
    ]);
    expect(JSON.stringify(first.items)).not.toMatch(/Snowbone bangle|777001|888001/);

    const { rows } = await a.pool.query<{ id: string }>(
      "SELECT id::text FROM term_candidates WHERE term = 'snowbone'",
    );
    await decideCandidate(a.pool, rows[0]!.id, 'dismissed', 'U-curator-a');
    const next = await offered(true, first.cursor);
    expect(next.items.map((i) => [i.type, i.type === 'withdrawal' && i.payload.reason])).toEqual([
      ['withdrawal', 'dismissed by the curators here, or candidates are no longer shared'],
    ]);
    const report = await importBundle(
      b.pool,
      signFeedBundle(
        'deploy-a',
        { audience: 'deploy-b', since: first.cursor, cursor: next.cursor, more: false },
        next.items,
        privateA,
        // later than the re-export above, which was dated a second ahead
        new Date(Date.now() + 5000),
      ),
      { actor: 'fetch' },
    );
    expect(report.withdrawn).toBe(1);
    // B's candidate is its curators' now: A's withdrawal does not take it away.
    const { rows: onB } = await b.pool.query("SELECT status FROM term_candidates WHERE term = 'snowbone'");
    expect(onB).toEqual([{ status: 'new' }]);

    // Switched off, the remaining candidate is withdrawn too.
    const off = await offered(false, next.cursor);
    expect(off.items.map((i) => i.type === 'withdrawal' && i.payload.itemType)).toEqual(['term-candidate']);
  });

  it('refuses a tampered candidate bundle', async () => {
    const tampered = structuredClone(bundle) as { body: { items: { payload: { positives: number } }[] } };
    tampered.body.items[0]!.payload.positives = 600;
    await expect(importBundle(b.pool, tampered, { actor: 'lead-b' })).rejects.toMatchObject({
      code: 'bad_signature',
    });
  });
});
