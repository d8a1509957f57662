// Listing versions at the database level: the migration on a database that already holds data, the
// upsert that keeps every version, and the snapshot table that nothing can rewrite.
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../shared/db/cases.ts';
import { insertDetection, listingVersions, upsertListing } from '../../shared/db/listings.ts';
import { MIGRATIONS_DIR, migrate } from '../../shared/db/migrate.ts';
import { listingInputSchema } from '../../shared/listing.ts';
import { loadCaseView } from '../../workflows/use-cases/case-view.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const ivory = listingInputSchema.parse({
  externalId: 'V-1',
  title: 'Carved ivory bangle',
  description: 'Genuine ivory, old stock',
  price: 300,
  currency: 'USD',
});
const scarf = { ...ivory, title: 'Blue cotton scarf', description: 'Soft cotton', price: 12 };

describe('migration 0800 on a database with data', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db.drop());

  it('backfills version 1 of every listing, its detections and its case', async () => {
    // The schema as it was before listing versions, with a flagged listing and its case in it.
    const before = mkdtempSync(join(tmpdir(), 'ws-pre-0800-'));
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '0800'))
      cpSync(join(MIGRATIONS_DIR, f), join(before, f));
    await migrate(db.pool, before);
    await db.pool.query("INSERT INTO platforms (id, name, api_key_hash) VALUES ('shop', 'Shop', 'h')");
    const { rows } = await db.pool.query(
      `INSERT INTO listings (platform_id, external_id, title, description, raw)
       VALUES ('shop', 'OLD-1', 'Rhino horn cup', 'old', '{"externalId":"OLD-1","title":"Rhino horn cup"}')
       RETURNING id`,
    );
    const listingId = rows[0].id;
    await db.pool.query(
      "INSERT INTO detections (listing_id, detector, verdict, score) VALUES ($1, 'screening', 'review', 0.8)",
      [listingId],
    );
    await db.pool.query(
      "INSERT INTO cases (id, listing_id, status, verdict) VALUES ('case-old', $1, 'open', 'review')",
      [listingId],
    );

    expect(await migrate(db.pool)).toContain('0800');
    const versions = await listingVersions(db.pool, listingId);
    expect(versions).toEqual([
      expect.objectContaining({
        version: 1,
        title: 'Rhino horn cup',
        raw: { externalId: 'OLD-1', title: 'Rhino horn cup' },
      }),
    ]);
    const view = await loadCaseView(db.pool, 'case-old');
    expect(view?.listing).toMatchObject({ version: 1, title: 'Rhino horn cup' });
    expect(view?.detection).toMatchObject({ verdict: 'review', score: expect.closeTo(0.8, 5) });
    expect(view?.detections.map((d) => d.version)).toEqual([1]);
    expect(view?.versions.map((v) => [v.version, v.verdict])).toEqual([[1, 'review']]);
  });
});

