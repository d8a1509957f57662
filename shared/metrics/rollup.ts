// "Listings screened" over millions of listings: whole UTC days before the rollup's watermark come from
// metrics_screened_daily (refreshed from the listings and detections), the rest straight from the listings.
// The numbers are the same either way; the rollup only makes a year answer in milliseconds.
import { inTransaction, type Pool, type Queryable } from '../db/pool.ts';
import type { MetricsFilters } from './filters.ts';

const DAY = 24 * 3600 * 1000;
const ROLLUP = 'screened';

/** Days re-counted by a routine refresh: late detections or language fixes within this window are caught. */
export const REFRESH_DAYS = 35;

export async function rollupWatermark(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ complete_before: Date }>(
    `SELECT complete_before::timestamp AT TIME ZONE 'UTC' AS complete_before FROM metrics_rollup_state WHERE name = $1`,
    [ROLLUP],
  );
  return rows[0]?.complete_before ?? null;
}

/** Serialises everything that writes the rollup: its refresh and the retention purge (shared/db/retention.ts). */
export const ROLLUP_LOCK = 74280700;

/**
 * The rollup's rows for the listings `where` selects (SQL on alias l): listings screened per UTC day,
 * platform and language (species ''), and per species their detections' evidence names.
 */
function screenedRows(where: string): string {
  return `SELECT (l.received_at AT TIME ZONE 'UTC')::date AS day, l.platform_id, coalesce(l.language, 'und') AS language,
                 '' AS species, count(*) AS screened
          FROM listings l WHERE ${where} GROUP BY 1, 2, 3
          UNION ALL
          SELECT (l.received_at AT TIME ZONE 'UTC')::date, l.platform_id, coalesce(l.language, 'und'), e->>'species',
                 count(DISTINCT l.id)
          FROM detections d JOIN listings l ON l.id = d.listing_id, jsonb_array_elements(d.evidence) e
          WHERE ${where} AND d.evidence <> '[]' AND e->>'species' IS NOT NULL
          GROUP BY 1, 2, 3, 4`;
}

/**
 * Takes listings about to be deleted out of the rollup days that already counted them from their rows
 * (days before the watermark); call it in the deleting transaction, holding ROLLUP_LOCK.
 */
export async function uncountFromRollup(tx: Queryable, listingIds: readonly string[]): Promise<void> {
  await tx.query(
    `UPDATE metrics_screened_daily r SET screened = r.screened - g.screened
     FROM (${screenedRows('l.id = ANY($1::bigint[])')}) g
     WHERE r.day = g.day AND r.platform_id = g.platform_id AND r.language = g.language AND r.species = g.species
       AND r.day < (SELECT complete_before FROM metrics_rollup_state WHERE name = $2)`,
    [listingIds, ROLLUP],
  );
}

/**
 * Recounts the days from `since` (default: REFRESH_DAYS before the watermark, or the first listing) up to the
 * start of today (UTC), then moves the watermark there. Serialised by an advisory lock.
 */
export async function refreshScreenedRollup(
  db: Pool,
  opts: { since?: Date; now?: Date } = {},
): Promise<{ from: string; to: string }> {
  const to = new Date(Math.floor((opts.now ?? new Date()).getTime() / DAY) * DAY);
  return inTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ROLLUP_LOCK]);
    const mark = await rollupWatermark(tx);
    let from = opts.since ?? (mark ? new Date(mark.getTime() - REFRESH_DAYS * DAY) : undefined);
    if (!from) {
      const { rows } = await tx.query<{ first: Date | null }>(
        'SELECT min(received_at) AS first FROM listings',
      );
      from = rows[0]?.first ?? to;
    }
    from = new Date(Math.floor(from.getTime() / DAY) * DAY);
    await tx.query(
      'DELETE FROM metrics_screened_daily WHERE day >= $1::timestamptz::date AND day < $2::timestamptz::date',
      [from, to],
    );
    await tx.query(
      `INSERT INTO metrics_screened_daily (day, platform_id, language, species, screened)
       ${screenedRows('l.received_at >= $1 AND l.received_at < $2')}`,
      [from, to],
    );
    await tx.query(
      `INSERT INTO metrics_rollup_state (name, complete_before) VALUES ($1, $2::timestamptz::date)
       ON CONFLICT (name) DO UPDATE SET complete_before = greatest(metrics_rollup_state.complete_before, EXCLUDED.complete_before),
         refreshed_at = now()`,
      [ROLLUP, to],
    );
    return { from: from.toISOString(), to: to.toISOString() };
  });
}

