// POST /v1/listings:batch: one result per listing, in order, each what the single route would answer had
// the listings been sent one after the other; a bad listing fails alone; benign ones are stored with
// set-based writes; flagged ones open their cases before the answer and start their workflows right
// after it (the outbox of workflow starts), where the single route starts them before answering.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { caseIdFor } from '../../shared/db/cases.ts';
import { createPlatform } from '../../shared/db/platforms.ts';
import {
  benignListing as benign,
  flaggedListing as flagged,
  startTestApi,
  type TestApi,
} from '../support/api-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Result {
  status: number;
  externalId?: string;
  listingId?: string;
  caseId?: string | null;
  version?: number;
  verdict?: string;
  error?: string;
  details?: { path: string }[];
}
interface BatchAnswer {
  received: number;
  stored: number;
  flagged: number;
  errors: number;
  results: Result[];
}

describe('POST /v1/listings:batch', () => {
  let db: TestDatabase;
  let api: TestApi;
  let base: string;
  let apiKey: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ apiKey } = await createPlatform(db.pool, { id: 'bulk', name: 'Bulk market' }));
    api = await startTestApi(db, `batch-${Date.now()}`);
    base = api.base;
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await api.close();
    await db.drop();
  });

  const post = (body: string, type = 'application/json', key: string | null = apiKey) =>
    fetch(`${base}/v1/listings:batch`, {
      method: 'POST',
      headers: { 'content-type': type, ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body,
    });
  const postArray = async (items: unknown[]) => {
    const res = await post(JSON.stringify(items));
    expect(res.status).toBe(200);
    return (await res.json()) as BatchAnswer;
  };
  const count = async (sql: string, params: unknown[]) =>
    Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]!.n);
  /** A batch is answered once committed; the workflows its listings owe start right after, from the outbox. */
  const allStarted = () =>
    vi.waitFor(async () => expect(await count('SELECT count(*) AS n FROM workflow_starts', [])).toBe(0), {
      timeout: 10_000,
      interval: 50,
    });

  it('sends a flagged listing with photos, and one already under review, through deep screening', async () => {
    const start = vi.spyOn(api.temporal.workflow, 'start');
    const withPhoto = { ...flagged('fp1'), imageUrls: ['https://bulk.example/p1.jpg'] };
    await postArray([withPhoto]);
    await allStarted();
    await postArray([{ ...flagged('fp2') }]);
    await allStarted();
    // Sent again with new text: its case exists already, so deep screening decides what else to do.
    await postArray([{ ...flagged('fp2'), description: 'Genuine ivory, old stock. DM me. Price firm.' }]);
    await allStarted();
    expect(start.mock.calls.map((c) => c[0])).toEqual([
      'screeningWorkflow',
      'caseWorkflow',
      'screeningWorkflow',
    ]);
  });

  it('leaves the deep screening of allowed listings with photos to the outbox, one statement for all', async () => {
    const start = vi.spyOn(api.temporal.workflow, 'start');
    const query = vi.spyOn(pg.Client.prototype, 'query');
    const photos = ['bp1', 'bp2', 'bp3'].map((id) => ({
      ...benign(id),
      imageUrls: [`https://bulk.example/${id}.jpg`],
    }));
    const answer = await postArray(photos);
    expect(answer.results.map((r) => r.status)).toEqual([201, 201, 201]);
    const owed = query.mock.calls.filter((c) => String(c[0]).includes('INSERT INTO workflow_starts'));
    expect(owed).toHaveLength(1);
    await allStarted();
    const screened = start.mock.calls.filter((c) => c[0] === 'screeningWorkflow').map((c) => c[1]!.args![0]);
    expect(screened.map((input) => (input as { listingId: string }).listingId).sort()).toEqual(
      answer.results.map((r) => r.listingId).sort(),
    );
  });

  it('answers each listing in order: good, bad, flagged and repeated ones, as if sent one by one', async () => {
    const start = vi.spyOn(api.temporal.workflow, 'start');
    const answer = await postArray([
      benign('a1'),
      { externalId: 'bad1', description: 'no title' },
      flagged('f1'),
      benign('a2'),
      benign('a1'), // the same content again: nothing new
      benign('a1', 'Garden chair, now with cushion'), // new content: version 2
      'not a listing',
    ]);
    const r = answer.results;
    expect(r).toHaveLength(7);
    expect(r.map((x) => x.status)).toEqual([201, 400, 201, 201, 200, 200, 400]);
    expect(r.map((x) => x.externalId)).toEqual(['a1', undefined, 'f1', 'a2', 'a1', 'a1', undefined]);
    expect(r[0]).toMatchObject({ verdict: 'allow', version: 1, caseId: null });
    expect(r[1]).toMatchObject({ error: 'invalid_listing' });
    expect(r[1]!.details!.map((d) => d.path)).toContain('title');
    expect(r[2]!.verdict).not.toBe('allow');
    expect(r[2]!.caseId).toBe(caseIdFor('bulk', 'f1'));
    expect(r[4]).toMatchObject({ listingId: r[0]!.listingId, version: 1 });
    expect(r[5]).toMatchObject({ listingId: r[0]!.listingId, version: 2 });
    expect(answer).toMatchObject({ received: 7, stored: 5, flagged: 1, errors: 2 });

    // Versioning as on the single route: two versions of a1, one decision per submission.
    expect(
      await count('SELECT count(*) AS n FROM listing_versions WHERE listing_id = $1', [r[0]!.listingId]),
    ).toBe(2);
    expect(await count('SELECT count(*) AS n FROM detections WHERE listing_id = $1', [r[0]!.listingId])).toBe(
      3,
    );
    // The flagged listing opened its case (audited) and started its review (no photos and no LLM: nothing
    // for deep screening to add, so the case workflow itself); benign ones started nothing.
    expect(
      await count("SELECT count(*) AS n FROM cases WHERE id = $1 AND status = 'open'", [r[2]!.caseId]),
    ).toBe(1);
    expect(
      await count("SELECT count(*) AS n FROM audit_log WHERE action = 'case.opened' AND subject_id = $1", [
        r[2]!.caseId,
      ]),
    ).toBe(1);
    await allStarted();
    expect(start).toHaveBeenCalledTimes(1);
    expect(start.mock.calls[0]![0]).toBe('caseWorkflow');
    expect(start.mock.calls[0]![1]).toMatchObject({ workflowId: r[2]!.caseId });
    expect(JSON.stringify(start.mock.calls[0]![1])).toContain('"externalId":"f1"');
    const workflow = await api.temporal.workflow.getHandle(r[2]!.caseId!).describe();
    expect(workflow.status.name).toBe('RUNNING');
  });

  it('is idempotent: the same batch again stores nothing new and opens no second case', async () => {
    const batch = [benign('i1'), flagged('if1'), benign('i2')];
    const first = await postArray(batch);
    const listings = await count("SELECT count(*) AS n FROM listings WHERE platform_id = 'bulk'", []);
    const versions = await count('SELECT count(*) AS n FROM listing_versions', []);
    const cases = await count('SELECT count(*) AS n FROM cases', []);
    const again = await postArray(batch);
    expect(again.results.map((x) => x.status)).toEqual([200, 200, 200]);
    expect(again.results.map((x) => x.listingId)).toEqual(first.results.map((x) => x.listingId));
    expect(again.results.map((x) => x.version)).toEqual([1, 1, 1]);
    expect(again.results[1]!.caseId).toBe(first.results[1]!.caseId);
    expect(await count("SELECT count(*) AS n FROM listings WHERE platform_id = 'bulk'", [])).toBe(listings);
    expect(await count('SELECT count(*) AS n FROM listing_versions', [])).toBe(versions);
    expect(await count('SELECT count(*) AS n FROM cases', [])).toBe(cases);
  });

  it('reads JSON lines: a broken line gets its own error, blank lines are no listings', async () => {
    const body = [
      JSON.stringify(benign('n1')),
      '{"externalId": "n2", "title": ',
      '',
      JSON.stringify(flagged('nf1')),
      `${JSON.stringify(benign('n3'))}\r`,
      '',
    ].join('\n');
    const res = await post(body, 'application/x-ndjson');
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as BatchAnswer;
    expect(results.map((x) => [x.status, x.externalId ?? x.error])).toEqual([
      [201, 'n1'],
      [400, 'invalid_json'],
      [201, 'nf1'],
      [201, 'n3'],
    ]);
    expect(results[2]!.caseId).toBe(caseIdFor('bulk', 'nf1'));
  });

  it('keeps a benign edit of a listing under review with its case, and records the edit', async () => {
    const [f] = (await postArray([flagged('e1')])).results;
    const [edit] = (await postArray([benign('e1', 'Plain wooden bangle')])).results;
    expect(edit).toMatchObject({ status: 200, verdict: 'allow', version: 2, caseId: f!.caseId });
    expect(
      await count("SELECT count(*) AS n FROM audit_log WHERE action = 'listing.edited' AND subject_id = $1", [
        f!.caseId,
      ]),
    ).toBe(1);
    // The case keeps the version it was flagged on.
    expect(await count('SELECT listing_version AS n FROM cases WHERE id = $1', [f!.caseId])).toBe(1);
  });

  it('stores 1,000 benign listings with a handful of statements, not one per listing', async () => {
    const query = vi.spyOn(pg.Client.prototype, 'query');
    const answer = await postArray(Array.from({ length: 1000 }, (_, i) => benign(`big-${i}`)));
    expect(answer).toMatchObject({ received: 1000, stored: 1000, errors: 0, flagged: 0 });
    expect(answer.results.every((x, i) => x.status === 201 && x.externalId === `big-${i}`)).toBe(true);
    expect(query.mock.calls.length).toBeLessThan(20);
    expect(await count("SELECT count(*) AS n FROM listings WHERE external_id LIKE 'big-%'", [])).toBe(1000);
    expect(
      await count(
        "SELECT count(*) AS n FROM listing_versions v JOIN listings l ON l.id = v.listing_id WHERE l.external_id LIKE 'big-%'",
        [],
      ),
    ).toBe(1000);
  });

  it('gives a listing the database refuses its own error and stores the rest', async () => {
    await db.pool.query(`CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.external_id = 'poison' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`);
    await db.pool.query(
      'CREATE TRIGGER poison BEFORE INSERT ON listings FOR EACH ROW EXECUTE FUNCTION poison()',
    );
    vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { results } = await postArray([benign('p1'), benign('poison'), benign('p2')]);
      expect(results.map((x) => [x.status, x.externalId])).toEqual([
        [201, 'p1'],
        [500, 'poison'],
        [201, 'p2'],
      ]);
    } finally {
      await db.pool.query('DROP TRIGGER poison ON listings');
    }
  });

  it('serves 64 concurrent clients, single and batch, with overlapping external ids, without an error', async () => {
    // Batches share ids in different orders (their row locks must not deadlock), single requests repeat
    // them; every id has one content, so each listing ends with exactly one version.
    const ids = Array.from({ length: 200 }, (_, i) => `c-${i}`);
    const shuffled = (seed: number) =>
      [...ids].sort(
        (a, b) =>
          ((a.length * 31 + seed * Number(a.slice(2))) % 97) -
          ((b.length * 31 + seed * Number(b.slice(2))) % 97),
      );
    const listingOf = (id: string) => (Number(id.slice(2)) % 25 === 0 ? flagged(id) : benign(id));
    const clients = Array.from({ length: 64 }, async (_, c) => {
      if (c % 4 === 0) {
        const res = await post(
          shuffled(c)
            .slice(0, 100)
            .map((id) => JSON.stringify(listingOf(id)))
            .join('\n'),
          'application/x-ndjson',
        );
        const body = (await res.json()) as BatchAnswer;
        return [res.status, ...body.results.map((r) => r.status)];
      }
      const statuses: number[] = [];
      for (let k = 0; k < 5; k++) {
        const res = await fetch(`${base}/v1/listings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify(listingOf(ids[(c * 7 + k * 13) % ids.length]!)),
        });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      return statuses;
    });
    const statuses = (await Promise.all(clients)).flat();
    expect(statuses.filter((s) => s !== 200 && s !== 201)).toEqual([]);
    const stored = await db.pool.query<{ versions: string }>(
      `SELECT count(v.*) AS versions FROM listings l JOIN listing_versions v ON v.listing_id = l.id
       WHERE l.external_id LIKE 'c-%' GROUP BY l.id`,
    );
    const sent = new Set(
      Array.from({ length: 64 }, (_, c) =>
        c % 4 === 0
          ? shuffled(c).slice(0, 100)
          : [0, 1, 2, 3, 4].map((k) => ids[(c * 7 + k * 13) % ids.length]!),
      ).flat(),
    );
    expect(stored.rows).toHaveLength(sent.size);
    expect(stored.rows.every((r) => Number(r.versions) === 1)).toBe(true);
    const flaggedSent = [...sent].filter((id) => Number(id.slice(2)) % 25 === 0);
    expect(
      await count(
        "SELECT count(*) AS n FROM cases c JOIN listings l ON l.id = c.listing_id WHERE l.external_id LIKE 'c-%'",
        [],
      ),
    ).toBe(flaggedSent.length);
  });

  it('refuses whole batches only for what is wrong with the batch itself', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => benign(`x-${i}`));
    expect((await post(JSON.stringify(tooMany))).status).toBe(413);
    expect(
      (await post(tooMany.map((l) => JSON.stringify(l)).join('\n'), 'application/x-ndjson')).status,
    ).toBe(413);
    expect((await post('[]')).status).toBe(400);
    expect((await post('\n\n', 'application/x-ndjson')).status).toBe(400);
    expect((await post('{"externalId":"x","title":"y"}')).status).toBe(400);
    expect((await post('[{"externalId"')).status).toBe(400);
    expect((await post('[]', 'text/plain')).status).toBe(415);
    expect((await post(JSON.stringify([benign('z')]), 'application/json', null)).status).toBe(401);
    expect((await post(JSON.stringify([benign('z')]), 'application/json', 'wsk_nope')).status).toBe(401);
    expect(
      await count("SELECT count(*) AS n FROM listings WHERE external_id LIKE 'x-%' OR external_id = 'z'", []),
    ).toBe(0);
  });
});
