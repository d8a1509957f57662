// Term performance: for each library entry, per platform, over a period, what its detections brought the
// reviewers (flagged, confirmed, rejected by reason, still open), what it missed (volunteer reports of listings
// the engine did not flag, where the entry matches the listing's text now), its precision and the reviewer
// time it cost. Flagged counts come from the entry ids PostgreSQL keeps beside each detection (0860); the
// missed ones run today's library over the few reported listings, so a term added later counts them too.

import type { CompiledLibrary } from '../../detectors/text/compile.ts';
import { matchText } from '../../detectors/text/index.ts';
import { entryId } from '../../keywords/schema.ts';
import type { Queryable } from '../../shared/db/pool.ts';

/** Case states that mean reviewers confirmed the listing as wildlife trade. */
export const CONFIRMED_STATUSES = ['approved', 'taken_down', 'takedown_failed'] as const;
/** Case states that mean the flag was wrong (a takedown restored on appeal or undo counts too). */
export const REJECTED_STATUSES = ['rejected', 'restored'] as const;
/**
 * Reviewer time per decided case: from the reviewer's claim (or the card, unclaimed) to the decision, capped,
 * because a claim left open over lunch is not half an hour of work.
 */
export const REVIEW_SECONDS_CAP = 30 * 60;

export interface TermPerformanceFilters {
  from: Date;
  /** Exclusive. */
  to: Date;
  platform?: string | undefined;
}

export interface TermPerformance {
  entry: string;
  term: string;
  language: string;
  kind: string;
  platform: string;
  flagged: number;
  confirmed: number;
  rejected: number;
  /** Rejections by the reviewer's reason code ("restored" for a takedown undone on appeal). */
  rejectedBy: Record<string, number>;
  /** Flagged listings not decided yet. */
  pending: number;
  missed: number;
  /** confirmed / (confirmed + rejected); null before any decision. */
  precision: number | null;
  reviewerMinutes: number;
}

/** Splits an entry id "language|kind|term" (keywords/schema.ts entryId); the term may hold "|". */
export function splitEntryId(id: string): { language: string; kind: string; term: string } {
  const [language = '', kind = '', ...rest] = id.split('|');
  return { language, kind, term: rest.join('|') };
}

const precisionOf = (confirmed: number, rejected: number) =>
  confirmed + rejected > 0 ? Math.round((confirmed / (confirmed + rejected)) * 10000) / 10000 : null;

const params = (f: TermPerformanceFilters) => [f.from, f.to, f.platform ?? null];

/** Flagged listings per entry and platform, with their cases' outcomes. */
async function flaggedOutcomes(db: Queryable, f: TermPerformanceFilters) {
  const { rows } = await db.query<{
    entry: string;
    platform_id: string;
    outcome: 'confirmed' | 'rejected' | 'pending';
    reason: string | null;
    listings: string;
    review_s: number | null;
  }>(
    `WITH hits AS (
       SELECT DISTINCT e.entry, l.platform_id, d.listing_id
       FROM detections d JOIN listings l ON l.id = d.listing_id
       CROSS JOIN LATERAL jsonb_array_elements_text(d.entry_ids) AS e(entry)
       WHERE d.verdict <> 'allow' AND d.created_at >= $1 AND d.created_at < $2
         AND ($3::text IS NULL OR l.platform_id = $3)),
     per AS (
       SELECT h.entry, h.platform_id,
              CASE WHEN c.status = ANY($4) THEN 'confirmed' WHEN c.status = ANY($5) THEN 'rejected'
                   ELSE 'pending' END AS outcome,
              CASE WHEN c.status = 'restored' THEN 'restored' WHEN c.status = 'rejected' THEN coalesce(
                (SELECT rv.reason_code FROM reviews rv WHERE rv.case_id = c.id AND rv.decision = 'reject'
                 ORDER BY rv.created_at DESC LIMIT 1), 'unspecified') END AS reason,
              CASE WHEN c.decided_at IS NOT NULL THEN least($6::double precision,
                greatest(0, extract(epoch FROM c.decided_at - coalesce(c.claimed_at, c.opened_at)))) END AS review_s
       FROM hits h LEFT JOIN cases c ON c.listing_id = h.listing_id)
     SELECT entry, platform_id, outcome, reason, count(*) AS listings, sum(review_s) AS review_s
     FROM per GROUP BY 1, 2, 3, 4`,
    [...params(f), CONFIRMED_STATUSES, REJECTED_STATUSES, REVIEW_SECONDS_CAP],
  );
  return rows;
}

export interface MissedListing {
  listingId: string;
  platformId: string;
  title: string;
  description: string;
  language: string | null;
  reportIds: string[];
}

/**
 * Listings volunteers reported in the period (reports not rejected) that screening had not flagged before the
 * first report. A listing known only from the volunteer's link has no text of its own and is left out.
 */