/**
 * A grouping of the screened counts: SQL for the rollup row (alias r), for a listing (alias l) and for a
 * day's count of listings that were only counted (alias c, screened_counts).
 */
export interface ScreenedKey {
  rollup: string;
  raw: string;
  counted: string;
}

export const SCREENED_KEYS = {
  all: { rollup: `''`, raw: `''`, counted: `''` },
  platform: { rollup: 'r.platform_id', raw: 'l.platform_id', counted: 'c.platform_id' },
  language: { rollup: 'r.language', raw: `coalesce(l.language, 'und')`, counted: 'c.language' },
  bucket: (bucket: string): ScreenedKey => ({
    rollup: `to_char(date_trunc('${bucket}', r.day::timestamp), 'YYYY-MM-DD')`,
    raw: `to_char(date_trunc('${bucket}', l.received_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`,
    counted: `to_char(date_trunc('${bucket}', c.day::timestamp), 'YYYY-MM-DD')`,
  }),
} as const;

/**
 * Listings screened in the period, by key; rollup days and raw remainder added together, plus the allowed
 * listings of platforms that keep counts only. Those are counted per UTC day, so they count for the days a
 * period covers from the day of its start to the day of its end, and never per species (they have none).
 */
export async function screenedBy(
  db: Queryable,
  f: MetricsFilters,
  key: ScreenedKey,
): Promise<Map<string, number>> {
  const mark = await rollupWatermark(db);
  // Whole days inside the period and before the watermark come from the rollup.
  const rollFrom = new Date(Math.ceil(f.from.getTime() / DAY) * DAY);
  const rollTo = new Date(Math.min(Math.floor(f.to.getTime() / DAY) * DAY, mark?.getTime() ?? 0));
  const useRollup = rollTo > rollFrom;
  const [a, b] = useRollup ? [rollFrom, rollTo] : [f.to, f.to];
  const { rows } = await db.query(
    `SELECT k, sum(n) AS n FROM (
       SELECT ${key.rollup} AS k, sum(r.screened) AS n FROM metrics_screened_daily r
       WHERE r.day >= $5::timestamptz::date AND r.day < $6::timestamptz::date
         AND ($3::text IS NULL OR r.platform_id = $3) AND r.species = coalesce($4, '')
       GROUP BY 1
       UNION ALL
       SELECT ${key.raw} AS k, count(*) AS n FROM listings l
       WHERE ((l.received_at >= $1 AND l.received_at < $5) OR (l.received_at >= $6 AND l.received_at < $2))
         AND ($3::text IS NULL OR l.platform_id = $3)
         AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM detections sd, jsonb_array_elements(sd.evidence) se
                                          WHERE sd.listing_id = l.id AND se->>'species' = $4))
       GROUP BY 1
       UNION ALL
       SELECT ${key.counted} AS k, sum(c.screened) AS n FROM screened_counts c
       WHERE c.day >= ($1::timestamptz AT TIME ZONE 'UTC')::date
         AND c.day < (($2::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC')::date + 1
         AND ($3::text IS NULL OR c.platform_id = $3) AND $4::text IS NULL
       GROUP BY 1) u
     GROUP BY k`,
    [f.from, f.to, f.platform ?? null, f.species ?? null, useRollup ? a : f.to, useRollup ? b : f.to],
  );
  return new Map(rows.map((r) => [String(r.k), Number(r.n)]));
}

/**
 * Re-materialises the re-listing matches (metrics_relisting; readers keep the previous version meanwhile).
 * Every other case figure is live: metrics_case_facts is kept current by triggers in each event's transaction
 * (migration 0890). The name stays for the Temporal activity and schedule that call it every 15 minutes.
 */
export async function refreshCaseFacts(db: Queryable): Promise<void> {
  await db.query('REFRESH MATERIALIZED VIEW CONCURRENTLY metrics_relisting');
  await db.query(
    `INSERT INTO metrics_rollup_state (name, complete_before) VALUES ('relisting', current_date)
     ON CONFLICT (name) DO UPDATE SET complete_before = current_date, refreshed_at = now()`,
  );
}

/** When the re-listing matches were last computed (null before the first refresh). */
export async function relistingAsOf(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ refreshed_at: Date }>(
    "SELECT refreshed_at FROM metrics_rollup_state WHERE name = 'relisting'",
  );
  return rows[0]?.refreshed_at ?? null;
}

/** Both rollups: the scheduled refresh and `wild-sentinel metrics refresh`. */
export async function refreshMetrics(db: Pool, opts: { since?: Date; now?: Date } = {}) {
  const screened = await refreshScreenedRollup(db, opts);
  await refreshCaseFacts(db);
  return screened;
}
