// Listings screened, flagged, blocked and removed, from the stored listings, cases and takedowns.
// Screened/flagged/blocked count listings received in the period; removed counts takedowns completed in it.
import type { Queryable } from '../db/pool.ts';
import { type Bucket, filterParams, type MetricsFilters } from './filters.ts';
import { SCREENED_KEYS, type ScreenedKey, screenedBy } from './rollup.ts';

export interface ListingCounts {
  screened: number;
  flagged: number;
  blocked: number;
  removed: number;
}

export interface Totals extends ListingCounts {
  /** Listings removed or blocked (the Coalition's headline figure), each counted once. */
  removedOrBlocked: number;
  accountsWarned: number;
  accountsSuspended: number;
  restored: number;
}

export interface Breakdown {
  key: string;
  counts: ListingCounts;
}

/** Species filter on a metrics_case_facts row (alias f). */
export const factSpecies = `($4::text IS NULL OR $4 = ANY(f.species))`;

/**
 * Flagged listings (those with a case) received in the period, from metrics_case_facts (kept current by
 * triggers in each event's transaction: migration 0890); screened counts come from rollup.ts.
 */
export const flaggedScope = `
  SELECT f.listing_id AS id, f.platform_id, f.language, f.received_at, f.verdict AS case_verdict, f.case_id,
         f.species
  FROM metrics_case_facts f
  WHERE f.received_at >= $1 AND f.received_at < $2 AND ($3::text IS NULL OR f.platform_id = $3) AND ${factSpecies}`;

/** One row per case whose removal completed in the period (first removal action), with its listing. */
export const removedScope = `
  SELECT f.case_id, f.status, f.listing_id AS id, f.platform_id, f.language, f.received_at, f.species,
         f.removed_at AS completed_at, f.actions, f.first_report_at
  FROM metrics_case_facts f
  WHERE f.removed_at >= $1 AND f.removed_at < $2 AND ($3::text IS NULL OR f.platform_id = $3) AND ${factSpecies}`;

function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

export async function totals(db: Queryable, f: MetricsFilters): Promise<Totals> {
  // Both queries at once, awaited together: a promise started and awaited only later would be an
  // unhandled rejection (and end the process) if the other query failed first.
  const [screened, { rows }] = await Promise.all([
    screenedBy(db, f, SCREENED_KEYS.all),
    db.query(
      `WITH s AS (${flaggedScope}), r AS (${removedScope})
     SELECT (SELECT count(*) FROM s) AS flagged,
            (SELECT count(*) FROM s WHERE case_verdict = 'block') AS blocked,
            (SELECT count(*) FROM r WHERE status <> 'restored') AS removed,
            (SELECT count(*) FROM r WHERE status = 'restored') AS restored,
            (SELECT count(*) FROM r WHERE status <> 'restored' AND 'warn_seller' = ANY(actions)) AS warned,
            (SELECT count(*) FROM r WHERE status <> 'restored' AND 'suspend_seller' = ANY(actions)) AS suspended,
            (SELECT count(*) FROM (SELECT id FROM s WHERE case_verdict = 'block'
                                   UNION SELECT id FROM r WHERE status <> 'restored') u) AS removed_or_blocked`,
      filterParams(f),
    ),
  ]);
  const r = rows[0]!;
  return {
    screened: screened.get('') ?? 0,
    flagged: num(r.flagged),
    blocked: num(r.blocked),
    removed: num(r.removed),
    removedOrBlocked: num(r.removed_or_blocked),
    accountsWarned: num(r.warned),
    accountsSuspended: num(r.suspended),
    restored: num(r.restored),
  };
}

