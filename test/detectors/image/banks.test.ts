import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBankFile, serializeBank } from '../../../detectors/image/bank-formats.ts';
import { BankMatcher, pruneBankChanges, startBankSync } from '../../../detectors/image/bank-matcher.ts';
import {
  addItems,
  BankError,
  createBank,
  getBank,
  listItems,
  setItemEnabled,
  updateBank,
} from '../../../detectors/image/bank-store.ts';
import { vpdqFromAnimatedImage } from '../../../detectors/image/frames.ts';
import { pdqDihedralHashImage, pdqHashImage } from '../../../detectors/image/hash-image.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { eventually } from '../../support/temporal.ts';
import { pdqImage } from './fixtures.ts';

describe('hash banks in PostgreSQL', () => {
  let db: TestDatabase;
  let bridge: { hash: string; quality: number };
  let other: { hash: string; quality: number };
  beforeAll(async () => {
    db = await createTestDatabase();
    bridge = await pdqHashImage(pdqImage('bridge-1-original.jpg'));
    other = await pdqHashImage(pdqImage('c.png'));
  });
  afterAll(() => db.drop());
  // A sync reads the changes older than every transaction still running on the server, in any database:
  // parallel test files share the server, so their transactions can hold a change back. Before a load or a
  // sync whose exact effect a test asserts, wait until every bank change so far is past that point.
  const settled = () =>
    eventually(async () => {
      const { rows } = await db.pool.query<{ ok: boolean }>(
        `SELECT coalesce(max(xid), '0'::xid8) < pg_snapshot_xmin(pg_current_snapshot()) AS ok
         FROM image_hash_changes`,
      );
      return rows[0]!.ok || undefined;
    }, 'the bank changes to be older than every running transaction');
  const loaded = async (m: BankMatcher) => {
    await settled();
    await m.load(db.pool);
  };
  const synced = async (m: BankMatcher) => {
    await settled();
    return m.sync(db.pool);
  };

  it('creates banks with HMA-compatible names and refuses duplicates and bad names', async () => {
    const bank = await createBank(
      db.pool,
      { name: 'IVORY_CARVINGS', description: 'known ivory listings' },
      'alice',
    );
    expect(bank).toMatchObject({
      name: 'IVORY_CARVINGS',
      kind: 'positive',
      matchThreshold: 31,
      qualityFloor: 50,
    });
    await expect(createBank(db.pool, { name: 'IVORY_CARVINGS' }, 'alice')).rejects.toBeInstanceOf(BankError);
    await expect(createBank(db.pool, { name: 'ivory carvings' }, 'alice')).rejects.toThrow(
      /CAPS_AND_UNDERSCORES/,
    );
    const { rows } = await db.pool.query("SELECT actor FROM audit_log WHERE action = 'image_bank.create'");
    expect(rows).toEqual([{ actor: 'alice' }]);
  });

  it('stores items with metadata and refuses hashes below the quality floor', async () => {
    const result = await addItems(
      db.pool,
      'IVORY_CARVINGS',
      [
        {
          pdq: bridge.hash,
          quality: bridge.quality,
          species: 'elephant',
          product: 'carving',
          metadata: { content_id: 'L-1' },
        },
        { pdq: bridge.hash, quality: bridge.quality },
        { pdq: other.hash, quality: 20 },
      ],
      'alice',
    );
    expect(result).toMatchObject({ added: 1, duplicates: 1, belowQualityFloor: [other.hash] });
    const items = await listItems(db.pool, 'IVORY_CARVINGS');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      pdq: bridge.hash,
      species: 'elephant',
      product: 'carving',
      enabled: true,
    });
    expect(items[0]!.metadata).toEqual({ content_id: 'L-1' });
  });

  it('matches the modified, rotated and mirrored photo, with distance and variant', async () => {
    const matcher = new BankMatcher();
    await matcher.load(db.pool);
    expect(matcher.size).toBe(1);

    const blurred = await pdqHashImage(pdqImage('bridge-mod-blur-a-lot.jpg'));
    const hit = matcher.match({ hashes: { original: blurred.hash }, quality: blurred.quality });
    expect(hit.matches).toHaveLength(1);
    expect(hit.matches[0]).toMatchObject({
      bank: 'IVORY_CARVINGS',
      species: 'elephant',
      variant: 'original',
    });
    expect(hit.matches[0]!.distance).toBeGreaterThan(0);
    expect(hit.matches[0]!.distance).toBeLessThanOrEqual(31);

    // A repost turned 90 degrees: its own hash is far, one of its dihedral variants is close.
    const rotated = await pdqDihedralHashImage(pdqImage('bridge-4-rotate-270.jpg'));
    expect(matcher.match({ hashes: { original: rotated.hashes.original }, quality: 100 }).matches).toEqual(
      [],
    );
    const found = matcher.match({ hashes: rotated.hashes, quality: rotated.quality }).matches;
    expect(found).toHaveLength(1);
    expect(found[0]!.variant).not.toBe('original');

    expect(matcher.match({ hashes: { original: other.hash }, quality: 100 }).matches).toEqual([]);
  });

  it('finds a bank photo in any frame of an animated image, with the frame', async () => {
    const matcher = new BankMatcher();
    await matcher.load(db.pool);
    // Three frames of a second each: a flat card, the banked photo, another photo.
    const frame = (name: string) =>
      sharp(pdqImage(name)).resize(320, 200, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    const card = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#336' } })
      .raw()
      .toBuffer();
    const animate = async (frames: Buffer[]) =>
      sharp(Buffer.concat(frames), {
        raw: { width: 320, height: 200 * frames.length, channels: 3, pageHeight: 200 },
      })
        .gif({ delay: frames.map(() => 1000) })
        .toBuffer();
    const withPhoto = await vpdqFromAnimatedImage(
      await animate([card, await frame('bridge-mod-blur-a-little.jpg'), await frame('c.png')]),
    );
    expect(withPhoto).toHaveLength(3);
    const found = matcher.matchFrames(withPhoto);
    expect(found.matches).toHaveLength(1);
    expect(found.matches[0]).toMatchObject({
      bank: 'IVORY_CARVINGS',
      frame: { frameNumber: 1, timestamp: 1 },
    });
    expect(found.matches[0]!.distance).toBeLessThanOrEqual(31);
    const without = await vpdqFromAnimatedImage(await animate([card, await frame('c.png')]));
    expect(matcher.matchFrames(without).matches).toEqual([]);
  });

  it('applies each bank threshold and quality floor at query time', async () => {
    const matcher = new BankMatcher();
    await loaded(matcher);
    const blurred = await pdqHashImage(pdqImage('bridge-mod-blur-a-lot.jpg'));
    const q = { hashes: { original: blurred.hash }, quality: blurred.quality };
    const distance = matcher.match(q).matches[0]!.distance;

    await updateBank(db.pool, 'IVORY_CARVINGS', { matchThreshold: distance - 1 }, 'bob');
    await synced(matcher);
    expect(matcher.match(q).matches).toEqual([]);

    await updateBank(db.pool, 'IVORY_CARVINGS', { matchThreshold: 31, qualityFloor: 90 }, 'bob');
    await synced(matcher);
    const lowQuality = matcher.match({ ...q, quality: 60 });
    expect(lowQuality.matches).toEqual([]);
    expect(lowQuality.skippedForQuality).toEqual(['IVORY_CARVINGS']);
    expect(matcher.match(q).matches).toHaveLength(1);
    await updateBank(db.pool, 'IVORY_CARVINGS', { qualityFloor: 50 }, 'bob');
  });

  it('lets a negative bank suppress positive matches', async () => {
    const matcher = new BankMatcher();
    await loaded(matcher);
    await createBank(db.pool, { name: 'STOCK_PHOTOS', kind: 'negative', matchThreshold: 10 }, 'carol');
    const sharpened = await pdqHashImage(pdqImage('bridge-mod-sharpen-a-little.jpg'));
    await addItems(
      db.pool,
      'STOCK_PHOTOS',
      [{ pdq: sharpened.hash, quality: sharpened.quality, note: 'postcard' }],
      'carol',
    );
    expect(await synced(matcher)).toMatchObject({ items: 1 });

    const result = matcher.match({ hashes: { original: bridge.hash }, quality: 100 });
    expect(result.matches).toEqual([]);
    expect(result.suppressed.map((m) => m.bank)).toEqual(['IVORY_CARVINGS']);
    expect(result.negative.map((m) => m.bank)).toEqual(['STOCK_PHOTOS']);

    await updateBank(db.pool, 'STOCK_PHOTOS', { enabled: false }, 'carol');
    await synced(matcher);
    expect(matcher.match({ hashes: { original: bridge.hash }, quality: 100 }).matches).toHaveLength(1);
  });

  it('updates every worker incrementally when an item is disabled and re-enabled', async () => {
    const workerA = new BankMatcher();
    const workerB = new BankMatcher();
    await loaded(workerA);
    await loaded(workerB);
    const [item] = await listItems(db.pool, 'IVORY_CARVINGS');
    const q = { hashes: { original: bridge.hash }, quality: 100 };

    await setItemEnabled(db.pool, item!.id, false, 'matches a legal museum piece', 'dave');
    for (const w of [workerA, workerB]) {
      expect(await synced(w)).toEqual({ items: 1, banks: 0 });
      expect(w.match(q).matches).toEqual([]);
    }
    expect(await synced(workerA)).toEqual({ items: 0, banks: 0 });

    await setItemEnabled(db.pool, item!.id, true, null, 'dave');
    await synced(workerA);
    expect(workerA.match(q).matches).toHaveLength(1);
    const { rows } = await db.pool.query(
      "SELECT details->>'reason' AS reason FROM audit_log WHERE action = 'image_bank.disable_item'",
    );
    expect(rows).toEqual([{ reason: 'matches a legal museum piece' }]);
  });

  it('quarantines an item that suddenly matches far too often, until it is released or changed', async () => {
    const events: { itemId: number; matches: number }[] = [];
    const matcher = new BankMatcher({
      flood: { limit: 3, windowMs: 60_000, onQuarantine: (e) => events.push(e) },
    });
    await loaded(matcher);
    const q = { hashes: { original: bridge.hash }, quality: 100 };
    for (let i = 0; i < 3; i++) expect(matcher.match(q).matches).toHaveLength(1);
    const fourth = matcher.match(q);
    expect(fourth.matches).toEqual([]);
    expect(fourth.quarantined.map((m) => m.bank)).toEqual(['IVORY_CARVINGS']);
    expect(matcher.match(q).quarantined).toHaveLength(1);
    expect(events).toEqual([expect.objectContaining({ itemId: fourth.quarantined[0]!.itemId, matches: 4 })]);
    expect(matcher.quarantinedItems).toEqual([fourth.quarantined[0]!.itemId]);

    matcher.releaseQuarantine(fourth.quarantined[0]!.itemId);
    expect(matcher.match(q).matches).toHaveLength(1);
    // Without flood options nothing is ever quarantined.
    const plain = new BankMatcher();
    await loaded(plain);
    for (let i = 0; i < 10; i++) expect(plain.match(q).matches).toHaveLength(1);
  });

  it('keeps a worker current in the background, and prunes the change log', async () => {
    const matcher = new BankMatcher();
    await matcher.load(db.pool);
    const handle = startBankSync(db.pool, matcher, { intervalMs: 30 });
    try {
      const hash = `${'0'.repeat(32)}${'f'.repeat(32)}`;
      await createBank(db.pool, { name: 'BACKGROUND' }, 'frank');
      await addItems(db.pool, 'BACKGROUND', [{ pdq: hash }], 'frank');
      const deadline = Date.now() + 10_000;
      while (matcher.match({ hashes: { original: hash }, quality: 100 }).matches.length === 0) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      handle.stop();
    }
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM image_hash_changes');
    expect(rows[0]!.n).toBeGreaterThan(0);
    expect(await pruneBankChanges(db.pool, 7)).toBe(0);
    await db.pool.query("UPDATE image_hash_changes SET at = now() - interval '8 days'");
    expect(await pruneBankChanges(db.pool, 7)).toBe(rows[0]!.n);
  });

  it('reloads in full after a gap longer than the change log is kept', async () => {
    const matcher = new BankMatcher({ maxSyncGapMs: 0 });
    await matcher.load(db.pool);
    const before = matcher.size;
    await addItems(db.pool, 'BACKGROUND', [{ pdq: `${'1'.repeat(32)}${'e'.repeat(32)}` }], 'frank');
    await db.pool.query('DELETE FROM image_hash_changes'); // as if pruned while this worker was away
    await new Promise((r) => setTimeout(r, 5));
    await matcher.sync(db.pool);
    expect(matcher.size).toBe(before + 1);
  });

  it('never skips a change from a transaction still open during a sync', async () => {
    const matcher = new BankMatcher();
    await matcher.load(db.pool);
    await createBank(db.pool, { name: 'SLOW_IMPORT' }, 'erin');
    const bank = await getBank(db.pool, 'SLOW_IMPORT');
    const slow = await db.pool.connect();
    try {
      await slow.query('BEGIN');
      await slow.query('SELECT pg_current_xact_id()'); // takes an xid now, before the fast writer
      await slow.query("INSERT INTO image_hash_items (bank_id, pdq, added_by) VALUES ($1, $2, 'erin')", [
        bank.id,
        other.hash,
      ]);
      const fast = await addItems(db.pool, 'SLOW_IMPORT', [{ pdq: 'f'.repeat(32) + '0'.repeat(32) }], 'erin');
      expect(fast.added).toBe(1);
      await matcher.sync(db.pool);
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    // The window closes at the cluster's oldest open transaction: another database's transaction (tests
    // run side by side on one server) can hold it back for a moment, so the change arrives at a later sync.
    await eventually(async () => {
      await matcher.sync(db.pool);
      return matcher.match({ hashes: { original: other.hash }, quality: 100 }).matches.length > 0;
    }, "the slow transaction's item");
    expect(
      matcher.match({ hashes: { original: other.hash }, quality: 100 }).matches.map((m) => m.bank),
    ).toEqual(['SLOW_IMPORT']);
    expect(
      matcher.match({ hashes: { original: 'f'.repeat(32) + '0'.repeat(32) }, quality: 100 }).matches,
    ).toHaveLength(1);
  });
});

