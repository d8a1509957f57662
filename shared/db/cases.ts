import { createHash } from 'node:crypto';
import { caseRef, parseCaseRef } from '../case-ref.ts';
import type { Verdict } from '../listing.ts';
import type { Evidence } from '../screening.ts';
import { type ListingContent, listingContentOf } from './listings.ts';
import type { Queryable } from './pool.ts';
import { answersOfCase, type ReportAnswer } from './report-answers.ts';
import { type CasePhoto, casePhotos } from './reports.ts';

/** Deterministic, URL-safe case id: the same listing always maps to the same case and workflow. */
export function caseIdFor(platformId: string, externalId: string): string {
  return `case-${createHash('sha256').update(`${platformId}\u0000${externalId}`).digest('hex').slice(0, 24)}`;
}

/**
 * Opens the listing's case on the version that was flagged (by default the current one): that version
 * stays the case's decision basis whatever the seller sends later.
 */
export async function openCase(
  db: Queryable,
  c: { id: string; listingId: string; verdict: Verdict; priority?: number; listingVersion?: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO cases (id, listing_id, status, verdict, priority, listing_version)
     VALUES ($1, $2, 'open', $3, $4, coalesce($5, (SELECT current_version FROM listings WHERE id = $2)))
     ON CONFLICT (id) DO NOTHING`,
    [c.id, c.listingId, c.verdict, c.priority ?? 2, c.listingVersion ?? null],
  );
  return rowCount === 1;
}

/** The case on a listing, with the version it was flagged on. */
export async function caseOfListing(
  db: Queryable,
  listingId: string,
): Promise<{ id: string; status: string; listingVersion: number } | undefined> {
  const { rows } = await db.query<{ id: string; status: string; listing_version: number }>(
    'SELECT id, status, listing_version FROM cases WHERE listing_id = $1',
    [listingId],
  );
  const r = rows[0];
  return r && { id: r.id, status: r.status, listingVersion: r.listing_version };
}

/**
 * A case opened on a volunteer's link holds a placeholder listing (no content: see ensureReportedListing).
 * The first version the platform sends is then the case's real basis, not an edit after flagging.
 */
export async function adoptVersionIfPlaceholder(
  db: Queryable,
  caseId: string,
  version: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE cases c SET listing_version = $2 FROM listing_versions v
     WHERE c.id = $1 AND v.listing_id = c.listing_id AND v.version = c.listing_version
       AND v.raw->>'source' = 'volunteer-report' AND c.listing_version < $2`,
    [caseId, version],
  );
  return rowCount === 1;
}

