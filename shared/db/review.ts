// Review records outside the workflow's own events: reviewers' notes, code words proposed for the keyword
// library, sellers' appeals, platform confirmations of takedowns, and the reviewers' queue.
import { appendAudit } from './audit.ts';
import type { Queryable } from './pool.ts';

/** Stores a reviewer's note once per request id; false when this request was already stored. */
export async function addCaseNote(
  db: Queryable,
  n: { caseId: string; author: string; note: string; requestId: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO case_notes (case_id, author, note, request_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (request_id) DO NOTHING`,
    [n.caseId, n.author, n.note, n.requestId],
  );
  if (rowCount === 0) return false;
  await appendAudit(db, {
    actor: `slack:${n.author}`,
    action: 'case.note_added',
    subjectType: 'case',
    subjectId: n.caseId,
    details: { note: n.note },
  });
  return true;
}

export interface KeywordProposal {
  term: string;
  language?: string | undefined;
  species?: string | undefined;
  note?: string | undefined;
  caseId?: string | undefined;
  proposedBy: string;
  source: string;
  requestId: string;
}

/** A new code word for the keyword library's owners to review (table keyword_proposals). */
export async function proposeKeyword(db: Queryable, p: KeywordProposal): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO keyword_proposals (term, language, species, note, case_id, proposed_by, source, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (request_id) DO NOTHING RETURNING id`,
    [
      p.term,
      p.language ?? null,
      p.species ?? null,
      p.note ?? null,
      p.caseId ?? null,
      p.proposedBy,
      p.source,
      p.requestId,
    ],
  );
  if (!rows[0]) return false;
  await appendAudit(db, {
    actor: `${p.source}:${p.proposedBy}`,
    action: 'keyword.proposed',
    subjectType: 'keyword_proposal',
    subjectId: String(rows[0].id),
    details: { term: p.term, language: p.language ?? null, caseId: p.caseId ?? null },
  });
  return true;
}

export interface StoredAppeal {
  appealId: string;
  status: string;
  created: boolean;
}

/** Stores a seller's appeal once per platform appeal id (before the workflow hears of it). */
export async function storeAppeal(
  db: Queryable,
  a: {
    caseId: string;
    platformId: string;
    appealId: string;
    sellerId?: string | undefined;
    statement: string;
  },
): Promise<StoredAppeal> {
  const inserted = await db.query<{ status: string }>(
    `INSERT INTO appeals (case_id, platform_appeal_id, seller_id, statement) VALUES ($1, $2, $3, $4)
     ON CONFLICT (case_id, platform_appeal_id) DO NOTHING RETURNING status`,
    [a.caseId, a.appealId, a.sellerId ?? null, a.statement],
  );
  if (inserted.rows[0]) {
    await appendAudit(db, {
      actor: `platform:${a.platformId}`,
      action: 'appeal.received',
      subjectType: 'case',
      subjectId: a.caseId,
      details: { appealId: a.appealId, statement: a.statement },
    });
    return { appealId: a.appealId, status: 'pending', created: true };
  }
  const { rows } = await db.query<{ status: string }>(
    'SELECT status FROM appeals WHERE case_id = $1 AND platform_appeal_id = $2',
    [a.caseId, a.appealId],
  );
  return { appealId: a.appealId, status: rows[0]!.status, created: false };
}

/** The workflow refused the appeal (no takedown, window closed, already appealed). */
export async function refuseAppeal(db: Queryable, caseId: string, appealId: string, reason: string) {
  await db.query(
    `UPDATE appeals SET status = 'refused', decision_reason = $3, decided_at = now()
     WHERE case_id = $1 AND platform_appeal_id = $2 AND status = 'pending'`,
    [caseId, appealId, reason],
  );
}

export type Confirmation =
  | { found: false }
  | { found: true; caseId: string; action: string; reference: string; alreadyConfirmed: boolean };

/** Marks a takedown confirmed by the platform that performed it (matched by idempotency key). */
export async function confirmTakedown(
  db: Queryable,
  c: { platformId: string; idempotencyKey: string; reference: string; details: Record<string, unknown> },
): Promise<Confirmation> {
  const { rows } = await db.query<{
    case_id: string;
    action: string;
    platform_reference: string | null;
    confirmed_at: Date | null;
  }>(
    `SELECT t.case_id, t.action, t.platform_reference, t.confirmed_at FROM takedowns t
     JOIN cases c ON c.id = t.case_id JOIN listings l ON l.id = c.listing_id
     WHERE t.idempotency_key = $1 AND l.platform_id = $2 AND t.status = 'done'`,
    [c.idempotencyKey, c.platformId],
  );
  const t = rows[0];
  if (!t || t.platform_reference !== c.reference) return { found: false };
  if (t.confirmed_at)
    return {
      found: true,
      caseId: t.case_id,
      action: t.action,
      reference: c.reference,
      alreadyConfirmed: true,
    };
  await db.query('UPDATE takedowns SET confirmed_at = now(), confirmation = $2 WHERE idempotency_key = $1', [
    c.idempotencyKey,
    JSON.stringify(c.details),
  ]);
  await appendAudit(db, {
    actor: `platform:${c.platformId}`,
    action: 'takedown.confirmed',
    subjectType: 'case',
    subjectId: t.case_id,
    details: { action: t.action, reference: c.reference },
  });
  return {
    found: true,
    caseId: t.case_id,
    action: t.action,
    reference: c.reference,
    alreadyConfirmed: false,
  };
}

export interface QueueItem {
  caseId: string;
  title: string;
  platformId: string;
  status: string;
  priority: number;
  openedAt: string;
  dueAt: string | null;
  claimedBy: string | null;
}

/**
 * Open cases for a reviewer's queue: their own claims and unclaimed cases (leads see every case),
 * most urgent priority first, then oldest first.
 */
export async function reviewQueue(
  db: Queryable,
  opts: { reviewer: string; includeAllClaims?: boolean; limit?: number },
): Promise<QueueItem[]> {
  const { rows } = await db.query(
    `SELECT c.id, l.title, l.platform_id, c.status, c.priority, c.opened_at, c.due_at, c.claimed_by
     FROM cases c JOIN listings l ON l.id = c.listing_id
     WHERE c.status IN ('open', 'escalated', 'pending_second_approval')
       AND ($2 OR c.claimed_by IS NULL OR c.claimed_by = $1)
     ORDER BY c.priority ASC, c.opened_at ASC, c.id ASC
     LIMIT $3`,
    [opts.reviewer, opts.includeAllClaims ?? false, opts.limit ?? 20],
  );
  return rows.map((r) => ({
    caseId: r.id,
    title: r.title,
    platformId: r.platform_id,
    status: r.status,
    priority: r.priority,
    openedAt: r.opened_at.toISOString(),
    dueAt: r.due_at?.toISOString() ?? null,
    claimedBy: r.claimed_by,
  }));
}
