import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/evidence.ts';
import { appendAudit } from '../../../shared/db/audit.ts';
import { caseIdFor, openCase } from '../../../shared/db/cases.ts';
import { insertDetection, upsertListing } from '../../../shared/db/listings.ts';
import { createPlatform } from '../../../shared/db/platforms.ts';
import type { EvidencePack } from '../../../workflows/use-cases/evidence-pack.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

describe('wild-sentinel evidence', () => {
  let db: TestDatabase;
  const caseId = caseIdFor('shop', 'E-1');
  beforeAll(async () => {
    db = await createTestDatabase();
    vi.stubEnv('DATABASE_URL', db.url);
    await createPlatform(db.pool, { id: 'shop', name: 'Shop' });
    const row = await upsertListing(db.pool, 'shop', {
      externalId: 'E-1',
      title: 'Pangolin scales </td><script>alert(1)</script>',
      description: 'scales "for medicine" & more',
      imageUrls: ['https://shop.example/p.jpg'],
    });
    await insertDetection(db.pool, row.id, 'screening', {
      verdict: 'review',
      score: 0.9,
      clause: 'cites-appendix-i',
      explanation: 'Appendix I product',
      evidence: [
        {
          detector: 'image',
          kind: 'image-match',
          strength: 0.95,
          species: 'pangolin',
          term: 'a1b2c3',
          detail: 'distance 9',
        },
      ],
    });
    await openCase(db.pool, { id: caseId, listingId: row.id, verdict: 'review' });
    await db.pool.query(
      "INSERT INTO reviews (case_id, reviewer, decision, action, reason) VALUES ($1, 'U1', 'approve', 'remove_listing', '<b>clear</b>')",
      [caseId],
    );
    await appendAudit(db.pool, {
      actor: 'slack:U1',
      action: 'case.approved',
      subjectType: 'case',
      subjectId: caseId,
    });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await db.drop();
  });

  it('writes the pack as JSON: snapshot, image hashes, decisions with actors and times, audit trail', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ws-evidence-')), 'pack.json');
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await run([caseId, '--out', out])).toBe(0);
    const pack = JSON.parse(readFileSync(out, 'utf8')) as EvidencePack;
    expect((pack.listing.snapshot as { title: string }).title).toContain('<script>');
    expect(pack.imageHashes).toEqual([
      { detector: 'image', hash: 'a1b2c3', species: 'pangolin', detail: 'distance 9' },
    ]);
    expect(pack.case.decisions).toEqual([
      expect.objectContaining({
        reviewer: 'U1',
        decision: 'approve',
        action: 'remove_listing',
        at: expect.any(String),
      }),
    ]);
    expect(pack.audit.map((a) => [a.actor, a.action])).toEqual([['slack:U1', 'case.approved']]);
    expect(pack.auditChain.intact).toBe(true);
    const { rows } = await db.pool.query("SELECT actor FROM audit_log WHERE action = 'evidence.exported'");
    expect(rows[0].actor).toMatch(/^cli:/);
  });

  it('renders readable HTML in which every stored value is escaped', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ws-evidence-')), 'pack.html');
    expect(await run([caseId, '--html', '--out', out])).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>clear</b>');
    expect(html).toContain('Pangolin scales &lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('scales &quot;for medicine&quot; &amp; more');
    expect(html).toContain('a1b2c3');
  });

  it('answers usage errors and unknown cases with a non-zero code', async () => {
    expect(await run([])).toBe(2);
    expect(await run(['case-000000000000000000000000'])).toBe(1);
  });
});
