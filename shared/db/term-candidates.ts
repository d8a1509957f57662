// Candidate terms mined from review outcomes (table term_candidates, 0860): stored once per language and
// folded form, posted to curators once, and decided once.
import type { Queryable } from './pool.ts';

/** A candidate's folded form and counts: what may travel to another deployment. */
export interface CandidateCounts {
  language: string;
  term: string;
  normalized: string;
  form: 'ngram' | 'hashtag';
  score: number;
  positives: number;
  missed: number;
  negatives: number;
  positiveDocs: number;
  negativeDocs: number;
}

export interface NewTermCandidate extends CandidateCounts {
  examples: { listingId: string; title: string }[];
  reportIds: string[];
}

export interface TermCandidate extends NewTermCandidate {
  id: string;
  runKey: string;
  status: 'new' | 'accepted' | 'dismissed';
  slackChannel: string | null;
  slackTs: string | null;
  decidedBy: string | null;
  createdAt: Date;
  /** Where it came from when another deployment shared it ("shared by <origin>"); null when mined here. */
  origin: string | null;
}

const COLUMNS = `id, run_key, language, term, normalized, form, score, positives, missed, negatives, positive_docs,
  negative_docs, examples, report_ids, status, slack_channel, slack_ts, decided_by, created_at, origin`;

// biome-ignore lint/suspicious/noExplicitAny: a database row
const toCandidate = (r: any): TermCandidate => ({
  id: String(r.id),
  runKey: r.run_key,
  language: r.language,
  term: r.term,
  normalized: r.normalized,
  form: r.form,
  score: Number(r.score),
  positives: r.positives,
  missed: r.missed,
  negatives: r.negatives,
  positiveDocs: r.positive_docs,
  negativeDocs: r.negative_docs,
  examples: r.examples,
  reportIds: (r.report_ids as (string | number)[]).map(String),
  status: r.status,
  slackChannel: r.slack_channel,
  slackTs: r.slack_ts,
  decidedBy: r.decided_by,
  createdAt: r.created_at,
  origin: r.origin ?? null,
});

/** "language\0normalized" of every candidate ever stored: none is proposed twice. */
export async function storedCandidateKeys(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ language: string; normalized: string }>(
    'SELECT language, normalized FROM term_candidates',
  );
  return new Set(rows.map((r) => `${r.language}\u0000${r.normalized}`));
}

export async function candidatesOfRun(db: Queryable, runKey: string): Promise<TermCandidate[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM term_candidates WHERE run_key = $1 ORDER BY score DESC, id`,
    [runKey],
  );
  return rows.map(toCandidate);
}

/** Stores a run's candidates (call inside one transaction with the check that the run has none yet). */
export async function insertCandidates(
  db: Queryable,
  runKey: string,
  candidates: readonly NewTermCandidate[],
): Promise<void> {
  for (const c of candidates) {
    await db.query(
      `INSERT INTO term_candidates (run_key, language, term, normalized, form, score, positives, missed, negatives,
         positive_docs, negative_docs, examples, report_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (language, normalized) DO NOTHING`,
      [
        runKey,
        c.language,
        c.term,
        c.normalized,
        c.form,
        c.score,
        c.positives,
        c.missed,
        c.negatives,
        c.positiveDocs,
        c.negativeDocs,
        JSON.stringify(c.examples),
        c.reportIds,
      ],
    );
  }
}

export async function getCandidate(db: Queryable, id: string): Promise<TermCandidate | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM term_candidates WHERE id = $1`, [id]);
  return rows[0] ? toCandidate(rows[0]) : undefined;
}

export async function setCandidateMessage(
  db: Queryable,
  id: string,
  channel: string,
  ts: string,
): Promise<void> {
  await db.query('UPDATE term_candidates SET slack_channel = $2, slack_ts = $3 WHERE id = $1', [
    id,
    channel,
    ts,
  ]);
}

/** Moves a new candidate to accepted or dismissed; false when it was already decided. */
export async function decideCandidate(
  db: Queryable,
  id: string,
  status: 'accepted' | 'dismissed',
  by: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE term_candidates SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1 AND status = 'new'`,
    [id, status, by],
  );
  return rowCount === 1;
}

/** What a candidate is when it is shared: its counts, never its examples or the reports behind it. */
export interface SharedTermCandidate extends CandidateCounts {
  status: 'new' | 'accepted';
}

/**
 * The candidates this deployment mined and has not dismissed, for a share bundle. Candidates other
 * deployments shared are not passed on: each is offered by the deployment that mined it.
 */
export async function shareableCandidates(db: Queryable): Promise<SharedTermCandidate[]> {
  const { rows } = await db.query(
    `SELECT language, term, normalized, form, score, positives, missed, negatives, positive_docs, negative_docs,
       status FROM term_candidates WHERE origin IS NULL AND status IN ('new', 'accepted')
     ORDER BY language, normalized`,
  );
  return rows.map((r) => ({
    language: r.language,
    term: r.term,
    normalized: r.normalized,
    form: r.form,
    score: Number(r.score),
    positives: r.positives,
    missed: r.missed,
    negatives: r.negatives,
    positiveDocs: r.positive_docs,
    negativeDocs: r.negative_docs,
    status: r.status,
  }));
}

/**
 * Stores a candidate another deployment shared, as new, for this deployment's curators. A candidate already
 * stored here for the language and form (mined here, or shared before) is left as it is: null.
 */
export async function insertSharedCandidate(
  db: Queryable,
  c: SharedTermCandidate,
  from: string,
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO term_candidates (run_key, language, term, normalized, form, score, positives, missed, negatives,
       positive_docs, negative_docs, origin)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (language, normalized) DO NOTHING
     RETURNING id::text`,
    [
      `shared:${from}`,
      c.language,
      c.term,
      c.normalized,
      c.form,
      c.score,
      c.positives,
      c.missed,
      c.negatives,
      c.positiveDocs,
      c.negativeDocs,
      `shared by ${from}`,
    ],
  );
  return rows[0]?.id ?? null;
}

/** Shared candidates not yet on a curators' card, oldest first: the weekly run posts them. */
export async function unpostedSharedCandidates(db: Queryable): Promise<TermCandidate[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM term_candidates
     WHERE origin IS NOT NULL AND slack_ts IS NULL AND status = 'new' ORDER BY created_at, id`,
  );
  return rows.map(toCandidate);
}
