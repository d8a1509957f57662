// The inbox table (migration 0810): requests stored before they are acknowledged, until processed.
import type { Queryable } from './pool.ts';

export interface InboxRow {
  id: string;
  kind: string;
  payload: unknown;
  /** Leases taken, including tries cut short by a crash. */
  attempts: number;
  /** Tries that ended in an error: what the backoff grows with. */
  failures: number;
  receivedAt: Date;
}

interface Row {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  failures: number;
  received_at: Date;
}
const toRow = (r: Row): InboxRow => ({
  id: r.id,
  kind: r.kind,
  payload: r.payload,
  attempts: r.attempts,
  failures: r.failures,
  receivedAt: r.received_at,
});

/**
 * Stores an entry, leased to the caller for leaseMs. Returns undefined when the id is already there
 * (a redelivery) and whether that entry still waits for processing.
 */
export async function insertInboxEntry(
  db: Queryable,
  e: { id: string; kind: string; payload: unknown; leaseMs: number },
): Promise<{ created: boolean; pending: boolean }> {
  const inserted = await db.query(
    `INSERT INTO inbox (id, kind, payload, next_attempt_at)
     VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')
     ON CONFLICT (id) DO NOTHING`,
    [e.id, e.kind, JSON.stringify(e.payload), e.leaseMs],
  );
  if (inserted.rowCount) return { created: true, pending: true };
  const { rows } = await db.query<{ pending: boolean }>(
    'SELECT processed_at IS NULL AS pending FROM inbox WHERE id = $1',
    [e.id],
  );
  return { created: false, pending: rows[0]?.pending ?? false };
}

/**
 * Leases unprocessed entries of the given kinds, oldest first: those whose time has come, or every one
 * (start-up recovery, when no lease held by a crashed process should delay them).
 */
export async function claimInboxEntries(
  db: Queryable,
  o: { kinds: string[]; leaseMs: number; limit: number; ignoreSchedule: boolean; skip: string[] },
): Promise<InboxRow[]> {
  const { rows } = await db.query<Row>(
    `UPDATE inbox SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
     WHERE id IN (
       SELECT id FROM inbox
       WHERE processed_at IS NULL AND kind = ANY($1) AND ($3 OR next_attempt_at <= now())
         AND NOT (id = ANY($5))
       ORDER BY received_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
     RETURNING id, kind, payload, attempts, failures, received_at`,
    [o.kinds, o.leaseMs, o.ignoreSchedule, o.limit, o.skip],
  );
  return rows.map(toRow).sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
}

/** Another try later, after a failure that may pass (Temporal unreachable, say). */
export async function deferInboxEntry(db: Queryable, id: string, delayMs: number, error: string) {
  await db.query(
    `UPDATE inbox SET next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3,
       failures = failures + 1
     WHERE id = $1 AND processed_at IS NULL`,
    [id, delayMs, error.slice(0, 2000)],
  );
}

/** Done: the outcome is kept (and the payload replaced, to drop what is no longer needed). */
export async function completeInboxEntry(db: Queryable, id: string, outcome: unknown, payload?: unknown) {
  await db.query(
    `UPDATE inbox SET processed_at = now(), outcome = $2, last_error = NULL,
       payload = COALESCE($3::jsonb, payload)
     WHERE id = $1`,
    [id, JSON.stringify(outcome ?? null), payload === undefined ? null : JSON.stringify(payload)],
  );
}

export async function pendingInboxCount(db: Queryable, kinds?: string[]): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM inbox WHERE processed_at IS NULL AND ($1::text[] IS NULL OR kind = ANY($1))',
    [kinds ?? null],
  );
  return Number(rows[0]?.n ?? 0);
}
