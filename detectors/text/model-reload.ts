// Live model switching: every process that screens (API, worker) follows the latest activation in
// scorer_model_activations. A trigger sends NOTIFY wild_sentinel_scorer_model when one commits (migration
// 0850), heard on a dedicated LISTEN connection; a slow poll covers notifications lost while that
// connection was down. The new model is loaded and swapped in with one assignment (setActiveModel).
import pg from 'pg';
import type { Queryable } from '../../shared/db/pool.ts';
import { activeScorerVersion, getScorerModel } from './model-store.ts';
import { type ScorerModel, setActiveModel } from './scorer-model.ts';

export const SCORER_MODEL_CHANNEL = 'wild_sentinel_scorer_model';

export interface ScorerWatchOptions {
  /** Open a LISTEN connection to this database; without it, only the poll runs. */
  listenUrl?: string;
  /** Poll interval, a safety net behind LISTEN (default 60 s). */
  intervalMs?: number;
  onReload?: (model: ScorerModel | null) => void;
  onError?: (error: unknown) => void;
}

export interface ScorerWatch {
  /** Checks now; resolves once the active model of the database is this process's. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

export function watchScorerModel(db: Queryable, options: ScorerWatchOptions = {}): ScorerWatch {
  let seen = -1; // the activation this process runs on (-1: none read yet)
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let listener: pg.Client | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const load = async () => {
    const latest = await activeScorerVersion(db);
    const seq = latest?.seq ?? 0;
    if (seq === seen) return;
    const model = latest?.version ? await getScorerModel(db, latest.version) : null;
    if (stopped) return;
    setActiveModel(model);
    seen = seq;
    options.onReload?.(model);
  };
  // One check at a time; a notification during a check runs one more after it.
  const check = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = load()
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          void check();
        }
      });
    return running;
  };
  const poll = () => {
    timer = setTimeout(() => {
      void check().finally(() => {
        if (!stopped) poll();
      });
    }, options.intervalMs ?? 60_000);
  };
  const listen = async () => {
    if (!options.listenUrl || stopped) return;
    const client = new pg.Client({ connectionString: options.listenUrl });
    listener = client;
    const lost = (err?: unknown) => {
      if (listener !== client) return;
      listener = undefined;
      void client.end().catch(() => {});
      if (err !== undefined) options.onError?.(err);
      if (!stopped) setTimeout(() => void listen(), 1_000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel === SCORER_MODEL_CHANNEL) void check();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SCORER_MODEL_CHANNEL}`);
      void check(); // what was activated while nobody listened
    } catch (err) {
      lost(err);
    }
  };
  void check();
  void listen();
  poll();
  return {
    check,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const client = listener;
      listener = undefined;
      if (client) await client.end().catch(() => {});
      await running;
    },
  };
}