describe('bank import and export formats', () => {
  const h1 = 'f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22';
  const h2 = 'b0a10efd71cc3f429413d48d0ffffe12e34e0e17ada952a9d29684210aa9e5af';

  it('reads python-threatexchange signal files, skipping other signal types', () => {
    const parsed = parseBankFile(
      `pdq ${h1}\nvideo_md5 d41d8cd98f00b204e9800998ecf8427e\n\n${h2.toUpperCase()}\n`,
      'pytx',
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.items.map((i) => i.pdq)).toEqual([h1, h2]);
    expect(parsed.skippedSignalTypes).toEqual({ video_md5: 1 });
    expect(parseBankFile('pdq 1234\n', 'pytx').errors).toEqual(['line 1: not a PDQ hash']);
  });

  it('reads the reference hasher output', () => {
    const parsed = parseBankFile(`${h1},100,/photos/a.jpg\n${h2},87,/photos/b,c.jpg\n`, 'pdq-csv');
    expect(parsed.items).toEqual([
      { pdq: h1, quality: 100, source: 'pdq-csv', metadata: { path: '/photos/a.jpg' } },
      { pdq: h2, quality: 87, source: 'pdq-csv', metadata: { path: '/photos/b,c.jpg' } },
    ]);
    expect(parseBankFile('nonsense\n', 'pdq-csv').errors).toHaveLength(1);
  });

  it('round-trips a bank through the HMA bundle and the pytx file', () => {
    const bank = {
      id: 1,
      name: 'PANGOLIN',
      description: '',
      kind: 'positive' as const,
      matchThreshold: 31,
      qualityFloor: 50,
      enabled: true,
    };
    const base = { bankId: 1, note: null, source: 'local', disabledReason: null, vpdq: null };
    const items = [
      {
        ...base,
        id: 7,
        pdq: h1,
        quality: 100,
        species: 'pangolin',
        product: 'scales',
        metadata: { content_id: 'X1' },
        enabled: true,
      },
      { ...base, id: 8, pdq: h2, quality: null, species: null, product: null, metadata: {}, enabled: false },
    ];
    const hma = serializeBank(bank, items, 'hma');
    const json = JSON.parse(hma);
    expect(json.bank).toEqual({ name: 'PANGOLIN', matching_enabled_ratio: 1 });
    expect(json.content[0].signals).toEqual({ pdq: h1 });
    expect(json.content[0].metadata.content_id).toBe('X1');
    const back = parseBankFile(hma, 'hma');
    expect(back.errors).toEqual([]);
    expect(back.bank).toEqual({ name: 'PANGOLIN', enabled: true });
    expect(back.items).toEqual([
      expect.objectContaining({
        pdq: h1,
        quality: 100,
        species: 'pangolin',
        product: 'scales',
        enabled: true,
      }),
      expect.objectContaining({ pdq: h2, quality: null, enabled: false }),
    ]);
    expect(back.items[0]!.metadata).toMatchObject({ content_id: 'X1', hma_id: 7 });

    expect(serializeBank(bank, items, 'pytx')).toBe(`pdq ${h1}\n`);
    expect(parseBankFile(serializeBank(bank, items, 'pytx'), 'pytx').items.map((i) => i.pdq)).toEqual([h1]);
    expect(parseBankFile('{"bank":{}}', 'hma').errors.length).toBeGreaterThan(0);
  });
});
