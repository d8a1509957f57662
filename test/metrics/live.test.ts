// Live metrics: metrics_case_facts follows each event in its own transaction (no refresh), existing cases are
// backfilled by the migration, and the counts stay exact with 64 writers changing the same cases at once.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../shared/db/cases.ts';
import { MIGRATIONS_DIR, migrate } from '../../shared/db/migrate.ts';
import { createPool, inTransaction, type Pool } from '../../shared/db/pool.ts';
import { computeMetrics, metricsFiltersSchema } from '../../shared/metrics/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addListing, addPlatform, addVolunteer, hoursAfter, report, takeDown } from './seed.ts';

const march = metricsFiltersSchema.parse({ from: '2026-03-01', to: '2026-04-01' });

/** Every row of metrics_case_facts, and the same rows recomputed from the events. */
async function factsAndTruth(db: Pool) {
  const order = 'ORDER BY case_id';
  const cols = `case_id, platform_id, language, verdict, status, species, terms, removed_at, actions, first_report_at`;
  const facts = await db.query(`SELECT ${cols} FROM metrics_case_facts ${order}`);
  const truth = await db.query(
    `SELECT ${cols} FROM metrics_case_facts_of(ARRAY(SELECT id FROM cases)) ${order}`,
  );
  return { facts: facts.rows, truth: truth.rows };
}

describe('metrics_case_facts follows the events without a refresh', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await addPlatform(db.pool, 'shopa');
  });
  afterAll(() => db?.drop());

  it('counts a flagged listing, its takedown, a report and an undo as they happen', async () => {
    const p = db.pool;
    const count = async () => (await computeMetrics(p, march)).totals;
    const c = await addListing(p, {
      platform: 'shopa',
      externalId: 'live-1',
      title: 'Carved ivory bangle',
      receivedAt: hoursAfter(1),
      verdict: 'review',
      evidence: [{ term: 'ivory', kind: 'product', species: 'african-elephant' }],
    });
    expect(await count()).toMatchObject({ flagged: 1, removed: 0, restored: 0 });
    // Deep screening adds evidence of a second species afterwards.
    await p.query(
      `INSERT INTO detections (listing_id, detector, verdict, score, evidence) VALUES ($1, 'ocr', 'review', 0.8, $2)`,
      [c.id, JSON.stringify([{ detector: 'ocr', term: 'rhino horn', kind: 'product', species: 'rhino' }])],
    );
    expect((await computeMetrics(p, { ...march, species: 'rhino' })).totals.flagged).toBe(1);
    await takeDown(p, c.caseId!, 'remove_listing', hoursAfter(3));
    expect(await count()).toMatchObject({ flagged: 1, removed: 1, restored: 0 });
    const v = await addVolunteer(p, 'ana');
    await report(p, v, c.caseId!, 'confirmed', hoursAfter(2));
    expect((await computeMetrics(p, march)).timeToTakedown.fromFirstReport.count).toBe(1);
    await p.query("UPDATE cases SET status = 'restored' WHERE id = $1", [c.caseId]);
    expect(await count()).toMatchObject({ flagged: 1, removed: 0, restored: 1 });
    // A benign listing opens nothing.
    await addListing(p, {
      platform: 'shopa',
      externalId: 'b',
      title: 'chair',
      receivedAt: hoursAfter(4),
      verdict: 'allow',
    });
    expect(await count()).toMatchObject({ screened: 2, flagged: 1 });
    const { facts, truth } = await factsAndTruth(p);
    expect(facts).toEqual(truth);
  });
});

describe('migration 0890', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    dir = mkdtempSync(join(tmpdir(), 'ws-migrations-'));
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '0890'))
      cpSync(join(MIGRATIONS_DIR, f), join(dir, f));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('backfills the facts of the cases that existed before it', async () => {
    const p = db.pool;
    await migrate(p, dir);
    await addPlatform(p, 'shopa');
    for (let i = 0; i < 5; i++) {
      const c = await addListing(p, {
        platform: 'shopa',
        externalId: `old-${i}`,
        title: 'ivory',
        receivedAt: hoursAfter(i),
        verdict: i % 2 ? 'block' : 'review',
        evidence: [{ term: 'ivory', kind: 'product', species: 'african-elephant' }],
      });
      if (i < 3) await takeDown(p, c.caseId!, 'remove_listing', hoursAfter(i + 1));
    }
    await migrate(p);
    const { facts, truth } = await factsAndTruth(p);
    expect(facts).toHaveLength(5);
    expect(facts).toEqual(truth);
    expect((await computeMetrics(p, march)).totals).toMatchObject({ flagged: 5, blocked: 2, removed: 3 });
  });
});

