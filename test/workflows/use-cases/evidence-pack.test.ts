// The evidence pack holds every version of the listing, the flagged one as its decision basis; the pack a
// platform gets leaves out reviewers' internals, as GET /v1/cases/:id does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../shared/db/audit.ts';
import { openCase } from '../../../shared/db/cases.ts';
import { insertDetection, upsertListing } from '../../../shared/db/listings.ts';
import { createPlatform } from '../../../shared/db/platforms.ts';
import { addCaseNote } from '../../../shared/db/review.ts';
import { listingInputSchema } from '../../../shared/listing.ts';
import { buildEvidencePack, renderEvidenceHtml } from '../../../workflows/use-cases/evidence-pack.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

describe('evidence pack of an edited listing', () => {
  let db: TestDatabase;
  const caseId = 'case-pack-1';
  const ivory = listingInputSchema.parse({ externalId: 'P-1', title: 'Ivory <b>bangle</b>', price: 300 });
  beforeAll(async () => {
    db = await createTestDatabase();
    await createPlatform(db.pool, { id: 'shop', name: 'Shop' });
    const v1 = await upsertListing(db.pool, 'shop', ivory);
    await insertDetection(db.pool, v1.id, 'screening', {
      verdict: 'review',
      score: 0.9,
      clause: 'cites-appendix-i',
      explanation: 'ivory',
      evidence: [],
    });
    await openCase(db.pool, { id: caseId, listingId: v1.id, verdict: 'review' });
    await upsertListing(db.pool, 'shop', { ...ivory, title: 'Blue cotton <i>scarf</i>', price: 12 });
    await addCaseNote(db.pool, {
      caseId,
      author: 'U1',
      note: 'seller is a repeat offender',
      requestId: 'n1',
    });
    await appendAudit(db.pool, {
      actor: 'slack:U2',
      action: 'case.claimed',
      subjectType: 'case',
      subjectId: caseId,
    });
  });
  afterAll(() => db.drop());

  it('holds every version as received, with the flagged one as the listing', async () => {
    const pack = (await buildEvidencePack(db.pool, caseId, 'cli:test'))!;
    expect(pack.format).toBe('wild-sentinel-evidence-pack/2');
    expect(pack.listing).toMatchObject({ version: 1, title: 'Ivory <b>bangle</b>', price: 300 });
    expect((pack.listing.snapshot as { title: string }).title).toBe('Ivory <b>bangle</b>');
    expect(
      pack.versions.map((v) => [v.version, v.flagged, v.verdict, (v.snapshot as { title: string }).title]),
    ).toEqual([
      [1, true, 'review', 'Ivory <b>bangle</b>'],
      [2, false, null, 'Blue cotton <i>scarf</i>'],
    ]);
    expect(pack.versions[0]!.snapshotSha256).toBe(pack.listing.snapshotSha256);
    expect(pack.versions[1]!.snapshotSha256).not.toBe(pack.listing.snapshotSha256);
    // Internal packs keep reviewers' notes.
    expect(pack.case.notes?.map((n) => n.note)).toEqual(['seller is a repeat offender']);
    expect(pack.audit.map((a) => a.action)).toEqual(['case.note_added', 'case.claimed']);
    const html = renderEvidenceHtml(pack);
    expect(html).toContain('Blue cotton &lt;i&gt;scarf&lt;/i&gt;');
    expect(html).toContain('Version 2 as received');
    expect(html).not.toContain('<i>scarf');
    expect(html).toContain('seller is a repeat offender');
  });

  it("leaves reviewers' notes, claims and their audit entries out of the platform's pack", async () => {
    const pack = (await buildEvidencePack(db.pool, caseId, 'platform:shop', { audience: 'platform' }))!;
    expect(pack.audience).toBe('platform');
    expect(pack.versions).toHaveLength(2);
    expect(pack.case).not.toHaveProperty('notes');
    expect(pack.case).not.toHaveProperty('claimedBy');
    expect(pack.case).not.toHaveProperty('reports');
    expect(pack.audit.map((a) => a.action)).not.toContain('case.note_added');
    expect(pack.audit.map((a) => a.action)).not.toContain('case.claimed');
    expect(JSON.stringify(pack)).not.toContain('repeat offender');
    expect(renderEvidenceHtml(pack)).not.toContain('repeat offender');
    expect(renderEvidenceHtml(pack)).not.toContain('<h2>Notes</h2>');
  });
});
