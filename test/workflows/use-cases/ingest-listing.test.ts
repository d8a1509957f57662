// Ingest decides through the platform's policy: where it allows automatic blocking, the block is answered
// at once and leaves a DSA statement of reasons; elsewhere the same listing goes to human review.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  BASE_POLICY_INPUT,
  PLATFORM_PRESETS,
  type Policy,
  policySchema,
} from '../../../detectors/policy/index.ts';
import { createPlatform } from '../../../shared/db/platforms.ts';
import { listingInputSchema } from '../../../shared/listing.ts';
import { ingestListing } from '../../../workflows/use-cases/ingest-listing.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

describe('ingest: automatic blocks where the platform allows them', () => {
  let db: TestDatabase;
  let connection: Connection;
  let policy: Policy;

  beforeAll(async () => {
    db = await createTestDatabase();
    connection = await Connection.connect({ address: inject('temporalAddress') });
    await createPlatform(db.pool, { id: 'strict', name: 'Strict market' });
    await createPlatform(db.pool, { id: 'careful', name: 'Careful market' });
    policy = policySchema.parse({
      ...BASE_POLICY_INPUT,
      platforms: { strict: PLATFORM_PRESETS['auto-block-clear-cases'] },
    });
  });
  afterAll(async () => {
    await connection.close();
    await db.drop();
  });

  const deps = () => ({
    pool: db.pool,
    temporal: new Client({ connection }),
    taskQueue: `ingest-${Date.now()}`,
    policy: async () => policy,
  });
  const listing = listingInputSchema.parse({
    externalId: 'X-1',
    title: 'Real ivory bangle',
    description: 'DM for price',
  });

  it('blocks on the strict platform and records why', async () => {
    const result = await ingestListing(deps(), 'strict', listing);
    expect(result.decision.verdict).toBe('block');
    const { rows } = await db.pool.query('SELECT platform_id, statement FROM statements_of_reasons');
    expect(rows).toHaveLength(1);
    expect(rows[0].platform_id).toBe('strict');
    expect(JSON.stringify(rows[0].statement)).toMatch(/ivory/i);
  });

  it('sends the same listing to review on a platform without automatic blocking, with no statement yet', async () => {
    const result = await ingestListing(deps(), 'careful', listing);
    expect(result.decision.verdict).toBe('review');
    expect(result.caseId).toMatch(/^case-/);
    const { rows } = await db.pool.query(
      "SELECT count(*) AS n FROM statements_of_reasons WHERE platform_id = 'careful'",
    );
    expect(Number(rows[0].n)).toBe(0);
  });
});