export async function missedListings(db: Queryable, f: TermPerformanceFilters): Promise<MissedListing[]> {
  const { rows } = await db.query<{
    listing_id: string;
    platform_id: string;
    title: string;
    description: string;
    language: string | null;
    report_ids: string[];
  }>(
    `SELECT l.id AS listing_id, l.platform_id, l.title, l.description, l.language,
            array_agg(r.id::text ORDER BY r.id) AS report_ids
     FROM reports r JOIN cases c ON c.id = r.case_id JOIN listings l ON l.id = c.listing_id
     WHERE r.created_at >= $1 AND r.created_at < $2 AND ($3::text IS NULL OR l.platform_id = $3)
       AND r.outcome IS DISTINCT FROM 'rejected'
       AND l.raw->>'source' IS DISTINCT FROM 'volunteer-report'
       AND NOT EXISTS (SELECT 1 FROM detections d WHERE d.listing_id = l.id AND d.verdict <> 'allow'
                         AND d.created_at <= (SELECT min(r0.created_at) FROM reports r0 WHERE r0.case_id = c.id))
     GROUP BY l.id`,
    params(f),
  );
  return rows.map((r) => ({
    listingId: String(r.listing_id),
    platformId: r.platform_id,
    title: r.title,
    description: r.description,
    language: r.language,
    reportIds: r.report_ids,
  }));
}

/** Entry ids (not lookalikes) of the library that match a listing's text. */
export function matchedEntryIds(
  library: CompiledLibrary,
  l: Pick<MissedListing, 'title' | 'description' | 'language'>,
) {
  const text = `${l.title}\n${l.description}`;
  const ids = new Set<string>();
  for (const hit of matchText(library, text, l.language ?? undefined)) {
    if (hit.entry.kind === 'negative') continue;
    ids.add(entryId(hit.entry));
  }
  return ids;
}

export async function termPerformance(
  db: Queryable,
  f: TermPerformanceFilters,
  library: CompiledLibrary,
): Promise<TermPerformance[]> {
  const [outcomes, missed] = await Promise.all([flaggedOutcomes(db, f), missedListings(db, f)]);
  const rows = new Map<string, TermPerformance>();
  const row = (entry: string, platform: string): TermPerformance => {
    const key = `${platform}\u0000${entry}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        entry,
        ...splitEntryId(entry),
        platform,
        flagged: 0,
        confirmed: 0,
        rejected: 0,
        rejectedBy: {},
        pending: 0,
        missed: 0,
        precision: null,
        reviewerMinutes: 0,
      };
      rows.set(key, r);
    }
    return r;
  };
  for (const o of outcomes) {
    const r = row(o.entry, o.platform_id);
    const n = Number(o.listings);
    r.flagged += n;
    r[o.outcome] += n;
    if (o.outcome === 'rejected')
      r.rejectedBy[o.reason ?? 'unspecified'] = (r.rejectedBy[o.reason ?? 'unspecified'] ?? 0) + n;
    r.reviewerMinutes += Number(o.review_s ?? 0) / 60;
  }
  for (const l of missed) for (const id of matchedEntryIds(library, l)) row(id, l.platformId).missed++;
  return [...rows.values()]
    .map((r) => ({
      ...r,
      precision: precisionOf(r.confirmed, r.rejected),
      reviewerMinutes: Math.round(r.reviewerMinutes * 10) / 10,
    }))
    .sort((a, b) => b.flagged - a.flagged || b.missed - a.missed || a.entry.localeCompare(b.entry));
}

/** One row per entry over every platform in the rows. */
export function acrossPlatforms(rows: readonly TermPerformance[]): TermPerformance[] {
  const merged = new Map<string, TermPerformance>();
  for (const r of rows) {
    const m = merged.get(r.entry);
    if (!m) {
      merged.set(r.entry, { ...r, platform: '*', rejectedBy: { ...r.rejectedBy } });
      continue;
    }
    m.flagged += r.flagged;
    m.confirmed += r.confirmed;
    m.rejected += r.rejected;
    m.pending += r.pending;
    m.missed += r.missed;
    m.reviewerMinutes = Math.round((m.reviewerMinutes + r.reviewerMinutes) * 10) / 10;
    for (const [k, v] of Object.entries(r.rejectedBy)) m.rejectedBy[k] = (m.rejectedBy[k] ?? 0) + v;
  }
  return [...merged.values()].map((m) => ({ ...m, precision: precisionOf(m.confirmed, m.rejected) }));
}

/**
 * The noisiest terms (most rejected flags, then lowest precision) and the most productive (most confirmed
 * listings, counting the ones volunteers found that the term now matches), across platforms.
 */
export function noisiestAndProductive(rows: readonly TermPerformance[], limit = 5) {
  const all = acrossPlatforms(rows);
  const noisiest = all
    .filter((r) => r.rejected > 0)
    .sort(
      (a, b) =>
        b.rejected - a.rejected || (a.precision ?? 1) - (b.precision ?? 1) || a.entry.localeCompare(b.entry),
    )
    .slice(0, limit);
  const productive = all
    .filter((r) => r.confirmed + r.missed > 0)
    .sort(
      (a, b) =>
        b.confirmed + b.missed - (a.confirmed + a.missed) ||
        (b.precision ?? 0) - (a.precision ?? 0) ||
        a.entry.localeCompare(b.entry),
    )
    .slice(0, limit);
  return { noisiest, productive };
}
