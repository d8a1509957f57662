// The queries behind the numbers: a Queryable that records each statement it runs under a label, so a
// report can show, for every number, the SQL and parameters that produced it (`report --explain`).
import type { Queryable } from '../db/pool.ts';

export interface TracedQuery {
  label: string;
  sql: string;
  params: unknown[];
}

/** db itself without a log; with one, the same connection recording every query under `label`. */
export function traced(db: Queryable, label: string, log: TracedQuery[] | undefined): Queryable {
  if (!log) return db;
  const query = (sql: string | { text: string }, params?: unknown[]) => {
    log.push({ label, sql: typeof sql === 'string' ? sql : sql.text, params: params ?? [] });
    return (db.query as (s: unknown, p?: unknown[]) => Promise<unknown>)(sql, params);
  };
  return { query } as unknown as Queryable;
}
