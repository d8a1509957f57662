// Retention of allowed listings (migration 0940, shared/db/retention.ts): past a platform's period, allowed
// listings become counts and their rows go; flagged, reported or linked ones stay; "listings screened" does
// not change, whether its days come from the rollup or from the rows, and however many runs overlap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBenignRetention } from '../../shared/db/platforms.ts';
import { purgeExpiredAllowedListings } from '../../shared/db/retention.ts';
import { totals } from '../../shared/metrics/listings.ts';
import { refreshScreenedRollup } from '../../shared/metrics/rollup.ts';
import { addListing, addPlatform, addVolunteer } from '../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const DAY = 24 * 3600 * 1000;
const NOW = Date.now();
const daysAgo = (d: number) => new Date(NOW - d * DAY);

describe('retention of allowed listings', () => {
  let db: TestDatabase;
  const year = { from: daysAgo(365), to: new Date(NOW + DAY) };
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]!.n);
  const rowsOf = (platform: string) =>
    count('SELECT count(*) AS n FROM listings WHERE platform_id = $1', [platform]);

  beforeAll(async () => {
    db = await createTestDatabase();
    await addPlatform(db.pool, 'brief');
    await addPlatform(db.pool, 'keeper');
    const old = (externalId: string, days: number, extra: Partial<Parameters<typeof addListing>[1]> = {}) =>
      addListing(db.pool, {
        platform: 'brief',
        externalId,
        title: `Garden chair ${externalId}`,
        receivedAt: daysAgo(days),
        verdict: 'allow',
        ...extra,
      });
    for (let i = 0; i < 5; i++) await old(`old-${i}`, 100, { language: i < 2 ? 'en' : 'fr' });
    // A weak, allowed mention of a species: it counts in that species' figure until it is purged.
    await old('old-mention', 100, { evidence: [{ term: 'tiger', kind: 'species', species: 'tiger' }] });
    await old('old-flagged', 100, {
      verdict: 'review',
      evidence: [{ term: 'ivory', kind: 'product', species: 'african-elephant' }],
    });
    await old('old-reported', 100);
    const volunteer = await addVolunteer(db.pool, 'spotter');
    await db.pool.query(
      `INSERT INTO reports (volunteer_id, platform_id, external_id, listing_url) VALUES ($1, 'brief', 'old-reported', 'https://brief.example/old-reported')`,
      [volunteer],
    );
    await old('recent', 3);
    await addListing(db.pool, {
      platform: 'keeper',
      externalId: 'kept',
      title: 'Oak table',
      receivedAt: daysAgo(100),
      verdict: 'allow',
    });
    // Sent 100 days ago and never since: updated then.
    await db.pool.query('UPDATE listings SET updated_at = received_at');
    // The rollup already holds the old days, as after many nightly refreshes.
    await refreshScreenedRollup(db.pool, { since: daysAgo(200) });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('keeps every listing while the platform has no retention period', async () => {
    expect(await purgeExpiredAllowedListings(db.pool)).toEqual([]);
    expect(await rowsOf('brief')).toBe(9);
  });

  it('counts and deletes expired allowed listings once, even with runs overlapping', async () => {
    const before = await totals(db.pool, year);
    const tigerBefore = await totals(db.pool, { ...year, species: 'tiger' });
    expect(before.screened).toBe(10);
    expect(tigerBefore.screened).toBe(1);
    expect(await setBenignRetention(db.pool, 'brief', 30)).toBe(true);

    // Small batches and three runs at once: each listing is counted by exactly one of them.
    const runs = await Promise.all(
      [1, 2, 3].map(() => purgeExpiredAllowedListings(db.pool, { batchSize: 2 })),
    );
    expect(runs.flat().reduce((n, r) => n + r.purged, 0)).toBe(6);

    const left = await db.pool.query<{ external_id: string }>(
      "SELECT external_id FROM listings WHERE platform_id = 'brief' ORDER BY external_id",
    );
    expect(left.rows.map((r) => r.external_id)).toEqual(['old-flagged', 'old-reported', 'recent']);
    expect(await rowsOf('keeper')).toBe(1);
    const orphans = await count(
      `SELECT (SELECT count(*) FROM listing_versions v WHERE NOT EXISTS (SELECT 1 FROM listings l WHERE l.id = v.listing_id))
            + (SELECT count(*) FROM detections d WHERE NOT EXISTS (SELECT 1 FROM listings l WHERE l.id = d.listing_id)) AS n`,
    );
    expect(orphans).toBe(0);
    expect(
      await count(
        "SELECT sum(screened) AS n FROM screened_counts WHERE platform_id = 'brief' AND language = 'fr'",
      ),
    ).toBe(3);

    // The figure is unchanged, from the rollup's days and after a recount of them alike.
    expect((await totals(db.pool, year)).screened).toBe(before.screened);
    await refreshScreenedRollup(db.pool, { since: daysAgo(200) });
    expect((await totals(db.pool, year)).screened).toBe(before.screened);
    // Like counts-only storage, purged listings no longer count per species.
    expect((await totals(db.pool, { ...year, species: 'tiger' })).screened).toBe(0);

    // Nothing is left to do.
    expect(await purgeExpiredAllowedListings(db.pool)).toEqual([
      { platformId: 'brief', retentionDays: 30, purged: 0 },
    ]);
  });

  it('stores a purged listing again when the platform sends it again', async () => {
    await addListing(db.pool, {
      platform: 'brief',
      externalId: 'old-0',
      title: 'Garden chair old-0, repainted',
      receivedAt: new Date(),
      verdict: 'allow',
    });
    const versions = await count(
      `SELECT count(*) AS n FROM listing_versions v JOIN listings l ON l.id = v.listing_id
       WHERE l.platform_id = 'brief' AND l.external_id = 'old-0'`,
    );
    expect(versions).toBe(1);
    expect((await totals(db.pool, year)).screened).toBe(11);
  });

  it('keeps listing versions append-only for everything else', async () => {
    await expect(db.pool.query('DELETE FROM listing_versions')).rejects.toThrow(/append-only/);
    await expect(db.pool.query("UPDATE listing_versions SET title = 'x'")).rejects.toThrow(/append-only/);
  });
});