/** Raises an undecided case's priority (1 = most urgent); false when it was already as urgent or decided. */
export async function raiseOpenCasePriority(
  db: Queryable,
  caseId: string,
  priority: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE cases SET priority = $2 WHERE id = $1 AND priority > $2 AND status IN ('open', 'escalated')`,
    [caseId, priority],
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
  /** Reviewer holding the case (queue claim), when claimed. */
  claimedBy: string | null;
  /** When a decision is due (SLA), and when the case was escalated to leads. */
  dueAt: string | null;
  escalatedAt: string | null;
  /** The listing as it was when the case was flagged (version `listing.version`): the decision basis. */
  listing: ListingContent & { version: number; platformId: string; externalId: string };
  /** The latest detection of the flagged version. */
  detection: {
    verdict: Verdict;
    score: number;
    clause: string | null;
    explanation: string | null;
    evidence: Evidence[];
  } | null;
  /** Every version the platform sent, oldest first, with the latest verdict on each. */
  versions: (ListingContent & { version: number; receivedAt: string; verdict: Verdict | null })[];
  /** Every detector's answer on every version of the listing, oldest first (screening, images, OCR, LLM). */
  detections: {
    version: number;
    detector: string;
    verdict: Verdict;
    score: number;
    clause: string | null;
    explanation: string | null;
    evidence: Evidence[];
    at: string;
  }[];
  decisions: {
    reviewer: string;
    decision: string;
    action?: string | null;
    reasonCode?: string | null;
    reason: string | null;
    at: string;
  }[];
  takedowns: {
    action: string;
    status: string;
    reference: string | null;
    error: string | null;
    confirmedAt?: string | null;
  }[];
  /** Volunteer reports on the listing (no volunteer identities). */
  reports: { id: string; species: string | null; note: string | null; outcome: string | null; at: string }[];
  /** Volunteers' answers to reviewers' questions (text or a photo's hashes). */
  answers: ReportAnswer[];
  /** Volunteers' photos (with reports and as answers): hashes only, the bytes are served by signed link. */
  photos: CasePhoto[];
  /** "seller's phone seen in 3 removed listings on 2 platforms", from local and imported signals. */
  sellerLinks: string[];
  /** Reviewers' internal notes. */
  notes: { author: string; note: string; at: string }[];
  appeals: {
    appealId: string;
    statement: string;
    status: string;
    decidedBy: string | null;
    reason: string | null;
    at: string;
    decidedAt: string | null;
  }[];
}

/** What a platform sees of a case of its own listings: no reviewers' internals (notes, claims, reporters). */
export type PlatformCaseView = Omit<
  CaseView,
  'slack' | 'notes' | 'claimedBy' | 'reports' | 'answers' | 'photos'
>;

export function platformCaseView(view: CaseView): PlatformCaseView {
  const {
    slack: _slack,
    notes: _notes,
    claimedBy: _claimedBy,
    reports: _reports,
    answers: _answers,
    photos: _photos,
    ...visible
  } = view;
  return visible;
}

/** Audit entries about those same internals, left out of what a platform gets. */
export const PLATFORM_HIDDEN_AUDIT_ACTIONS: readonly string[] = [
  'case.note_added',
  'case.claimed',
  'case.released',
  'report.received',
];

/** What ties a listing to removed ones, as lines for people (found by workflows/sharing/linking.ts). */
export type SellerLinks = (db: Queryable, listingId: string) => Promise<{ lines: string[] }>;

/** A case as reviewers and platforms see it; `sellerLinks` adds the seller's history. */
export async function getCaseView(
  db: Queryable,
  caseId: string,
  sellerLinks: SellerLinks,
): Promise<CaseView | undefined> {
  const { rows } = await db.query(
    `SELECT c.id, c.status, c.verdict, c.priority, c.opened_at, c.decided_at, c.slack_channel, c.slack_ts,
            c.claimed_by, c.due_at, c.escalated_at, l.id AS listing_id, l.platform_id, l.external_id,
            v.version, v.url, v.title, v.description, v.price, v.currency, v.seller_id, v.image_urls,
            d.verdict AS d_verdict, d.score, d.clause, d.explanation, d.evidence
     FROM cases c JOIN listings l ON l.id = c.listing_id
     JOIN listing_versions v ON v.listing_id = l.id AND v.version = c.listing_version
     LEFT JOIN LATERAL (SELECT * FROM detections WHERE listing_id = l.id AND listing_version = v.version
                        ORDER BY id DESC LIMIT 1) d ON true
     WHERE c.id = $1`,
    [caseId],
  );
  const r = rows[0];
  if (!r) return undefined;
  const [decisions, takedowns, detections, reports, notes, appeals, links, versions, answers, photos] =
    await Promise.all([
      db.query(
        'SELECT reviewer, decision, action, reason_code, reason, created_at FROM reviews WHERE case_id = $1 ORDER BY id',
        [caseId],
      ),
      db.query(
        'SELECT action, status, platform_reference, error, confirmed_at FROM takedowns WHERE case_id = $1 ORDER BY id',
        [caseId],
      ),
      db.query(
        `SELECT listing_version, detector, verdict, score, clause, explanation, evidence, created_at FROM detections
       WHERE listing_id = $1 ORDER BY id`,
        [r.listing_id],
      ),
      db.query('SELECT id, species, note, outcome, created_at FROM reports WHERE case_id = $1 ORDER BY id', [
        caseId,
      ]),
      db.query('SELECT author, note, created_at FROM case_notes WHERE case_id = $1 ORDER BY id', [caseId]),
      db.query(
        `SELECT platform_appeal_id, statement, status, decided_by, decision_reason, created_at, decided_at
       FROM appeals WHERE case_id = $1 ORDER BY id`,
        [caseId],
      ),
      sellerLinks(db, r.listing_id),
      db.query(
        `SELECT v.version, v.received_at, v.url, v.title, v.description, v.price, v.currency, v.seller_id,
              v.image_urls, d.verdict
       FROM listing_versions v
       LEFT JOIN LATERAL (SELECT verdict FROM detections
                          WHERE listing_id = v.listing_id AND listing_version = v.version
                          ORDER BY id DESC LIMIT 1) d ON true
       WHERE v.listing_id = $1 ORDER BY v.version`,
        [r.listing_id],
      ),
      answersOfCase(db, caseId),
      casePhotos(db, caseId),
    ]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: r.id,
    status: r.status,
    verdict: r.verdict,
    priority: r.priority,
    openedAt: r.opened_at.toISOString(),
    decidedAt: r.decided_at?.toISOString() ?? null,
    slack: r.slack_ts ? { channel: r.slack_channel, ts: r.slack_ts } : null,
    claimedBy: r.claimed_by,
    dueAt: iso(r.due_at),
    escalatedAt: iso(r.escalated_at),
    listing: {
      version: r.version,
      platformId: r.platform_id,
      externalId: r.external_id,
      ...listingContentOf(r),
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
    versions: versions.rows.map((v) => ({
      version: v.version,
      receivedAt: v.received_at.toISOString(),
      ...listingContentOf(v),
      verdict: v.verdict,
    })),
    detections: detections.rows.map((d) => ({
      version: d.listing_version,
      detector: d.detector,
      verdict: d.verdict,
      score: d.score,
      clause: d.clause,
      explanation: d.explanation,
      evidence: d.evidence,
      at: d.created_at.toISOString(),
    })),
    decisions: decisions.rows.map((d) => ({
      reviewer: d.reviewer,
      decision: d.decision,
      action: d.action,
      reasonCode: d.reason_code,
      reason: d.reason,
      at: d.created_at.toISOString(),
    })),
    takedowns: takedowns.rows.map((t) => ({
      action: t.action,
      status: t.status,
      reference: t.platform_reference,
      error: t.error,
      ...(t.confirmed_at ? { confirmedAt: iso(t.confirmed_at) } : {}),
    })),
    sellerLinks: links.lines,
    reports: reports.rows.map((p) => ({
      id: String(p.id),
      species: p.species,
      note: p.note,
      outcome: p.outcome,
      at: p.created_at.toISOString(),
    })),
    answers,
    photos,
    notes: notes.rows.map((n) => ({ author: n.author, note: n.note, at: n.created_at.toISOString() })),
    appeals: appeals.rows.map((a) => ({
      appealId: a.platform_appeal_id,
      statement: a.statement,
      status: a.status,
      decidedBy: a.decided_by,
      reason: a.decision_reason,
      at: a.created_at.toISOString(),
      decidedAt: iso(a.decided_at),
    })),
  };
}

/** The ids of cases with this reference (see shared/case-ref.ts); usually one, more after a collision. */
export async function findCaseIdsByRef(db: Queryable, text: string): Promise<string[]> {
  const parsed = parseCaseRef(text);
  if (!parsed) return [];
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM cases WHERE id LIKE $1 || '%' ORDER BY opened_at DESC LIMIT 50",
    [parsed.idPrefix],
  );
  return rows.map((r) => r.id).filter((id) => caseRef(id) === parsed.ref);
}
