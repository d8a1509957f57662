import type { Queryable } from './pool.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

/** Appends one row; the database assigns its sequence number, time and chain hash. */
export async function appendAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(
    'INSERT INTO audit_log (actor, action, subject_type, subject_id, details) VALUES ($1, $2, $3, $4, $5)',
    [entry.actor, entry.action, entry.subjectType, entry.subjectId, JSON.stringify(entry.details ?? {})],
  );
}

export interface ChainCheck {
  rows: number;
  firstBrokenSeq: number | null;
}

/** Recomputes every row's hash and link in the database, with the same function that wrote them. */
export async function verifyAuditChain(db: Queryable): Promise<ChainCheck> {
  const { rows } = await db.query<{ rows: string; first_broken: string | null }>(`
    WITH checked AS (
      SELECT seq,
             hash = audit_log_hash(prev_hash, at, actor, action, subject_type, subject_id, details) AS hash_ok,
             prev_hash = coalesce(lag(hash) OVER (ORDER BY seq), repeat('0', 64)) AS link_ok,
             seq = row_number() OVER (ORDER BY seq) AS seq_ok
      FROM audit_log)
    SELECT count(*) AS rows, min(seq) FILTER (WHERE NOT (hash_ok AND link_ok AND seq_ok)) AS first_broken
    FROM checked`);
  const row = rows[0]!;
  return {
    rows: Number(row.rows),
    firstBrokenSeq: row.first_broken === null ? null : Number(row.first_broken),
  };
}
