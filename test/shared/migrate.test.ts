import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../shared/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('migration runner', () => {
  let db: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'ws-migrations-'));
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db.drop());

  it('applies pending migrations in order, once, even when started concurrently', async () => {
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (id int PRIMARY KEY);');
    writeFileSync(join(dir, '0002_b.sql'), 'CREATE TABLE b (id int REFERENCES a(id));');
    writeFileSync(join(dir, 'README.md'), 'not a migration');
    const results = await Promise.all([migrate(db.pool, dir), migrate(db.pool, dir)]);
    expect(results.flat().sort()).toEqual(['0001', '0002']);
    expect(await migrate(db.pool, dir)).toEqual([]);
  });

  it('rolls back a failing migration and names it', async () => {
    writeFileSync(join(dir, '0003_bad.sql'), 'CREATE TABLE c (id int); SELECT no_such_function();');
    await expect(migrate(db.pool, dir)).rejects.toThrow(/0003_bad failed/);
    const { rows } = await db.pool.query("SELECT to_regclass('c') AS t");
    expect(rows[0].t).toBeNull();
  });

  it('refuses to run when an applied migration was edited', async () => {
    writeFileSync(join(dir, '0003_bad.sql'), 'CREATE TABLE c (id int);');
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (id bigint PRIMARY KEY);');
    await expect(migrate(db.pool, dir)).rejects.toThrow(/0001_a was changed/);
  });
});
