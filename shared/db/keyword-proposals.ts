// A curator's accepted candidate term becomes a keyword proposal (table keyword_proposals, with the kind,
// species and strength chosen in Slack); a lead then approves or rejects it. Reviewers' code words (note
// modal, shared/db/review.ts) live in the same table.
import { appendAudit } from './audit.ts';
import type { Queryable } from './pool.ts';

export interface StoredProposal {
  id: string;
  term: string;
  language: string | null;
  kind: string | null;
  species: string | null;
  strength: 'strong' | 'weak' | null;
  candidateId: string | null;
  proposedBy: string;
  source: string;
  status: 'pending' | 'accepted' | 'rejected';
  decidedBy: string | null;
  libraryVersion: string | null;
  slackChannel: string | null;
  slackTs: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: a database row
const toProposal = (r: any): StoredProposal => ({
  id: String(r.id),
  term: r.term,
  language: r.language,
  kind: r.kind,
  species: r.species,
  strength: r.strength,
  candidateId: r.candidate_id === null ? null : String(r.candidate_id),
  proposedBy: r.proposed_by,
  source: r.source,
  status: r.status,
  decidedBy: r.decided_by,
  libraryVersion: r.library_version,
  slackChannel: r.slack_channel,
  slackTs: r.slack_ts,
});

export async function getProposal(
  db: Queryable,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<StoredProposal | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const { rows } = await db.query(
    `SELECT * FROM keyword_proposals WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? toProposal(rows[0]) : undefined;
}

export async function proposalForCandidate(
  db: Queryable,
  candidateId: string,
): Promise<StoredProposal | undefined> {
  const { rows } = await db.query('SELECT * FROM keyword_proposals WHERE candidate_id = $1', [candidateId]);
  return rows[0] ? toProposal(rows[0]) : undefined;
}

/** Stores the proposal of an accepted candidate, once per candidate; returns it (new or the stored one). */
export async function proposeCandidateTerm(
  db: Queryable,
  p: {
    candidateId: string;
    term: string;
    language: string;
    kind: string;
    species?: string | undefined;
    strength: 'strong' | 'weak';
    proposedBy: string;
    requestId: string;
    slackChannel?: string | undefined;
    slackTs?: string | undefined;
  },
): Promise<StoredProposal> {
  const { rows } = await db.query(
    `INSERT INTO keyword_proposals (term, language, species, kind, strength, candidate_id, proposed_by, source,
       request_id, note, slack_channel, slack_ts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'mined', $8, 'mined from review outcomes', $9, $10)
     ON CONFLICT DO NOTHING RETURNING *`,
    [
      p.term,
      p.language,
      p.species ?? null,
      p.kind,
      p.strength,
      p.candidateId,
      p.proposedBy,
      p.requestId,
      p.slackChannel ?? null,
      p.slackTs ?? null,
    ],
  );
  if (rows[0]) {
    await appendAudit(db, {
      actor: `slack:${p.proposedBy}`,
      action: 'keyword.proposed',
      subjectType: 'keyword_proposal',
      subjectId: String(rows[0].id),
      details: {
        term: p.term,
        language: p.language,
        kind: p.kind,
        candidateId: p.candidateId,
        source: 'mined',
      },
    });
    return toProposal(rows[0]);
  }
  const stored = await proposalForCandidate(db, p.candidateId);
  if (!stored) throw new Error(`proposal for candidate ${p.candidateId} neither stored nor found`);
  return stored;
}

/** Records a lead's decision on a pending proposal (with the version it went into); false when decided already. */
export async function decideProposal(
  db: Queryable,
  id: string,
  d: { status: 'accepted' | 'rejected'; by: string; libraryVersion?: string | undefined },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE keyword_proposals SET status = $2, decided_by = $3, decided_at = now(), library_version = $4
     WHERE id = $1 AND status = 'pending'`,
    [id, d.status, d.by, d.libraryVersion ?? null],
  );
  if (rowCount !== 1) return false;
  await appendAudit(db, {
    actor: `slack:${d.by}`,
    action: d.status === 'accepted' ? 'keyword.approved' : 'keyword.rejected',
    subjectType: 'keyword_proposal',
    subjectId: id,
    details: { libraryVersion: d.libraryVersion ?? null },
  });
  return true;
}

/** Pending proposals, oldest first: reviewers' code words and accepted candidate terms. */
export async function pendingProposals(
  db: Queryable,
): Promise<(StoredProposal & { caseId: string | null; createdAt: Date })[]> {
  const { rows } = await db.query(
    `SELECT * FROM keyword_proposals WHERE status = 'pending' ORDER BY created_at, id`,
  );
  return rows.map((r) => ({ ...toProposal(r), caseId: r.case_id, createdAt: r.created_at }));
}

/** Fills in what a reviewer's code word lacks (kind, strength, language, species) before a lead adopts it. */
export async function completeProposal(
  db: Queryable,
  id: string,
  f: {
    kind?: string | undefined;
    strength?: string | undefined;
    language?: string | undefined;
    species?: string | undefined;
  },
): Promise<void> {
  await db.query(
    `UPDATE keyword_proposals SET kind = coalesce($2, kind), strength = coalesce($3, strength),
       language = coalesce($4, language), species = coalesce($5, species)
     WHERE id = $1 AND status = 'pending'`,
    [id, f.kind ?? null, f.strength ?? null, f.language ?? null, f.species ?? null],
  );
}
