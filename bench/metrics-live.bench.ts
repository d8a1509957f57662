// npm run bench:metrics-live — what keeping the metrics live costs the writes that feed them. 32 concurrent
// writers, each a transaction as the API makes it: benign listings (listing + screening detection, no
// evidence), benign listings with weak evidence (a lookalike term), flagged listings (listing + detection +
// case) and completed takedowns. Prints a table, then one JSON line. Options: --seconds <n> per workload,
// --writers <n>, --no-live (drops the triggers of migration 0890 that keep metrics_case_facts current: the
// writes as they were before, to compare in the same run conditions). Uses BENCH_DATABASE_URL, else starts a throwaway PostgreSQL server from the installed binaries.
import { parseArgs } from 'node:util';
import { openCase } from '../shared/db/cases.ts';
import { insertDetection, upsertListing } from '../shared/db/listings.ts';
import { migrate } from '../shared/db/migrate.ts';
import { createPool, inTransaction, type Pool } from '../shared/db/pool.ts';
import { listingInputSchema } from '../shared/listing.ts';
import { startPostgres } from '../test/support/postgres-server.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '6' },
    writers: { type: 'string', default: '32' },
    'no-live': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const WRITERS = Number(values.writers);

/** One operation; `false` when there is nothing left to do. */
type Step = (db: Pool, n: number) => Promise<unknown>;

/** Runs `step` from WRITERS concurrent loops for SECONDS (or until it runs out); operations per second. */
async function load(db: Pool, step: Step): Promise<number> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (performance.now() < until) {
        if ((await step(db, next++)) === false) return;
        done++;
      }
    }),
  );
  return Math.round(done / ((performance.now() - started) / 1000));
}

const listing = (externalId: string, title: string) =>
  listingInputSchema.parse({ externalId, title, description: 'second hand, good condition', language: 'en' });

const benign: Step = (db, n) =>
  inTransaction(db, async (tx) => {
    const l = await upsertListing(tx, 'shopa', listing(`b${n}`, `Wooden chair ${n}`));
    await insertDetection(tx, l.id, 'screening', {
      verdict: 'allow',
      score: 0,
      clause: null,
      explanation: '',
      evidence: [],
    });
  });

const weak: Step = (db, n) =>
  inTransaction(db, async (tx) => {
    const l = await upsertListing(tx, 'shopa', listing(`w${n}`, `Ivory white dress ${n}`));
    await insertDetection(tx, l.id, 'screening', {
      verdict: 'allow',
      score: 0.1,
      clause: null,
      explanation: '',
      evidence: [{ detector: 'text', kind: 'lookalike', term: 'ivory white', strength: 0.1 }],
    });
  });

const flagged: Step = (db, n) =>
  inTransaction(db, async (tx) => {
    const l = await upsertListing(tx, 'shopa', listing(`f${n}`, `Carved ivory bangle ${n}`));
    await insertDetection(tx, l.id, 'screening', {
      verdict: 'review',
      score: 0.9,
      clause: 'ivory',
      explanation: 'ivory',
      evidence: [
        { detector: 'text', kind: 'product', term: 'ivory', species: 'african-elephant', strength: 0.9 },
      ],
    });
    await openCase(tx, { id: `case-f${n}`, listingId: l.id, verdict: 'review' });
  });

function takedowns(cases: number): Step {
  return async (db, n) => {
    if (n >= cases) return false;
    const key = `case-f${n}:remove_listing`;
    await db.query(
      `INSERT INTO takedowns (case_id, action, idempotency_key, status) VALUES ($1, 'remove_listing', $2, 'requested')`,
      [`case-f${n}`, key],
    );
    await inTransaction(db, async (tx) => {
      await tx.query(
        "UPDATE takedowns SET status = 'done', platform_reference = 'r', completed_at = now() WHERE idempotency_key = $1",
        [key],
      );
      await tx.query("UPDATE cases SET status = 'taken_down', closed_at = now() WHERE id = $1", [
        `case-f${n}`,
      ]);
    });
  };
}

async function main(): Promise<void> {
  const server = process.env.BENCH_DATABASE_URL ? undefined : await startPostgres();
  const db = createPool(process.env.BENCH_DATABASE_URL ?? server!.url, { max: WRITERS });
  try {
    await migrate(db);
    if (values['no-live']) {
      const { rows } = await db.query<{ sql: string }>(
        `SELECT format('DROP TRIGGER %I ON %I', tgname, tgrelid::regclass) AS sql FROM pg_trigger
         WHERE tgname LIKE 'metrics_case_facts_%'`,
      );
      for (const r of rows) await db.query(r.sql);
    }
    await db.query(
      `INSERT INTO platforms (id, name, api_key_hash) VALUES ('shopa', 'Shop A', md5('a') || md5('b'))`,
    );
    const figures: Record<string, number> = {};
    const row = (label: string, key: string, value: number) => {
      figures[key] = value;
      console.log(`${label.padEnd(56)} ${value.toLocaleString('en')}/s`);
    };
    row('benign listings (no evidence)', 'benignPerSecond', await load(db, benign));
    row('benign listings with a lookalike term', 'weakPerSecond', await load(db, weak));
    row('flagged listings (new cases)', 'flaggedPerSecond', await load(db, flagged));
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM cases');
    row('takedowns completed', 'takedownsPerSecond', await load(db, takedowns(Number(rows[0]!.n))));
    console.log(
      JSON.stringify({
        bench: 'metrics-live',
        live: !values['no-live'],
        writers: WRITERS,
        seconds: SECONDS,
        ...figures,
      }),
    );
  } finally {
    await db.end();
    server?.stop();
  }
}

await main();
