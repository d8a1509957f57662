// What mining learns from, read from stored outcomes since a date. Positive: listings of confirmed cases, and
// listings volunteers reported that screening had not flagged (unless reviewers rejected them). Negative:
// listings of rejected cases and a recent sample of allowed listings. A listing known only from a
// volunteer's link has no text of its own and is left out.
import type { Queryable } from '../../shared/db/pool.ts';
import type { MiningDoc } from './mining.ts';
import { CONFIRMED_STATUSES, REJECTED_STATUSES } from './performance.ts';

const TEXT_ONLY = `l.raw->>'source' IS DISTINCT FROM 'volunteer-report'`;
/** Screening had not flagged the listing before its first volunteer report. */
const MISSED = `EXISTS (SELECT 1 FROM reports r0 WHERE r0.case_id = c.id)
  AND NOT EXISTS (SELECT 1 FROM detections d WHERE d.listing_id = l.id AND d.verdict <> 'allow'
    AND d.created_at <= (SELECT min(r1.created_at) FROM reports r1 WHERE r1.case_id = c.id))`;

export async function outcomeCorpus(
  db: Queryable,
  o: { since: Date; maxAllowed: number },
): Promise<MiningDoc[]> {
  const cases = await db.query<{
    listing_id: string;
    title: string;
    description: string;
    language: string | null;
    positive: boolean;
    missed: boolean;
    report_ids: string[];
  }>(
    `SELECT l.id AS listing_id, l.title, l.description, l.language,
            NOT (c.status = ANY($3)) AS positive, (${MISSED}) AS missed,
            ARRAY(SELECT r.id::text FROM reports r WHERE r.case_id = c.id AND r.outcome IS DISTINCT FROM 'rejected'
                  ORDER BY r.id) AS report_ids
     FROM cases c JOIN listings l ON l.id = c.listing_id
     WHERE c.opened_at >= $1 AND ${TEXT_ONLY}
       AND (c.status = ANY($2) OR c.status = ANY($3) OR (${MISSED}))`,
    [o.since, CONFIRMED_STATUSES, REJECTED_STATUSES],
  );
  const allowed = await db.query<{
    listing_id: string;
    title: string;
    description: string;
    language: string | null;
  }>(
    `SELECT l.id AS listing_id, l.title, l.description, l.language FROM listings l
     WHERE l.received_at >= $1 AND ${TEXT_ONLY}
       AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.listing_id = l.id)
       AND NOT EXISTS (SELECT 1 FROM detections d WHERE d.listing_id = l.id AND d.verdict <> 'allow')
     ORDER BY l.received_at DESC LIMIT $2`,
    [o.since, o.maxAllowed],
  );
  return [
    ...cases.rows.map((r) => ({
      listingId: String(r.listing_id),
      title: r.title,
      description: r.description,
      language: r.language,
      positive: r.positive,
      missed: r.positive && r.missed,
      reportIds: r.positive && r.missed ? r.report_ids : [],
    })),
    ...allowed.rows.map((r) => ({
      listingId: String(r.listing_id),
      title: r.title,
      description: r.description,
      language: r.language,
      positive: false,
      missed: false,
      reportIds: [],
    })),
  ];
}
