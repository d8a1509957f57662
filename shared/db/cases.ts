import { createHash } from 'node:crypto';
import type { Evidence } from '../../detectors/screen.ts';
import type { Verdict } from '../listing.ts';
import type { Queryable } from './pool.ts';

/** Deterministic, URL-safe case id: the same listing always maps to the same case and workflow. */
export function caseIdFor(platformId: string, externalId: string): string {
  return `case-${createHash('sha256').update(`${platformId}\u0000${externalId}`).digest('hex').slice(0, 24)}`;
}

export async function openCase(
  db: Queryable,
  c: { id: string; listingId: string; verdict: Verdict; priority?: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO cases (id, listing_id, status, verdict, priority) VALUES ($1, $2, 'open', $3, $4)
     ON CONFLICT (id) DO NOTHING`,
    [c.id, c.listingId, c.verdict, c.priority ?? 2],
  );
  return rowCount === 1;
}

/** Everything a reviewer or an API client needs to see about one case. */
export interface CaseView {
  id: string;
  status: string;
  verdict: Verdict;
  priority: number;
  openedAt: string;
  decidedAt: string | null;
  slack: { channel: string; ts: string } | null;
  listing: {
    platformId: string;
    externalId: string;
    url: string | null;
    title: string;
    description: string;
    price: number | null;
    currency: string | null;
    sellerId: string | null;
    imageUrls: string[];
  };
  detection: {
    verdict: Verdict;
    score: number;
    clause: string | null;
    explanation: string | null;
    evidence: Evidence[];
  } | null;
  decisions: { reviewer: string; decision: string; reason: string | null; at: string }[];
  takedowns: { action: string; status: string; reference: string | null; error: string | null }[];
}

export async function getCaseView(db: Queryable, caseId: string): Promise<CaseView | undefined> {
  const { rows } = await db.query(
    `SELECT c.id, c.status, c.verdict, c.priority, c.opened_at, c.decided_at, c.slack_channel, c.slack_ts,
            l.platform_id, l.external_id, l.url, l.title, l.description, l.price, l.currency, l.seller_id, l.image_urls,
            d.verdict AS d_verdict, d.score, d.clause, d.explanation, d.evidence
     FROM cases c JOIN listings l ON l.id = c.listing_id
     LEFT JOIN LATERAL (SELECT * FROM detections WHERE listing_id = l.id ORDER BY id DESC LIMIT 1) d ON true
     WHERE c.id = $1`,
    [caseId],
  );
  const r = rows[0];
  if (!r) return undefined;
  const [decisions, takedowns] = await Promise.all([
    db.query('SELECT reviewer, decision, reason, created_at FROM reviews WHERE case_id = $1 ORDER BY id', [
      caseId,
    ]),
    db.query(
      'SELECT action, status, platform_reference, error FROM takedowns WHERE case_id = $1 ORDER BY id',
      [caseId],
    ),
  ]);
  return {
    id: r.id,
    status: r.status,
    verdict: r.verdict,
    priority: r.priority,
    openedAt: r.opened_at.toISOString(),
    decidedAt: r.decided_at?.toISOString() ?? null,
    slack: r.slack_ts ? { channel: r.slack_channel, ts: r.slack_ts } : null,
    listing: {
      platformId: r.platform_id,
      externalId: r.external_id,
      url: r.url,
      title: r.title,
      description: r.description,
      price: r.price,
      currency: r.currency,
      sellerId: r.seller_id,
      imageUrls: r.image_urls,
    },
    detection: r.d_verdict
      ? {
          verdict: r.d_verdict,
          score: r.score,
          clause: r.clause,
          explanation: r.explanation,
          evidence: r.evidence,
        }
      : null,
    decisions: decisions.rows.map((d) => ({
      reviewer: d.reviewer,
      decision: d.decision,
      reason: d.reason,
      at: d.created_at.toISOString(),
    })),
    takedowns: takedowns.rows.map((t) => ({
      action: t.action,
      status: t.status,
      reference: t.platform_reference,
      error: t.error,
    })),
  };
}
