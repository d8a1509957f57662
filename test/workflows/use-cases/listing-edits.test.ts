// A seller edits a flagged listing: the new version is stored and screened, the case keeps the version
// it was flagged on, and the edit is in the case's audit trail. Real PostgreSQL and Temporal server (the
// screening workflows it starts wait on a queue no worker polls: only what ingest stores is checked).
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BASE_POLICY_INPUT, type Policy, policySchema } from '../../../detectors/policy/index.ts';
import { caseIdFor, openCase } from '../../../shared/db/cases.ts';
import { createPlatform } from '../../../shared/db/platforms.ts';
import { ensureReportedListing } from '../../../shared/db/reports.ts';
import { listingInputSchema } from '../../../shared/listing.ts';
import { loadCaseView } from '../../../workflows/use-cases/case-view.ts';
import { ingestListing } from '../../../workflows/use-cases/ingest-listing.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

describe('ingest: a listing sent again', () => {
  let db: TestDatabase;
  let connection: Connection;
  let policy: Policy;
  beforeAll(async () => {
    db = await createTestDatabase();
    connection = await Connection.connect({ address: inject('temporalAddress') });
    await createPlatform(db.pool, { id: 'shop', name: 'Shop' });
    policy = policySchema.parse(BASE_POLICY_INPUT);
  });
  afterAll(async () => {
    await connection.close();
    await db.drop();
  });
  const deps = () => ({
    pool: db.pool,
    temporal: new Client({ connection }),
    taskQueue: `edits-${Date.now()}`,
    policy: async () => policy,
  });
  const ingest = (l: Record<string, unknown>) => ingestListing(deps(), 'shop', listingInputSchema.parse(l));
  const audit = async (caseId: string) =>
    (
      await db.pool.query<{ action: string; details: Record<string, unknown> }>(
        "SELECT action, details FROM audit_log WHERE subject_type = 'case' AND subject_id = $1 ORDER BY seq",
        [caseId],
      )
    ).rows;
  const ivory = {
    externalId: 'E-1',
    title: 'Carved ivory bangle',
    description: 'Genuine ivory, old stock, DM me',
    price: 300,
    currency: 'USD',
  };

  it('cannot launder a flagged listing: the case keeps its snapshot and records the edit', async () => {
    const first = await ingest(ivory);
    expect(first.decision.verdict).not.toBe('allow');
    expect(first.version).toBe(1);
    const caseId = first.caseId!;

    const scarf = await ingest({
      ...ivory,
      title: 'Blue cotton scarf',
      description: 'Soft cotton',
      price: 12,
    });
    expect(scarf.decision.verdict).toBe('allow');
    expect(scarf).toMatchObject({ created: false, version: 2, caseId });

    const view = (await loadCaseView(db.pool, caseId))!;
    expect(view.listing).toMatchObject({ version: 1, title: 'Carved ivory bangle', price: 300 });
    expect(view.detection?.verdict).not.toBe('allow');
    expect(view.versions.map((v) => [v.version, v.title, v.verdict])).toEqual([
      [1, 'Carved ivory bangle', first.decision.verdict],
      [2, 'Blue cotton scarf', 'allow'],
    ]);
    const entries = await audit(caseId);
    expect(entries.map((e) => e.action)).toEqual(['case.opened', 'listing.edited']);
    expect(entries[1]!.details).toMatchObject({
      flaggedVersion: 1,
      version: 2,
      caseStatus: 'open',
      verdict: 'allow',
      changes: [
        { field: 'title', before: 'Carved ivory bangle', after: 'Blue cotton scarf' },
        { field: 'description', before: 'Genuine ivory, old stock, DM me', after: 'Soft cotton' },
        { field: 'price', before: '300 USD', after: '12 USD' },
      ],
    });

    // Sending the scarf again changes nothing: no version, no audit entry.
    const again = await ingest({
      ...ivory,
      title: 'Blue cotton scarf',
      description: 'Soft cotton',
      price: 12,
    });
    expect(again).toMatchObject({ version: 2, caseId });
    expect((await audit(caseId)).map((e) => e.action)).toEqual(['case.opened', 'listing.edited']);
  });

  it('adds a flagged new version as evidence without moving the case off its snapshot', async () => {
    const first = await ingest({ ...ivory, externalId: 'E-2' });
    const horn = await ingest({
      ...ivory,
      externalId: 'E-2',
      title: 'Rhino horn cup',
      description: 'real horn',
    });
    expect(horn.decision.verdict).not.toBe('allow');
    expect(horn.caseId).toBe(first.caseId);
    const view = (await loadCaseView(db.pool, first.caseId!))!;
    expect(view.listing.title).toBe('Carved ivory bangle');
    expect(view.versions.map((v) => v.verdict)).toEqual([first.decision.verdict, horn.decision.verdict]);
    expect(view.detections.filter((d) => d.version === 2).flatMap((d) => d.evidence).length).toBeGreaterThan(
      0,
    );
    const edited = (await audit(first.caseId!)).at(-1)!;
    expect(edited).toMatchObject({ action: 'listing.edited', details: { verdict: horn.decision.verdict } });
  });

  it("takes the platform's first version as the basis of a case opened on a volunteer's link", async () => {
    const caseId = caseIdFor('shop', 'E-3');
    const listingId = await ensureReportedListing(db.pool, {
      platformId: 'shop',
      externalId: 'E-3',
      url: 'https://shop.example/E-3',
    });
    await openCase(db.pool, { id: caseId, listingId, verdict: 'review' });
    const sent = await ingest({ ...ivory, externalId: 'E-3', url: 'https://shop.example/E-3' });
    expect(sent).toMatchObject({ version: 2, caseId });
    const view = (await loadCaseView(db.pool, caseId))!;
    expect(view.listing).toMatchObject({ version: 2, title: 'Carved ivory bangle' });
    expect((await audit(caseId)).map((e) => e.action)).toEqual(['case.listing_received']);
  });
});
