// Policy versions in PostgreSQL: four-eyes approval, one active version, every step in the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_POLICY, BASE_POLICY_INPUT } from '../../../detectors/policy/framework.ts';
import { policySchema } from '../../../detectors/policy/schema.ts';
import { statementOfReasons } from '../../../detectors/policy/sor.ts';
import {
  activePolicyCache,
  listPolicyVersions,
  loadActivePolicy,
  proposePolicy,
  reviewPolicy,
  saveStatement,
  unsubmittedStatements,
} from '../../../detectors/policy/store.ts';
import { verifyAuditChain } from '../../../shared/db/audit.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FIXTURE_SPECIES } from './species-fixture.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const v = (version: string, platforms = {}) => ({
  ...BASE_POLICY_INPUT,
  species: FIXTURE_SPECIES,
  version,
  platforms,
});

describe('policy versions', () => {
  it('uses the base policy until a version is approved', async () => {
    expect((await loadActivePolicy(db.pool)).version).toBe(BASE_POLICY.version);
  });

  it('needs a second person to approve, then activates and audits the change', async () => {
    await proposePolicy(
      db.pool,
      v('2.0.0', { shop: { autoBlock: { enabled: true, minConfidence: 0.9 } } }),
      'alice',
      'shop opts in',
    );
    await expect(reviewPolicy(db.pool, '2.0.0', 'alice', 'approve')).rejects.toThrow(/second person/);
    expect((await loadActivePolicy(db.pool)).version).toBe(BASE_POLICY.version);
    const row = await reviewPolicy(db.pool, '2.0.0', 'bob', 'approve');
    expect(row).toMatchObject({ status: 'active', proposedBy: 'alice', reviewedBy: 'bob' });
    const active = await loadActivePolicy(db.pool);
    expect(active.version).toBe('2.0.0');
    expect(active.platforms.shop?.autoBlock).toEqual({ enabled: true, minConfidence: 0.9 });
    const { rows } = await db.pool.query(
      "SELECT actor, action, subject_id FROM audit_log WHERE subject_type = 'policy' ORDER BY seq",
    );
    expect(rows).toEqual([
      { actor: 'alice', action: 'policy.proposed', subject_id: '2.0.0' },
      { actor: 'bob', action: 'policy.approved', subject_id: '2.0.0' },
    ]);
    expect((await verifyAuditChain(db.pool)).firstBrokenSeq).toBeNull();
  });

  it('supersedes the previous version, rejects duplicates and invalid policies, and records rejections', async () => {
    await proposePolicy(db.pool, v('2.1.0'), 'carol');
    await expect(proposePolicy(db.pool, v('2.1.0'), 'carol')).rejects.toThrow(/already exists/);
    await expect(proposePolicy(db.pool, { ...v('2.2.0'), clauses: [] }, 'carol')).rejects.toThrow(
      /invalid policy/,
    );
    await reviewPolicy(db.pool, '2.1.0', 'dave', 'approve');
    await proposePolicy(db.pool, v('2.3.0'), 'erin');
    await reviewPolicy(db.pool, '2.3.0', 'frank', 'reject', 'too broad');
    await expect(reviewPolicy(db.pool, '2.3.0', 'frank', 'approve')).rejects.toThrow(/rejected/);
    const versions = await listPolicyVersions(db.pool);
    expect(versions.map((r) => [r.version, r.status])).toEqual([
      ['2.0.0', 'superseded'],
      ['2.1.0', 'active'],
      ['2.3.0', 'rejected'],
    ]);
    expect((await loadActivePolicy(db.pool)).version).toBe('2.1.0');
  });

  it('keeps each statement of reasons once, for export', async () => {
    const policy = policySchema.parse(v('x', { shop: { autoBlock: { enabled: true, minConfidence: 0.5 } } }));
    const statement = statementOfReasons(
      {
        decision: {
          verdict: 'block',
          clause: 'ivory-any-species',
          explanation: 'Ivory.',
          evidence: [
            { detector: 'keywords', kind: 'product', strength: 0.9, product: 'ivory', term: 'ivory' },
          ],
        },
        platformId: 'shop',
        listing: { externalId: 'e1', receivedAt: new Date('2026-01-01T00:00:00Z') },
        appliedAt: new Date('2026-01-02T00:00:00Z'),
        decidedBy: 'engine',
      },
      policy,
    )!;
    expect(await saveStatement(db.pool, statement, { platformId: 'shop', policyVersion: 'x' })).toBe(true);
    expect(await saveStatement(db.pool, statement, { platformId: 'shop', policyVersion: 'x' })).toBe(false);
    expect(await unsubmittedStatements(db.pool)).toEqual([statement]);
  });

  it('caches the active policy for the hot path and picks up an approved change after the TTL', async () => {
    let now = 0;
    const cache = activePolicyCache(db.pool, 30_000, () => now);
    const before = (await cache.get()).version;
    await proposePolicy(db.pool, v('9.0.0'), 'gina');
    await reviewPolicy(db.pool, '9.0.0', 'hal', 'approve');
    now = 10_000;
    expect((await cache.get()).version).toBe(before);
    now = 40_000;
    expect((await cache.get()).version).toBe('9.0.0');
  });
});
