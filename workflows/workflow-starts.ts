// Workflow starts owed, kept in PostgreSQL until Temporal has them (migration 0960): a transactional
// outbox. Ingest records the start in the transaction that stores a flagged listing; after the commit the
// caller starts it at once (a single listing, whose answer follows its start) or leaves it to the
// dispatcher (a batch, whose answer needs only the commit). The dispatcher runs in every process of the
// system and also starts what a killed process or an unreachable Temporal left behind.
// Rows are leased (FOR UPDATE SKIP LOCKED), so two dispatchers never take one row at once. A row started
// twice all the same (a crash after the start, before the delete) starts one workflow: USE_EXISTING keeps
// a running one, and REJECT_DUPLICATE refuses to run a finished one again.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { forEachLimit } from '../shared/concurrency.ts';
import type { Pool, Queryable } from '../shared/db/pool.ts';
import { log } from '../shared/logger.ts';

export interface OwedStart {
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  args: unknown[];
}

/** A row crossed a process (and maybe a version) boundary: check it before starting anything from it. */
const rowSchema = z.object({
  workflow_id: z.string().min(1),
  workflow_type: z.string().min(1),
  task_queue: z.string().min(1),
  args: z.array(z.unknown()),
  failures: z.number().int(),
});

/** How long a process that records a start holds it for its own immediate start before a dispatcher may. */
export const OWN_START_LEASE_MS = 30_000;
const MAX_BACKOFF_MS = 60_000;

/**
 * Records a start owed, inside the caller's transaction. `leaseMs` keeps dispatchers off it while the
 * caller starts it itself after the commit; 0 leaves it to them at once.
 */
export async function recordOwedStart(db: Queryable, start: OwedStart, leaseMs: number): Promise<void> {
  await recordOwedStarts(db, [start], leaseMs);
}

/** Records several starts owed in one statement (a batch's deep screenings). */
export async function recordOwedStarts(
  db: Queryable,
  starts: readonly OwedStart[],
  leaseMs: number,
): Promise<void> {
  await db.query(
    `INSERT INTO workflow_starts (workflow_id, workflow_type, task_queue, args, next_attempt_at)
     SELECT id, type, queue, args::jsonb, now() + $5 * interval '1 millisecond'
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, type, queue, args)
     ON CONFLICT (workflow_id) DO NOTHING`,
    [
      starts.map((s) => s.workflowId),
      starts.map((s) => s.workflowType),
      starts.map((s) => s.taskQueue),
      starts.map((s) => JSON.stringify(s.args)),
      leaseMs,
    ],
  );
}

/**
 * Starts an owed workflow and deletes its row. Never throws: a start that fails is tried again later by a
 * dispatcher (after a backoff that grows with the failures), and answers false.
 */
export async function startOwed(
  pool: Pool,
  temporal: Client,
  start: OwedStart,
  failures = 0,
): Promise<boolean> {
  try {
    await temporal.workflow.start(start.workflowType, {
      workflowId: start.workflowId,
      taskQueue: start.taskQueue,
      args: start.args,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
      const delayMs = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures, 16));
      log.warn('workflow not started yet; will retry', {
        workflowId: start.workflowId,
        retryInMs: delayMs,
        error: String(err),
      });
      await pool
        .query(
          `UPDATE workflow_starts SET failures = failures + 1, last_error = $2,
             next_attempt_at = now() + $3 * interval '1 millisecond'
           WHERE workflow_id = $1`,
          [start.workflowId, String(err).slice(0, 2000), delayMs],
        )
        .catch((e: unknown) => log.warn('could not defer a workflow start', { error: String(e) }));
      return false;
    }
  }
  // A delete that fails leaves the row: the next start of it finds the workflow and deletes it then.
  await pool
    .query('DELETE FROM workflow_starts WHERE workflow_id = $1', [start.workflowId])
    .catch((e: unknown) => log.warn('could not clear a started workflow', { error: String(e) }));
  return true;
}

export interface StartDispatcher {
  /** Starts what is due now, without waiting for the next tick (a batch has just committed its starts). */
  poke(): void;
  /** Starts every row that is due; resolves with how many were taken. */
  drain(): Promise<number>;
  /** Drains every intervalMs until stopped. */
  start(): void;
  stop(): Promise<void>;
}

export interface StartDispatcherOptions {
  pool: Pool;
  temporal: Client;
  /** How often rows left by others (a killed process, a failed start) are looked for. */
  intervalMs?: number;
  /** How long a dispatcher holds the rows it took before another may take them. */
  leaseMs?: number;
  /** Rows taken at once. */
  batchSize?: number;
  /** Starts in flight at once. */
  concurrency?: number;
}

export function createStartDispatcher(opts: StartDispatcherOptions): StartDispatcher {
  const { pool, temporal } = opts;
  const intervalMs = opts.intervalMs ?? 1000;
  const leaseMs = opts.leaseMs ?? 60_000;
  const batchSize = opts.batchSize ?? 200;
  const concurrency = opts.concurrency ?? 32;
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  /** Leases the rows that are due; answers how many, and the valid ones. */
  async function claim(): Promise<{ claimed: number; valid: z.infer<typeof rowSchema>[] }> {
    const { rows } = await pool.query(
      `UPDATE workflow_starts SET next_attempt_at = now() + $1 * interval '1 millisecond'
       WHERE workflow_id IN (
         SELECT workflow_id FROM workflow_starts WHERE next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING workflow_id, workflow_type, task_queue, args, failures`,
      [leaseMs, batchSize],
    );
    const valid: z.infer<typeof rowSchema>[] = [];
    for (const row of rows as { workflow_id: string }[]) {
      const parsed = rowSchema.safeParse(row);
      if (parsed.success) valid.push(parsed.data);
      else await setAside(row.workflow_id);
    }
    return { claimed: rows.length, valid };
  }

  /** Nothing will make a malformed row valid: it stays, never due, for a person to look at. */
  async function setAside(workflowId: string): Promise<void> {
    log.error('malformed row in workflow_starts; set aside', { workflowId });
    await pool.query(
      `UPDATE workflow_starts SET next_attempt_at = 'infinity', last_error = 'malformed' WHERE workflow_id = $1`,
      [workflowId],
    );
  }

  async function drainAll(): Promise<number> {
    let taken = 0;
    for (;;) {
      if (stopped) return taken;
      const { claimed, valid } = await claim();
      taken += valid.length;
      await forEachLimit(valid, concurrency, async (r) => {
        await startOwed(
          pool,
          temporal,
          { workflowId: r.workflow_id, workflowType: r.workflow_type, taskQueue: r.task_queue, args: r.args },
          r.failures,
        );
      });
      if (claimed < batchSize) return taken;
    }
  }

  function drain(): Promise<number> {
    if (draining) {
      again = true;
      return draining;
    }
    again = false;
    draining = drainAll()
      .catch((err: unknown) => {
        (stopped ? log.info : log.warn)('workflow start dispatch failed', { error: String(err) });
        return 0;
      })
      .finally(() => {
        draining = undefined;
        if (again && !stopped) void drain();
      });
    return draining;
  }

  return {
    poke: () => void drain(),
    drain,
    start() {
      if (timer || stopped) return;
      void drain();
      timer = setInterval(() => void drain(), intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await draining;
    },
  };
}
