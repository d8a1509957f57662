// POST /v1/listings under concurrency: benign listings that arrive together are written together (group
// commit) with a handful of statements, each answered only after its own row is stored and exactly as
// when sent alone; a listing the database refuses fails alone; a flagged one opens its case at once.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { caseIdFor } from '../../shared/db/cases.ts';
import { createPlatform } from '../../shared/db/platforms.ts';
import {
  benignListing as benign,
  flaggedListing,
  startTestApi,
  type TestApi,
} from '../support/api-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Answer {
  listingId: string;
  version: number;
  caseId: string | null;
  verdict: string;
}

describe('POST /v1/listings, many at once', () => {
  let db: TestDatabase;
  let api: TestApi;
  let apiKey: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ apiKey } = await createPlatform(db.pool, { id: 'busy', name: 'Busy market' }));
    api = await startTestApi(db, `grouped-${Date.now()}`);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await api.close();
    await db.drop();
  });

  const post = async (listing: unknown) => {
    const res = await fetch(`${api.base}/v1/listings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(listing),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  const rowOf = async (externalId: string) =>
    (
      await db.pool.query<{ id: string; current_version: number }>(
        "SELECT id::text, current_version FROM listings WHERE platform_id = 'busy' AND external_id = $1",
        [externalId],
      )
    ).rows[0];

  it('writes 60 concurrent benign listings in fewer writes than listings, each write one statement', async () => {
    const query = vi.spyOn(pg.Client.prototype, 'query');
    await post(benign('alone')); // on a quiet server: written at once, alone (and caches warmed)
    query.mockClear();

    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => post(benign(`g-${i}`))));
    // The outbox dispatcher's polls (workflow_starts) run beside the load and are none of its statements.
    const statements = query.mock.calls.filter((c) => !String(c[0]).includes('workflow_starts')).length;
    expect(answers.map((a) => a.status)).toEqual(Array(60).fill(201));
    // Each write is one statement (ingest_benign_listings, its own transaction), and listings that arrive
    // while writes are in flight share one.
    const writes = query.mock.calls.filter((c) => String(c[0]).includes('ingest_benign_listings')).length;
    expect(statements).toBe(writes);
    expect(writes).toBeLessThan(60);
    // Every answer names its own stored row, as the single write would.
    for (const [i, a] of answers.entries()) {
      expect(a.body).toMatchObject({ verdict: 'allow', version: 1, caseId: null });
      expect(a.body.listingId).toBe((await rowOf(`g-${i}`))!.id);
    }

    // The same listings again, concurrently: nothing new, the same rows.
    const again = await Promise.all(Array.from({ length: 60 }, (_, i) => post(benign(`g-${i}`))));
    expect(again.map((a) => a.status)).toEqual(Array(60).fill(200));
    expect(again.map((a) => a.body.listingId)).toEqual(answers.map((a) => a.body.listingId));
  });

  it('keeps both submissions of one listing sent at once as two versions', async () => {
    const [a, b] = await Promise.all([
      post(benign('twice')),
      post(benign('twice', 'Garden chair, repainted')),
    ]);
    expect([a!.status, b!.status].sort()).toEqual([200, 201]);
    expect([a!.body.version, b!.body.version].sort()).toEqual([1, 2]);
    expect((await rowOf('twice'))!.current_version).toBe(2);
  });

  it('answers a flagged listing with its case, among benign ones', async () => {
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => post(benign(`m-${i}`))),
      post(flaggedListing('m-ivory')),
    ]);
    expect(answers.map((a) => a.status)).toEqual(Array(21).fill(201));
    expect(answers[20]!.body.caseId).toBe(caseIdFor('busy', 'm-ivory'));
    expect(answers.slice(0, 20).every((a) => a.body.caseId === null)).toBe(true);
  });

  it('fails only the listing the database refuses', async () => {
    await db.pool.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.external_id = 'poison' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`);
    await db.pool.query(
      'CREATE TRIGGER refuse_poison BEFORE INSERT ON listings FOR EACH ROW EXECUTE FUNCTION refuse_poison()',
    );
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const ids = [...Array.from({ length: 15 }, (_, i) => `p-${i}`), 'poison'];
      const answers = await Promise.all(ids.map((id) => post(benign(id))));
      expect(answers.map((a) => a.status)).toEqual([...Array(15).fill(201), 500]);
      expect(await rowOf('poison')).toBeUndefined();
    } finally {
      await db.pool.query('DROP TRIGGER refuse_poison ON listings');
    }
  });
});