describe('listing versions', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query("INSERT INTO platforms (id, name, api_key_hash) VALUES ('shop', 'Shop', 'h')");
  });
  afterAll(() => db.drop());

  it('stores changed content as a new version and identical content as nothing new', async () => {
    const first = await upsertListing(db.pool, 'shop', ivory);
    expect(first).toMatchObject({ created: true, changed: true, version: 1 });
    // The same listing again, with its keys in another order: the same content.
    const { currency, ...rest } = ivory;
    const same = await upsertListing(db.pool, 'shop', { currency, ...rest });
    expect(same).toEqual({ id: first.id, created: false, changed: false, version: 1 });
    const edited = await upsertListing(db.pool, 'shop', scarf);
    expect(edited).toEqual({ id: first.id, created: false, changed: true, version: 2 });
    expect(await upsertListing(db.pool, 'shop', scarf)).toMatchObject({ changed: false, version: 2 });

    const versions = await listingVersions(db.pool, first.id);
    expect(versions.map((v) => [v.version, v.title, v.price])).toEqual([
      [1, 'Carved ivory bangle', 300],
      [2, 'Blue cotton scarf', 12],
    ]);
    expect((versions[0]!.raw as { title: string }).title).toBe('Carved ivory bangle');
    // The listings row is the listing as it stands now.
    const now = await db.pool.query('SELECT title, current_version FROM listings WHERE id = $1', [first.id]);
    expect(now.rows[0]).toEqual({ title: 'Blue cotton scarf', current_version: 2 });
  });

  it('keeps a case on the version it was flagged on; detections belong to the version they screened', async () => {
    const v1 = await upsertListing(db.pool, 'shop', { ...ivory, externalId: 'V-2' });
    await insertDetection(db.pool, v1.id, 'screening', {
      verdict: 'review',
      score: 0.9,
      clause: 'cites-appendix-i',
      explanation: 'ivory',
      evidence: [],
    });
    await openCase(db.pool, { id: 'case-v2', listingId: v1.id, verdict: 'review' });
    const v2 = await upsertListing(db.pool, 'shop', { ...scarf, externalId: 'V-2' });
    await insertDetection(db.pool, v2.id, 'screening', {
      verdict: 'allow',
      score: 0,
      clause: null,
      explanation: 'nothing found',
      evidence: [],
    });
    const view = (await loadCaseView(db.pool, 'case-v2'))!;
    expect(view.listing).toMatchObject({ version: 1, title: 'Carved ivory bangle', price: 300 });
    // The decision basis is the flagged version's detection, not the later "allow".
    expect(view.detection).toMatchObject({ verdict: 'review', clause: 'cites-appendix-i' });
    expect(view.detections.map((d) => [d.version, d.verdict])).toEqual([
      [1, 'review'],
      [2, 'allow'],
    ]);
    expect(view.versions.map((v) => [v.version, v.title, v.verdict])).toEqual([
      [1, 'Carved ivory bangle', 'review'],
      [2, 'Blue cotton scarf', 'allow'],
    ]);
  });

  it('never lets a stored version change or go', async () => {
    const { rows } = await db.pool.query("SELECT id FROM listings WHERE external_id = 'V-1'");
    await expect(
      db.pool.query("UPDATE listing_versions SET title = 'laundered' WHERE listing_id = $1", [rows[0].id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.pool.query('DELETE FROM listing_versions WHERE listing_id = $1', [rows[0].id]),
    ).rejects.toThrow(/append-only/);
    // Even a direct write to the listing keeps what it replaced.
    await db.pool.query('UPDATE listings SET raw = \'{"title":"x"}\', title = \'x\' WHERE id = $1', [
      rows[0].id,
    ]);
    expect((await listingVersions(db.pool, rows[0].id)).map((v) => v.title)).toEqual([
      'Carved ivory bangle',
      'Blue cotton scarf',
      'x',
    ]);
  });

  it('numbers versions itself, whatever a writer claims or leaves out', async () => {
    // A new listing that claims version 5 is version 1, with its snapshot.
    const { rows } = await db.pool.query<{ id: string; current_version: number }>(
      `INSERT INTO listings (platform_id, external_id, title, description, raw, current_version)
       SELECT platform_id, 'V-claims-5', 'Oak chair', 'Solid oak', '{"t":"oak"}', 5 FROM listings LIMIT 1
       RETURNING id, current_version`,
    );
    expect(rows[0]!.current_version).toBe(1);
    expect((await listingVersions(db.pool, rows[0]!.id)).map((v) => v.version)).toEqual([1]);
    // A screening decision stored without its version belongs to the listing's current one.
    await db.pool.query('UPDATE listings SET raw = \'{"t":"oak, repainted"}\' WHERE id = $1', [rows[0]!.id]);
    const detection = await db.pool.query<{ listing_version: number }>(
      `INSERT INTO detections (listing_id, detector, verdict, score) VALUES ($1, 'screening', 'allow', 0)
       RETURNING listing_version`,
      [rows[0]!.id],
    );
    expect(detection.rows[0]!.listing_version).toBe(2);
  });
});
