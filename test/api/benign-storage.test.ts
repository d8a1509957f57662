// A platform's choice of what is kept of the listings the policy allows (migration 0930): in full (the
// default), or counts only. Counted listings leave no row but count in "listings screened"; a flagged
// listing, one with photos to hash, and a listing the platform sent before are stored in full either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIdFor } from '../../shared/db/cases.ts';
import { createPlatform, setBenignStorage } from '../../shared/db/platforms.ts';
import { byPlatform, totals } from '../../shared/metrics/listings.ts';
import {
  benignListing as benign,
  flaggedListing as flagged,
  startTestApi,
  type TestApi,
} from '../support/api-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Answer {
  listingId: string | null;
  version: number | null;
  caseId: string | null;
  stored: 'full' | 'counted';
  status?: number;
}

describe('benign-listing storage per platform', () => {
  let db: TestDatabase;
  let api: TestApi;
  let countedKey: string;
  let fullKey: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ apiKey: countedKey } = await createPlatform(db.pool, { id: 'lean', name: 'Lean market' }));
    ({ apiKey: fullKey } = await createPlatform(db.pool, { id: 'keeper', name: 'Keeper market' }));
    expect(await setBenignStorage(db.pool, 'lean', 'counters')).toBe(true);
    api = await startTestApi(db, `storage-${Date.now()}`);
  });
  afterAll(async () => {
    await api.close();
    await db.drop();
  });

  const post = async (key: string, listing: unknown) => {
    const res = await fetch(`${api.base}/v1/listings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(listing),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  const postBatch = async (key: string, listings: unknown[]) => {
    const res = await fetch(`${api.base}/v1/listings:batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(listings),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { results: Answer[] }).results;
  };
  const rows = async (platform: string) =>
    Number(
      (
        await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM listings WHERE platform_id = $1', [
          platform,
        ])
      ).rows[0]!.n,
    );
  const today = () => {
    const from = new Date();
    from.setUTCHours(0, 0, 0, 0);
    return { from, to: new Date(from.getTime() + 24 * 3600 * 1000) };
  };

  it('counts an allowed listing without storing it, and answers so', async () => {
    const a = await post(countedKey, benign('c1'));
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ stored: 'counted', listingId: null, version: null, caseId: null });
    expect(await rows('lean')).toBe(0);
    const b = await post(fullKey, benign('f1'));
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ stored: 'full', version: 1 });
    expect(await rows('keeper')).toBe(1);
  });

  it('stores in full what needs it: flagged, with photos, or sent before', async () => {
    const results = await postBatch(countedKey, [
      benign('c2'),
      flagged('c-ivory'),
      { ...benign('c-photo'), imageUrls: ['https://lean.example/p.jpg'] },
      benign('c3'),
    ]);
    expect(results.map((r) => r.stored)).toEqual(['counted', 'full', 'full', 'counted']);
    expect(results[1]!.caseId).toBe(caseIdFor('lean', 'c-ivory'));
    // An allowed edit of the flagged listing keeps its versions and its case.
    const edit = await post(countedKey, { ...benign('c-ivory'), title: 'Plain wooden bangle' });
    expect(edit.body).toMatchObject({ stored: 'full', version: 2, caseId: caseIdFor('lean', 'c-ivory') });
    expect(await rows('lean')).toBe(2);
  });

  it('counts counted listings in the listings screened, per platform', async () => {
    const f = today();
    const lean = (await byPlatform(db.pool, { ...f, platform: 'lean' })).find((r) => r.key === 'lean');
    // c1, c2, c3 counted; c-ivory (two submissions, one row) and c-photo stored.
    expect(lean?.counts.screened).toBe(5);
    expect((await totals(db.pool, f)).screened).toBe(6);
    // Counted listings have no species: a species filter leaves them out.
    expect((await totals(db.pool, { ...f, species: 'african-elephant' })).screened).toBe(1);
  });

  it('stores in full again once the platform chooses so', async () => {
    expect(await setBenignStorage(db.pool, 'lean', 'full')).toBe(true);
    // The server's key cache learns the change from the database's notification.
    let answer: Answer | undefined;
    for (let i = 0; i < 100 && answer?.stored !== 'full'; i++) {
      answer = (await post(countedKey, benign(`back-${i}`))).body;
      if (answer.stored !== 'full') await new Promise((r) => setTimeout(r, 100));
    }
    expect(answer).toMatchObject({ stored: 'full', version: 1 });
  });
});
