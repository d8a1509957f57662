// Retention of allowed listings (migration 0940): a platform may keep the listings the policy allowed for a
// number of days only. When they have not been sent again for that long, each is counted in screened_counts,
// exactly as counts-only storage would have counted it, and its rows are deleted. "Listings screened" stays
// the same before and after; only per-species figures lose them, as with counts-only storage.
import { ROLLUP_LOCK, uncountFromRollup } from '../metrics/rollup.ts';
import { inTransaction, type Pool } from './pool.ts';

const DAY = 24 * 3600 * 1000;

export interface PurgeResult {
  platformId: string;
  retentionDays: number;
  purged: number;
}

/**
 * Purges, for every platform with a retention period, the allowed listings it last sent before the period,
 * in batches of `batchSize` (each its own transaction, so a crash loses nothing and a rerun goes on).
 * Listings locked by a concurrent writer are skipped until the next run.
 */
export async function purgeExpiredAllowedListings(
  pool: Pool,
  opts: { now?: Date; batchSize?: number; platformId?: string } = {},
): Promise<PurgeResult[]> {
  const now = opts.now ?? new Date();
  const { rows: platforms } = await pool.query<{ id: string; days: number }>(
    `SELECT id, benign_retention_days AS days FROM platforms
     WHERE benign_retention_days IS NOT NULL AND ($1::text IS NULL OR id = $1) ORDER BY id`,
    [opts.platformId ?? null],
  );
  const results: PurgeResult[] = [];
  for (const p of platforms) {
    const before = new Date(now.getTime() - p.days * DAY);
    let purged = 0;
    for (;;) {
      const n = await purgeBatch(pool, p.id, before, opts.batchSize ?? 2000);
      purged += n;
      if (n === 0) break;
    }
    results.push({ platformId: p.id, retentionDays: p.days, purged });
  }
  return results;
}

async function purgeBatch(pool: Pool, platformId: string, before: Date, limit: number): Promise<number> {
  return inTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ROLLUP_LOCK]);
    await tx.query(`SET LOCAL wild_sentinel.retention_purge = 'on'`);
    const { rows } = await tx.query<{ id: string }>(
      `SELECT l.id FROM listings l
       WHERE l.platform_id = $1 AND l.updated_at < $2
         AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.listing_id = l.id)
         AND NOT EXISTS (SELECT 1 FROM detections d WHERE d.listing_id = l.id AND d.verdict <> 'allow')
         AND NOT EXISTS (SELECT 1 FROM statements_of_reasons s WHERE s.listing_id = l.id)
         AND NOT EXISTS (SELECT 1 FROM listing_photo_links k
                         WHERE k.listing_id = l.id OR k.removed_listing_id = l.id)
         AND NOT EXISTS (SELECT 1 FROM reports r
                         WHERE r.platform_id = l.platform_id AND r.external_id = l.external_id)
       ORDER BY l.id LIMIT $3
       FOR UPDATE OF l SKIP LOCKED`,
      [platformId, before, limit],
    );
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    // Counted as counts-only storage counts an allowed listing: per UTC day received, and language.
    await tx.query(
      `INSERT INTO screened_counts (day, platform_id, language, screened)
       SELECT (received_at AT TIME ZONE 'UTC')::date, platform_id, coalesce(language, 'und'), count(*)
       FROM listings WHERE id = ANY($1::bigint[]) GROUP BY 1, 2, 3
       ON CONFLICT (day, platform_id, language) DO UPDATE SET screened = screened_counts.screened + EXCLUDED.screened`,
      [ids],
    );
    // Days the rollup already holds counted these listings from their rows: without this the figure
    // would count them twice (the rollup row and screened_counts).
    await uncountFromRollup(tx, ids);
    for (const table of ['listing_contact_signals', 'listing_photo_hashes', 'detections', 'listing_versions'])
      await tx.query(`DELETE FROM ${table} WHERE listing_id = ANY($1::bigint[])`, [ids]);
    const deleted = await tx.query('DELETE FROM listings WHERE id = ANY($1::bigint[])', [ids]);
    return deleted.rowCount ?? 0;
  });
}
