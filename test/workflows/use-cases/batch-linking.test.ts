// Seller linking in the group write of allowed listings (ingest_benign_listings, migration 0950): a
// listing whose seller account or contact id was seen in a removed listing is answered with that history
// and sent to deep screening, in a batch as on the single route; a contact shared only with listings that
// were never removed, or with nothing, links nothing. Hashed contact ids are kept for later links.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BASE_POLICY } from '../../../detectors/policy/index.ts';
import { caseIdFor } from '../../../shared/db/cases.ts';
import { listingInputSchema } from '../../../shared/listing.ts';
import { CoalitionKey } from '../../../workflows/sharing/keyed-hash.ts';
import { recordListingSignals } from '../../../workflows/sharing/signals.ts';
import { ingestBatch } from '../../../workflows/use-cases/ingest-batch.ts';
import { addListing, addPlatform, takeDown } from '../../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { eventually } from '../../support/temporal.ts';

describe('ingest batch: seller linking of allowed listings', () => {
  let db: TestDatabase;
  let connection: Connection;
  const coalitionKey = new CoalitionKey(randomBytes(32));
  const taskQueue = `batch-linking-${Date.now()}`;

  /** A flagged listing with its case, its contact ids recorded; taken down when `removed`. */
  async function seedListing(externalId: string, description: string, sellerId: string, removed: boolean) {
    const row = await addListing(db.pool, {
      platform: 'shop',
      externalId,
      title: 'Carved bangle',
      description,
      sellerId,
      receivedAt: new Date(Date.now() - 48 * 3600_000),
      verdict: 'review',
      evidence: [{ term: 'ivory', kind: 'product', species: 'elephant' }],
    });
    await recordListingSignals(db.pool, coalitionKey, row.id, {
      platformId: 'shop',
      title: 'Carved bangle',
      description,
      sellerId,
    });
    if (removed) await takeDown(db.pool, row.caseId!, 'remove_listing', new Date(Date.now() - 24 * 3600_000));
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    connection = await Connection.connect({ address: inject('temporalAddress') });
    await addPlatform(db.pool, 'shop');
    await seedListing('removed-1', 'WhatsApp +84 912 345 678', 'seller-removed', true);
    await seedListing('pending-1', 'email pending@example.org', 'seller-pending', false);
  });
  afterAll(async () => {
    await connection.close();
    await db.drop();
  });

  const benign = (externalId: string, description: string, sellerId: string) =>
    listingInputSchema.parse({ externalId, title: 'Garden chair', description, seller: { id: sellerId } });

  it('answers each allowed listing with its seller history and keeps its hashed contact ids', async () => {
    const deps = {
      pool: db.pool,
      temporal: new Client({ connection }),
      taskQueue,
      policy: async () => BASE_POLICY,
      coalitionKey,
    };
    const outcomes = await ingestBatch(deps, 'shop', [
      benign('same-seller', 'Solid oak, pick up only.', 'seller-removed'),
      benign('same-phone', 'Call 0912 345 678 (WhatsApp +84 912 345 678).', 'seller-new'),
      benign('pending-contact', 'Write to pending@example.org', 'seller-other'),
      benign('stranger', 'Solid oak, pick up only.', 'seller-stranger'),
    ]);
    const results = outcomes.map((o) => {
      if (!o.ok) throw o.error;
      return o.result;
    });
    expect(results.map((r) => r.decision.verdict)).toEqual(['allow', 'allow', 'allow', 'allow']);
    expect(results.map((r) => r.sellerLinks.lines)).toEqual([
      ['seller account seen in 1 removed listing on 1 platform'],
      ["seller's phone seen in 1 removed listing on 1 platform"],
      [],
      [],
    ]);
    expect(results.map((r) => r.sellerLinks.suggestedPriority)).toEqual([1, 1, null, null]);

    // The two with history went to deep screening; the others did not.
    const screenings = async () => {
      const ids: string[] = [];
      for await (const wf of deps.temporal.workflow.list({ query: `TaskQueue = '${taskQueue}'` }))
        ids.push(wf.workflowId);
      return ids.length === 2 ? ids.sort() : undefined;
    };
    const ids = await eventually(screenings, 'two deep screenings');
    expect(ids.map((id) => id.replace(/-[0-9a-f-]{36}$/, ''))).toEqual(
      ['same-phone', 'same-seller'].map((e) => `screening-${caseIdFor('shop', e)}`).sort(),
    );

    // Their contact ids are kept: a later removal of "same-phone" would link the next listing to it.
    const kept = await db.pool.query<{ external_id: string; kinds: string[] }>(
      `SELECT l.external_id, array_agg(DISTINCT s.kind ORDER BY s.kind) AS kinds
       FROM listing_contact_signals s JOIN listings l ON l.id = s.listing_id
       WHERE l.external_id IN ('same-phone', 'stranger') GROUP BY 1 ORDER BY 1`,
    );
    expect(kept.rows).toEqual([
      { external_id: 'same-phone', kinds: ['phone', 'seller'] },
      { external_id: 'stranger', kinds: ['seller'] },
    ]);
  });
});
