// The pool's guard rails: no second connection inside a transaction (it can deadlock once the pool is
// exhausted), and statements that run too long fail instead of holding their connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, inTransaction } from '../../shared/db/pool.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('the database pool', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db.drop());

  it('refuses a second pool connection inside a transaction, and rolls the transaction back', async () => {
    await db.pool.query('CREATE TABLE guarded (n int)');
    await expect(
      inTransaction(db.pool, async (tx) => {
        await tx.query('INSERT INTO guarded VALUES (1)');
        await db.pool.query('SELECT 1');
      }),
    ).rejects.toThrow(/second pool connection was requested inside a transaction/);
    await expect(
      inTransaction(db.pool, async () => {
        await inTransaction(db.pool, async () => undefined);
      }),
    ).rejects.toThrow(/second pool connection/);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM guarded')).rows).toEqual([{ n: 0 }]);
  });

  it('allows the pool again once the transaction is over, and work on the transaction client', async () => {
    const n = await inTransaction(db.pool, async (tx) => (await tx.query('SELECT 2 AS n')).rows[0].n);
    expect(n).toBe(2);
    expect((await db.pool.query('SELECT 3 AS n')).rows).toEqual([{ n: 3 }]);
  });

  it('cancels a statement that runs past the timeout', async () => {
    const pool = createPool(db.url, { max: 1, statementTimeoutMs: 200 });
    try {
      await expect(pool.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
      expect((await pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
