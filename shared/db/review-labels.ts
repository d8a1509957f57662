// Reviewer decisions as labelled listings for the learned scorer: each decided case's listing as it stood
// when it was flagged (the case's listing version, migration 0800), labelled by the case's latest approve or
// reject. Approvals are illicit; rejections are legit only when the reason says so (not wildlife, legal
// trade, imitation): "insufficient evidence" or "duplicate" says nothing about the listing's text.
import type { Queryable } from './pool.ts';

export const LEGIT_REJECT_REASONS = ['not_wildlife', 'legal_trade', 'imitation'] as const;

export interface ReviewLabel {
  caseId: string;
  listingVersion: number;
  label: 'illicit' | 'legit';
  language: string | null;
  title: string;
  description: string;
  reviewer: string;
  decision: 'approve' | 'reject';
  reasonCode: string | null;
}

export async function reviewLabels(db: Queryable): Promise<ReviewLabel[]> {
  const { rows } = await db.query<{
    case_id: string;
    listing_version: number;
    language: string | null;
    title: string;
    description: string;
    reviewer: string;
    decision: 'approve' | 'reject';
    reason_code: string | null;
  }>(
    `SELECT c.id AS case_id, c.listing_version, v.language, v.title, v.description,
            r.reviewer, r.decision, r.reason_code
     FROM cases c
     JOIN LATERAL (SELECT reviewer, decision, reason_code FROM reviews
                   WHERE case_id = c.id AND decision IN ('approve', 'reject')
                   ORDER BY created_at DESC, id DESC LIMIT 1) r ON true
     JOIN listing_versions v ON v.listing_id = c.listing_id AND v.version = c.listing_version
     WHERE r.decision = 'approve' OR r.reason_code = ANY($1)
     ORDER BY c.id`,
    [LEGIT_REJECT_REASONS],
  );
  return rows.map((r) => ({
    caseId: r.case_id,
    listingVersion: r.listing_version,
    label: r.decision === 'approve' ? 'illicit' : 'legit',
    language: r.language,
    title: r.title,
    description: r.description,
    reviewer: r.reviewer,
    decision: r.decision,
    reasonCode: r.reason_code,
  }));
}
