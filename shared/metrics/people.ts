// Reviewers (throughput, agreement, reversal on appeal) and volunteers (count, reports, accuracy).
import type { Queryable } from '../db/pool.ts';
import { filterParams, type MetricsFilters } from './filters.ts';
import { factSpecies } from './listings.ts';

export interface ReviewerStats {
  reviewer: string;
  /** Every approval and rejection, first and second (lead) approvals alike. */
  decisions: number;
  approvals: number;
  /** Of the approvals, the second approvals a lead gave to an account-level action. */
  secondApprovals: number;
  rejections: number;
  medianHoursToDecision: number | null;
}

/** Rejections in the period by the reviewer's reason code (null when none was given). */
export interface RejectionReason {
  reason: string | null;
  rejections: number;
}

export interface ReviewQuality {
  /** Cases with decisions by at least two different reviewers. */
  casesWithTwoReviewers: number;
  /** Of those, cases where every reviewer made the same decision. */
  agreeing: number;
  agreementRate: number | null;
  appealsDecided: number;
  appealsRestored: number;
  /** Share of decided appeals that restored the listing. */
  reversalRate: number | null;
}

export interface VolunteerStats {
  /** Volunteers who reported at least once in the period. */
  active: number;
  /** All registered (not erased) volunteers at the end of the period. */
  registered: number;
  reports: number;
  confirmed: number;
  rejected: number;
  /** confirmed / (confirmed + rejected). */
  accuracy: number | null;
}

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10000) / 10000 : null);

/**
 * Decisions (approve, reject; a lead's second approval is an approval) made in the period on listings that match
 * the platform and species filters. `second` tells a second approval apart.
 */
const reviewScope = `
  SELECT rv.case_id, rv.reviewer, rv.reason_code, CASE WHEN rv.decision = 'second_approval' THEN 'approve' ELSE rv.decision END AS decision,
         rv.decision = 'second_approval' AS second, rv.created_at, f.opened_at
  FROM reviews rv JOIN metrics_case_facts f ON f.case_id = rv.case_id
  WHERE rv.created_at >= $1 AND rv.created_at < $2 AND ($3::text IS NULL OR f.platform_id = $3) AND ${factSpecies}
    AND rv.decision IN ('approve', 'reject', 'second_approval')`;

export async function reviewers(db: Queryable, f: MetricsFilters): Promise<ReviewerStats[]> {
  const { rows } = await db.query(
    `WITH rv AS (${reviewScope})
     SELECT reviewer, count(*) AS decisions,
            count(*) FILTER (WHERE decision = 'approve') AS approvals,
            count(*) FILTER (WHERE second) AS second_approvals,
            count(*) FILTER (WHERE decision = 'reject') AS rejections,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - opened_at) / 3600) AS med
     FROM rv GROUP BY reviewer ORDER BY decisions DESC, reviewer LIMIT 100`,
    filterParams(f),
  );
  return rows.map((r) => ({
    reviewer: String(r.reviewer),
    decisions: Number(r.decisions),
    approvals: Number(r.approvals),
    secondApprovals: Number(r.second_approvals),
    rejections: Number(r.rejections),
    medianHoursToDecision: r.med === null ? null : Math.round(Number(r.med) * 100) / 100,
  }));
}

export async function rejectionReasons(db: Queryable, f: MetricsFilters): Promise<RejectionReason[]> {
  const { rows } = await db.query(
    `WITH rv AS (${reviewScope})
     SELECT reason_code, count(*) AS n FROM rv WHERE decision = 'reject'
     GROUP BY reason_code ORDER BY n DESC, reason_code NULLS LAST`,
    filterParams(f),
  );
  return rows.map((r) => ({
    reason: r.reason_code === null ? null : String(r.reason_code),
    rejections: Number(r.n),
  }));
}

export async function reviewQuality(db: Queryable, f: MetricsFilters): Promise<ReviewQuality> {
  const { rows } = await db.query(
    `WITH rv AS (${reviewScope}),
     per_case AS (SELECT case_id, count(DISTINCT reviewer) AS reviewers, count(DISTINCT decision) AS decisions
                  FROM rv GROUP BY case_id),
     ap AS (SELECT a.status FROM appeals a JOIN metrics_case_facts f ON f.case_id = a.case_id
            WHERE a.decided_at >= $1 AND a.decided_at < $2 AND ($3::text IS NULL OR f.platform_id = $3)
              AND ${factSpecies} AND a.status IN ('restored', 'upheld'))
     SELECT (SELECT count(*) FROM per_case WHERE reviewers >= 2) AS multi,
            (SELECT count(*) FROM per_case WHERE reviewers >= 2 AND decisions = 1) AS agreeing,
            (SELECT count(*) FROM ap) AS appeals,
            (SELECT count(*) FROM ap WHERE status = 'restored') AS restored`,
    filterParams(f),
  );
  const r = rows[0]!;
  const multi = Number(r.multi);
  const agreeing = Number(r.agreeing);
  const appeals = Number(r.appeals);
  const restored = Number(r.restored);
  return {
    casesWithTwoReviewers: multi,
    agreeing,
    agreementRate: rate(agreeing, multi),
    appealsDecided: appeals,
    appealsRestored: restored,
    reversalRate: rate(restored, appeals),
  };
}

export async function volunteers(db: Queryable, f: MetricsFilters): Promise<VolunteerStats> {
  const { rows } = await db.query(
    `WITH rp AS (
       SELECT r.* FROM reports r LEFT JOIN metrics_case_facts f ON f.case_id = r.case_id
       WHERE r.created_at >= $1 AND r.created_at < $2
         AND ($3::text IS NULL OR coalesce(r.platform_id, f.platform_id) = $3)
         AND ($4::text IS NULL OR r.species = $4 OR $4 = ANY(f.species)))
     SELECT count(DISTINCT volunteer_id) AS active, count(*) AS reports,
            count(*) FILTER (WHERE outcome = 'confirmed') AS confirmed,
            count(*) FILTER (WHERE outcome = 'rejected') AS rejected,
            (SELECT count(*) FROM volunteers WHERE created_at < $2 AND erased_at IS NULL) AS registered
     FROM rp`,
    filterParams(f),
  );
  const r = rows[0]!;
  const confirmed = Number(r.confirmed);
  const rejected = Number(r.rejected);
  return {
    active: Number(r.active),
    registered: Number(r.registered),
    reports: Number(r.reports),
    confirmed,
    rejected,
    accuracy: rate(confirmed, confirmed + rejected),
  };
}
