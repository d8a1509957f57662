// Durable before acknowledged. Slack and Discord never deliver a request again once it is acknowledged, so
// a front end records it here first (one PostgreSQL insert, well inside their 3-second budgets), then
// acknowledges, then processes it. Processing that fails in a way that may pass (Temporal unreachable or
// slow, the process killed) leaves the entry pending; it is retried with backoff, and every pending entry
// is processed again when a process starts. Handlers must be idempotent: they pass the entry's id on as
// the Temporal update id (or another idempotency key), so applying an entry twice applies it once.
import type { z } from 'zod';
import {
  claimInboxEntries,
  completeInboxEntry,
  deferInboxEntry,
  type InboxRow,
  insertInboxEntry,
} from '../shared/db/inbox.ts';
import type { Pool } from '../shared/db/pool.ts';
import { log } from '../shared/logger.ts';

export interface InboxHandler<P, O> {
  /** Checks the stored payload (it crossed a process boundary, maybe a version boundary). */
  schema: z.ZodType<P>;
  /**
   * Applies the entry and returns its outcome, including a refusal. Throws only when a later try may
   * succeed: the entry is then retried.
   */
  apply(payload: P): Promise<O>;
  /** Tells the person the outcome (an ephemeral message, a refreshed view…). */
  tell(payload: P, outcome: O): Promise<void>;
  /** Tells the person their request is stored but could not be applied yet (called once). */
  delayed?(payload: P): Promise<void>;
  /** What to keep of the payload once processed (drop short-lived reply tokens, say). */
  redact?(payload: P): unknown;
}

export interface InboxJob {
  /** Processes the entry now; never throws (a failure leaves it for a retry). */
  run(): Promise<void>;
}

export interface Inbox {
  register<P, O>(kind: string, handler: InboxHandler<P, O>): void;
  /** Stores the request durably (once per id). Acknowledge only after this resolves, then run the job. */
  record(kind: string, id: string, payload: unknown): Promise<InboxJob>;
  /** Processes pending entries: those due, or all of them (recovery at start-up). */
  sweep(options?: { all?: boolean }): Promise<number>;
  /** Recovers every pending entry in the background, then sweeps every intervalMs until stopped. */
  start(): void;
  stop(): Promise<void>;
}

export interface InboxOptions {
  pool: Pool;
  /** How often pending entries are retried. */
  intervalMs?: number;
  /** A try that takes longer is abandoned and retried later (the use case itself is idempotent). */
  attemptTimeoutMs?: number;
  /** How long a try holds its entry before another process may take it. */
  leaseMs?: number;
  /** Longest wait between tries. */
  maxBackoffMs?: number;
  /** How long stop() waits for entries being processed; the rest stay pending for the next start. */
  stopGraceMs?: number;
}

const NO_JOB: InboxJob = { run: async () => {} };

class AttemptTimeout extends Error {}