describe('64 concurrent writers', () => {
  let db: TestDatabase;
  let pool: Pool;
  const CASES = 96;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url, { max: 64 });
    await addPlatform(db.pool, 'shopa');
    await addPlatform(db.pool, 'shopb');
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  /** Runs the tasks 64 at a time, in an order that interleaves the tasks of each case. */
  async function run(tasks: (() => Promise<unknown>)[]): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < tasks.length) await tasks[next++]!();
      }),
    );
  }

  const pause = (tx: Pick<Pool, 'query'>) => tx.query('SELECT pg_sleep(random() * 0.02)');

  it('keeps every case row exact while the events of one case race each other', async () => {
    const listings: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const { rows } = await db.pool.query<{ id: string }>(
        `INSERT INTO listings (platform_id, external_id, title, raw, received_at) VALUES ($1, $2, 'ivory', '{}', $3) RETURNING id`,
        [i % 2 ? 'shopa' : 'shopb', `c${i}`, hoursAfter(i)],
      );
      listings.push(rows[0]!.id);
    }
    const detection = (listing: string, species: string) =>
      inTransaction(pool, async (tx) => {
        await tx.query(
          `INSERT INTO detections (listing_id, detector, verdict, score, evidence) VALUES ($1, 'x', 'review', 0.9, $2)`,
          [listing, JSON.stringify([{ term: species, kind: 'product', species }])],
        );
        await pause(tx);
      });
    // Round 1: each case opens while deep screening adds a second species's evidence in another transaction.
    await run(
      listings.flatMap((listing, i) => [
        () =>
          inTransaction(pool, async (tx) => {
            await openCase(tx, { id: `case-${i}`, listingId: listing, verdict: i % 3 ? 'review' : 'block' });
            await pause(tx);
          }),
        () => detection(listing, 'pangolin'),
        () => detection(listing, 'rhino'),
      ]),
    );
    // Round 2: on each case, the takedown completes while volunteers' reports arrive.
    const v = (
      await db.pool.query<{ id: string }>(
        `INSERT INTO volunteers (channel, external_user_id) VALUES ('telegram', 'v') RETURNING id`,
      )
    ).rows[0]!.id;
    await run(
      listings.flatMap((_, i) => [
        () =>
          inTransaction(pool, async (tx) => {
            await tx.query(
              `INSERT INTO takedowns (case_id, action, idempotency_key, status, completed_at) VALUES ($1, 'remove_listing', $1, 'done', $2)`,
              [`case-${i}`, hoursAfter(i + 2)],
            );
            await pause(tx);
            await tx.query("UPDATE cases SET status = 'taken_down' WHERE id = $1", [`case-${i}`]);
          }),
        () =>
          inTransaction(pool, async (tx) => {
            await tx.query(
              `INSERT INTO reports (volunteer_id, case_id, listing_url, created_at) VALUES ($1, $2, 'u', $3)`,
              [v, `case-${i}`, hoursAfter(i + 1)],
            );
            await pause(tx);
          }),
      ]),
    );
    const { facts, truth } = await factsAndTruth(db.pool);
    expect(facts).toHaveLength(CASES);
    expect(facts).toEqual(truth);
    expect(facts.every((f) => f.species.length === 2 && f.removed_at && f.first_report_at)).toBe(true);
    const m = await computeMetrics(db.pool, march);
    expect(m.totals).toMatchObject({ flagged: CASES, removed: CASES, blocked: CASES / 3 });
    expect(m.timeToTakedown.fromFirstReport.count).toBe(CASES);
    expect(m.bySpecies.find((s) => s.key === 'rhino')?.counts).toMatchObject({
      flagged: CASES,
      removed: CASES,
    });
  });
});
