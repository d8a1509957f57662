import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { log } from '../logger.ts';

// numeric and bigint columns arrive as strings by default; ids stay strings, prices become numbers.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export type Pool = pg.Pool;
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export interface PoolOptions {
  max?: number;
  /** A statement running longer fails instead of holding its connection (0: no limit, for batch jobs). */
  statementTimeoutMs?: number;
}

/** The pool whose transaction the current async context is inside (see inTransaction). */
const openTransaction = new AsyncLocalStorage<pg.Pool>();

/**
 * Taking a second connection from the pool while holding one in a transaction can deadlock (the pool
 * may be exhausted by such holders, or the second query may wait on the first's locks). Tests fail
 * loudly on it; a running system logs it.
 */
class SecondConnectionInTransaction extends Error {
  constructor() {
    super('a second pool connection was requested inside a transaction: pass the transaction client instead');
  }
}

function checkNotInTransaction(pool: pg.Pool): void {
  if (openTransaction.getStore() !== pool) return;
  const err = new SecondConnectionInTransaction();
  if (process.env.VITEST) throw err;
  log.warn(err.message, { stack: err.stack });
}

export function createPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const statementTimeout = options.statementTimeoutMs ?? 60_000;
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    // A stuck query or a forgotten transaction fails instead of freezing the process.
    ...(statementTimeout ? { statement_timeout: statementTimeout } : {}),
    idle_in_transaction_session_timeout: 60_000,
    connectionTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  const connect = pool.connect.bind(pool);
  pool.connect = ((...args: Parameters<typeof connect>) => {
    checkNotInTransaction(pool);
    return connect(...args);
  }) as typeof pool.connect;
  return pool;
}

/** Runs fn inside a transaction on one client; fn must do all its I/O through that client. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await openTransaction.run(pool, () => fn(client));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