export function createInbox(opts: InboxOptions): Inbox {
  const { pool } = opts;
  const intervalMs = opts.intervalMs ?? 5_000;
  const attemptTimeoutMs = opts.attemptTimeoutMs ?? 20_000;
  const leaseMs = opts.leaseMs ?? attemptTimeoutMs * 3;
  const maxBackoffMs = opts.maxBackoffMs ?? 5 * 60_000;
  const stopGraceMs = opts.stopGraceMs ?? 2_000;
  const handlers = new Map<string, InboxHandler<unknown, unknown>>();
  /** Entries this process is working on: a sweep leaves them alone. */
  const inFlight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<number> | undefined;
  let stopped = false;

  const withTimeout = <T>(p: Promise<T>): Promise<T> => {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      t = setTimeout(
        () => reject(new AttemptTimeout(`no answer within ${attemptTimeoutMs} ms`)),
        attemptTimeoutMs,
      );
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(t));
  };

  async function processEntry(row: InboxRow): Promise<void> {
    const handler = handlers.get(row.kind);
    if (!handler) return;
    const parsed = handler.schema.safeParse(row.payload);
    if (!parsed.success) {
      // Nothing will ever make this entry valid: keep it, marked, for a person to look at.
      log.error('inbox entry is malformed; not processed', { id: row.id, kind: row.kind });
      await completeInboxEntry(pool, row.id, { malformed: parsed.error.issues.slice(0, 5) });
      return;
    }
    const payload = parsed.data;
    let outcome: unknown;
    try {
      outcome = await withTimeout(handler.apply(payload));
    } catch (err) {
      // 1 s after the first failure, doubling with each one after: tries a crash cut short do not count.
      const delay = Math.min(maxBackoffMs, 1000 * 2 ** Math.min(row.failures, 20));
      log.warn('inbox entry not applied yet; will retry', {
        id: row.id,
        kind: row.kind,
        attempts: row.attempts,
        failures: row.failures + 1,
        retryInMs: delay,
        error: err,
      });
      await deferInboxEntry(pool, row.id, delay, err instanceof Error ? err.message : String(err));
      if (row.failures === 0 && handler.delayed) {
        await handler
          .delayed(payload)
          .catch((e: unknown) => log.warn('inbox: delay notice failed', { error: e }));
      }
      return;
    }
    // Tell before marking done: a crash in between tells twice rather than never.
    await handler
      .tell(payload, outcome)
      .catch((err: unknown) => log.warn('inbox: could not tell the outcome', { id: row.id, error: err }));
    await completeInboxEntry(pool, row.id, outcome, handler.redact?.(payload));
  }

  /** Runs one entry at a time per id in this process; errors (the database gone) are logged. */
  function track(row: InboxRow): Promise<void> {
    const existing = inFlight.get(row.id);
    if (existing) return existing;
    const p = processEntry(row)
      .catch((err: unknown) =>
        // After stop() the pool may be gone: the entry simply stays pending for the next start.
        (stopped ? log.info : log.error)('inbox entry failed', { id: row.id, kind: row.kind, error: err }),
      )
      .finally(() => inFlight.delete(row.id));
    inFlight.set(row.id, p);
    return p;
  }

  async function sweep(options: { all?: boolean } = {}): Promise<number> {
    let done = 0;
    for (;;) {
      const kinds = [...handlers.keys()];
      if (kinds.length === 0 || stopped) return done;
      const rows = await claimInboxEntries(pool, {
        kinds,
        leaseMs,
        limit: 50,
        ignoreSchedule: options.all ?? false,
        skip: [...inFlight.keys()],
      });
      // In order of arrival: two clicks on one case are applied as they were made.
      for (const row of rows) await track(row);
      done += rows.length;
      if (rows.length < 50 || options.all) return done;
    }
  }

  const guardedSweep = (options: { all?: boolean } = {}) => {
    if (sweeping) return sweeping;
    sweeping = sweep(options)
      .catch((err: unknown) => {
        log.warn('inbox sweep failed', { error: err });
        return 0;
      })
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  };

  return {
    register(kind, handler) {
      handlers.set(kind, handler as InboxHandler<unknown, unknown>);
    },
    async record(kind, id, payload) {
      if (!handlers.has(kind)) throw new Error(`no inbox handler for ${kind}`);
      const stored = await insertInboxEntry(pool, { id, kind, payload, leaseMs });
      if (!stored.pending) return NO_JOB;
      const row: InboxRow = { id, kind, payload, attempts: 1, failures: 0, receivedAt: new Date() };
      return { run: () => track(row) };
    },
    sweep: (options) => guardedSweep(options),
    start() {
      if (timer || stopped) return;
      void guardedSweep({ all: true });
      timer = setInterval(() => void guardedSweep(), intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      let t: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => {
        t = setTimeout(resolve, stopGraceMs);
      });
      await Promise.race([Promise.all([sweeping, ...inFlight.values()]), grace]);
      clearTimeout(t);
    },
  };
}
