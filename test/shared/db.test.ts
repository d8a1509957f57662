import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../../shared/db/audit.ts';
import { migrate, readMigrations } from '../../shared/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('migrations and the audit log', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('applies every migration once and records it', async () => {
    const { rows } = await db.pool.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
    expect(await migrate(db.pool)).toEqual([]);
  });

  it('creates the core tables', async () => {
    const { rows } = await db.pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const names = rows.map((r) => r.table_name);
    for (const t of [
      'platforms',
      'listings',
      'detections',
      'cases',
      'reviews',
      'takedowns',
      'reports',
      'volunteers',
      'keyword_library_versions',
      'campaigns',
      'audit_log',
    ]) {
      expect(names).toContain(t);
    }
  });

  it('chains audit rows and refuses to change or delete them', async () => {
    await appendAudit(db.pool, { actor: 'U1', action: 'case.opened', subjectType: 'case', subjectId: 'c1' });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        appendAudit(db.pool, {
          actor: `U${i}`,
          action: 'case.viewed',
          subjectType: 'case',
          subjectId: 'c1',
          details: { i },
        }),
      ),
    );
    expect(await verifyAuditChain(db.pool)).toEqual({ rows: 11, firstBrokenSeq: null });
    await expect(db.pool.query("UPDATE audit_log SET actor = 'mallory'")).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(db.pool.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });

  it('detects a row rewritten behind the triggers', async () => {
    await db.pool.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
    await db.pool.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3");
    await db.pool.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
    expect((await verifyAuditChain(db.pool)).firstBrokenSeq).toBe(3);
  });
});