async function breakdown(
  db: Queryable,
  f: MetricsFilters,
  key: string,
  removedKey: string,
  screenedKey: ScreenedKey,
): Promise<Breakdown[]> {
  const [screened, { rows }] = await Promise.all([
    screenedBy(db, f, screenedKey),
    db.query(
      `WITH s AS (${flaggedScope}), r AS (${removedScope}),
     a AS (SELECT ${key} AS k, count(*) AS flagged, count(*) FILTER (WHERE case_verdict = 'block') AS blocked
           FROM s GROUP BY 1),
     b AS (SELECT ${removedKey} AS k, count(*) AS removed FROM r WHERE status <> 'restored' GROUP BY 1)
     SELECT coalesce(a.k, b.k)::text AS k, a.flagged, a.blocked, b.removed
     FROM a FULL JOIN b ON a.k = b.k`,
      filterParams(f),
    ),
  ]);
  const counts = new Map<string, ListingCounts>();
  for (const [k, n] of screened) counts.set(k, { screened: n, flagged: 0, blocked: 0, removed: 0 });
  for (const r of rows) {
    const c = counts.get(String(r.k)) ?? { screened: 0, flagged: 0, blocked: 0, removed: 0 };
    counts.set(String(r.k), {
      ...c,
      flagged: num(r.flagged),
      blocked: num(r.blocked),
      removed: num(r.removed),
    });
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, c]) => ({ key: k, counts: c }));
}

export const byPlatform = (db: Queryable, f: MetricsFilters) =>
  breakdown(db, f, 'platform_id', 'platform_id', SCREENED_KEYS.platform);
export const byLanguage = (db: Queryable, f: MetricsFilters) =>
  breakdown(db, f, 'language', 'language', SCREENED_KEYS.language);

/** The series over the period: bucket start (ISO date) and the counts in it. */
export async function series(db: Queryable, f: MetricsFilters, bucket: Bucket): Promise<Breakdown[]> {
  const at = (column: string) =>
    `to_char(date_trunc('${bucket}', ${column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;
  const rows = await breakdown(db, f, at('received_at'), at('completed_at'), SCREENED_KEYS.bucket(bucket));
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return bucketStarts(f, bucket).map(
    (key) => byKey.get(key) ?? { key, counts: { screened: 0, flagged: 0, blocked: 0, removed: 0 } },
  );
}

/** Every bucket start (UTC, YYYY-MM-DD) that overlaps [from, to), as date_trunc names them. */
export function bucketStarts(f: Pick<MetricsFilters, 'from' | 'to'>, bucket: Bucket): string[] {
  const d = new Date(Date.UTC(f.from.getUTCFullYear(), f.from.getUTCMonth(), f.from.getUTCDate()));
  if (bucket === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (bucket === 'month') d.setUTCDate(1);
  const keys: string[] = [];
  while (d < f.to && keys.length < 5000) {
    keys.push(d.toISOString().slice(0, 10));
    if (bucket === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCDate(d.getUTCDate() + (bucket === 'week' ? 7 : 1));
  }
  return keys;
}

/** Flagged, blocked and removed listings per species named in their detections' evidence. */
export async function bySpecies(db: Queryable, f: MetricsFilters): Promise<Breakdown[]> {
  const { rows } = await db.query(
    `WITH s AS (${flaggedScope}), r AS (${removedScope}),
     a AS (SELECT sp AS k, count(*) AS flagged, count(*) FILTER (WHERE case_verdict = 'block') AS blocked
           FROM s, unnest(s.species) sp WHERE $4::text IS NULL OR sp = $4 GROUP BY 1),
     b AS (SELECT sp AS k, count(*) AS removed FROM r, unnest(r.species) sp
           WHERE r.status <> 'restored' AND ($4::text IS NULL OR sp = $4) GROUP BY 1)
     SELECT coalesce(a.k, b.k) AS k, a.flagged, a.blocked, b.removed
     FROM a FULL JOIN b ON a.k = b.k ORDER BY coalesce(b.removed, 0) + coalesce(a.flagged, 0) DESC, 1 LIMIT 50`,
    filterParams(f),
  );
  return rows.map((r) => ({
    key: String(r.k),
    counts: { screened: 0, flagged: num(r.flagged), blocked: num(r.blocked), removed: num(r.removed) },
  }));
}
