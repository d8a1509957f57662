// npm run bench:metrics — the metrics queries on a generated year of data (10 million listings, 100,000
// cases by default), each timed; target under a second each. Prints a table, then one JSON line.
// Options: --listings <n> --cases <n> (smaller runs), --keep (leave the database). Uses BENCH_DATABASE_URL,
// else TEST_DATABASE_URL, else starts a throwaway PostgreSQL server from the installed binaries.
// Generated: listings over 2025 on 20 platforms in 7 languages, one detection per 10 listings (evidence
// with species and terms on flagged ones), cases on 1 listing in 100, reviews, takedowns, appeals, volunteer
// reports, contact signals shared between sellers (so re-listing finds matches), library versions.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { migrate } from '../shared/db/migrate.ts';
import { createPool, type Pool } from '../shared/db/pool.ts';
import { metricsFiltersSchema } from '../shared/metrics/filters.ts';
import { computeMetrics, type MetricsFilters } from '../shared/metrics/index.ts';
import { libraryGrowth, topTerms } from '../shared/metrics/library.ts';
import { byLanguage, byPlatform, bySpecies, series, totals } from '../shared/metrics/listings.ts';
import { campaignDeliveries } from '../shared/metrics/outreach.ts';
import { reviewers, reviewQuality, volunteers } from '../shared/metrics/people.ts';
import { relisting } from '../shared/metrics/relisting.ts';
import { refreshCaseFacts, refreshScreenedRollup } from '../shared/metrics/rollup.ts';
import { timeToTakedown } from '../shared/metrics/timing.ts';
import { startPostgres } from '../test/support/postgres-server.ts';

const { values } = parseArgs({
  options: {
    listings: { type: 'string', default: '10000000' },
    cases: { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
    /** Time the queries on an already generated database (BENCH_DATABASE_URL names it). */
    reuse: { type: 'boolean', default: false },
  },
});
const LISTINGS = Number(values.listings);
const CASES = Number(values.cases);
const EVERY = Math.max(1, Math.floor(LISTINGS / CASES));
const line = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);
const since = (t0: number) => Math.round(performance.now() - t0);

async function timed(label: string, fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  const t = since(t0);
  line(label, `${t} ms`);
  return t;
}

async function generate(db: Pool): Promise<void> {
  await db.query(`INSERT INTO platforms (id, name, api_key_hash)
    SELECT 'p' || lpad(i::text, 2, '0'), 'Platform ' || i, md5(i::text) || md5('k' || i) FROM generate_series(0, 19) i`);
  const chunk = 1_000_000;
  for (let a = 1; a <= LISTINGS; a += chunk) {
    const b = Math.min(LISTINGS, a + chunk - 1);
    await timed(`  listings ${a.toLocaleString('en')}..${b.toLocaleString('en')}`, () =>
      db.query(
        `INSERT INTO listings (id, platform_id, external_id, title, language, seller_id, raw, received_at)
         SELECT i, 'p' || lpad((i % 20)::text, 2, '0'), i::text, 'listing ' || (i % ($3::bigint * 3 / 10)),
                (ARRAY['en','zh','vi','th','id','fr','es'])[1 + i % 7], 's' || (i % ($3::bigint / 12)), '{}',
                timestamptz '2025-01-01 00:00:00+00' + (i::float8 / $3) * interval '365 days'
         FROM generate_series($1::bigint, $2::bigint) i`,
        [a, b, LISTINGS],
      ),
    );
  }
  await db.query(`SELECT setval('listings_id_seq', $1)`, [LISTINGS]);
  const evidence = `jsonb_build_array(jsonb_build_object('detector', 'text', 'kind', 'product', 'strength', 0.9,
       'term', 'term-' || (i / $1 % 300), 'species', (ARRAY['elephant','pangolin','rhino','tiger','sea-turtle','slow-loris','otter','shark','parrot','bear'])[1 + (i / $1) % 10]))`;
  await timed('  detections (1 in 10 listings)', () =>
    db.query(
      `INSERT INTO detections (listing_id, detector, verdict, score, evidence, created_at)
       SELECT i, 'screening', CASE WHEN i % $1 = 0 THEN (CASE WHEN i % ($1 * 5) = 0 THEN 'block' ELSE 'review' END) ELSE 'allow' END,
              0.5, CASE WHEN i % $1 = 0 THEN ${evidence} ELSE '[]' END,
              timestamptz '2025-01-01 00:00:00+00' + (i::float8 / $2) * interval '365 days'
       FROM generate_series(10, $2::bigint, 10) i`,
      [EVERY, LISTINGS],
    ),
  );
  await timed('  cases, reviews, takedowns, appeals', async () => {
    await db.query(
      `INSERT INTO cases (id, listing_id, status, verdict, opened_at, decided_at, closed_at)
       SELECT 'case-' || l.id, l.id,
              CASE WHEN n % 10 < 6 THEN 'taken_down' WHEN n % 10 < 9 THEN 'rejected' ELSE 'open' END,
              CASE WHEN l.id % ($1 * 5) = 0 THEN 'block' ELSE 'review' END,
              l.received_at, l.received_at + (n % 72 + 1) * interval '1 hour', l.received_at + (n % 96 + 2) * interval '1 hour'
       FROM (SELECT id, received_at, id / $1 AS n FROM listings WHERE id % $1 = 0) l`,
      [EVERY],
    );
    await db.query(
      `INSERT INTO reviews (case_id, reviewer, decision, created_at)
       SELECT id, 'reviewer-' || (listing_id / $1 % 25), CASE WHEN status = 'rejected' THEN 'reject' ELSE 'approve' END, decided_at
       FROM cases WHERE decided_at IS NOT NULL`,
      [EVERY],
    );
    await db.query(
      `INSERT INTO reviews (case_id, reviewer, decision, created_at)
       SELECT id, 'reviewer-' || ((listing_id / $1 + 7) % 25), CASE WHEN listing_id % 3 = 0 THEN 'reject' ELSE 'approve' END,
              decided_at + interval '10 minutes'
       FROM cases WHERE decided_at IS NOT NULL AND listing_id / $1 % 5 = 0`,
      [EVERY],
    );
    await db.query(
      `INSERT INTO takedowns (case_id, action, idempotency_key, status, platform_reference, requested_at, completed_at)
       SELECT id, CASE WHEN listing_id / $1 % 20 = 0 THEN 'suspend_seller' ELSE 'remove_listing' END, id || ':remove', 'done',
              'ref', decided_at, closed_at
       FROM cases WHERE status = 'taken_down'`,
      [EVERY],
    );
    await db.query(
      `INSERT INTO appeals (case_id, platform_appeal_id, statement, status, decided_by, created_at, decided_at)
       SELECT id, 'ap', 'appeal', CASE WHEN listing_id % 4 = 0 THEN 'restored' ELSE 'upheld' END, 'lead',
              closed_at + interval '1 day', closed_at + interval '2 days'
       FROM cases WHERE status = 'taken_down' AND listing_id / $1 % 25 = 0`,
      [EVERY],
    );
  });
  await timed('  volunteers, reports, signals, library', async () => {
    await db.query(`INSERT INTO volunteers (channel, external_user_id, created_at)
      SELECT 'telegram', 'v' || i, timestamptz '2024-12-01 00:00:00+00' FROM generate_series(1, 2000) i`);
    await db.query(
      `INSERT INTO reports (volunteer_id, case_id, listing_url, outcome, created_at)
       SELECT 1 + (listing_id / $1 % 2000), id, 'https://example.org/' || listing_id,
              CASE WHEN status = 'taken_down' THEN 'confirmed' WHEN status = 'rejected' THEN 'rejected' END,
              opened_at - interval '30 minutes'
       FROM cases WHERE listing_id / $1 % 4 = 0`,
      [EVERY],
    );
    await db.query(
      `INSERT INTO listing_contact_signals (listing_id, kind, hash)
       SELECT listing_id, 'phone', encode(sha256(convert_to('phone' || (listing_id / $1 % 30000), 'UTF8')), 'hex') FROM cases`,
      [EVERY],
    );
    await db.query(`INSERT INTO keyword_library_versions (version, published_at, published_by, entry_count, checksum, library)
      SELECT '1.' || i || '.0', timestamptz '2025-01-01 00:00:00+00' + i * interval '7 days', 'lead', 1000 + i * 40, 'x', '{}'
      FROM generate_series(0, 52) i`);
  });
  await timed('  analyze', () => db.query('ANALYZE'));
}

const external = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (values.reuse && !process.env.BENCH_DATABASE_URL) throw new Error('--reuse needs BENCH_DATABASE_URL');
const server = external ? undefined : await startPostgres();
const adminUrl = external ?? server!.url;
const admin = createPool(adminUrl, { max: 1 });
const name = values.reuse
  ? new URL(adminUrl).pathname.slice(1)
  : `ws_bench_${randomBytes(4).toString('hex')}`;
if (!values.reuse) await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const db = createPool(url.toString(), { max: 16, statementTimeoutMs: 0 });
const results: Record<string, number | string> = {
  cpus: os.cpus().length,
  loadAvg1m: Number(os.loadavg()[0]!.toFixed(2)),
  listings: LISTINGS,
  cases: CASES,
};
try {
  await migrate(db);
  if (values.reuse) {
    const { rows } = await db.query(
      'SELECT (SELECT count(*) FROM listings) AS l, (SELECT count(*) FROM cases) AS c',
    );
    results.listings = Number(rows[0].l);
    results.cases = Number(rows[0].c);
    console.log(
      `reusing ${name}: ${results.listings.toLocaleString('en')} listings, ${results.cases.toLocaleString('en')} cases`,
    );
  } else {
    console.log(`generating ${LISTINGS.toLocaleString('en')} listings, ${CASES.toLocaleString('en')} cases`);
    results.generateMs = await timed('generate (total)', () => generate(db));
  }
  results.rollupRefreshMs = await timed('rollup refresh (full year, from the events)', () =>
    refreshScreenedRollup(db, { now: new Date('2026-01-01T00:00:00Z') }),
  );
  results.caseFactsRefreshMs = await timed('case facts refresh (materialised view)', () =>
    refreshCaseFacts(db),
  );
  const year = metricsFiltersSchema.parse({ from: '2025-01-01', to: '2026-01-01' });
  const filters: [string, MetricsFilters][] = [
    ['year', year],
    ['year/platform', { ...year, platform: 'p07' }],
    ['year/species', { ...year, species: 'pangolin' }],
    ['30 days', metricsFiltersSchema.parse({ from: '2025-06-01', to: '2025-07-01' })],
    [
      'year+6h (raw tail)',
      metricsFiltersSchema.parse({ from: '2025-01-01T06:00:00Z', to: '2026-01-01T00:00:00Z' }),
    ],
  ];
  const queries: [string, (f: MetricsFilters) => Promise<unknown>][] = [
    ['totals', (f) => totals(db, f)],
    ['byPlatform', (f) => byPlatform(db, f)],
    ['bySpecies', (f) => bySpecies(db, f)],
    ['byLanguage', (f) => byLanguage(db, f)],
    ['series', (f) => series(db, f, 'week')],
    ['timeToTakedown', (f) => timeToTakedown(db, f)],
    ['reviewers', (f) => reviewers(db, f)],
    ['reviewQuality', (f) => reviewQuality(db, f)],
    ['volunteers', (f) => volunteers(db, f)],
    ['libraryGrowth', (f) => libraryGrowth(db, f)],
    ['topTerms', (f) => topTerms(db, f)],
    ['campaigns', (f) => campaignDeliveries(db, f)],
    ['relisting', (f) => relisting(db, f)],
    ['computeMetrics (all, in parallel)', (f) => computeMetrics(db, f)],
  ];
  let worst = 0;
  for (const [fname, f] of filters) {
    console.log(
      `\n${fname}: ${f.from.toISOString()} .. ${f.to.toISOString()} ${f.platform ?? ''} ${f.species ?? ''}`,
    );
    await computeMetrics(db, f); // warm the cache once
    for (const [qname, q] of queries) {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await q(f);
        runs.push(performance.now() - t0);
      }
      const median = Math.round(runs.sort((a, b) => a - b)[1]!);
      results[`${fname}:${qname}`] = median;
      if (!qname.startsWith('computeMetrics')) worst = Math.max(worst, median);
      line(`  ${qname}`, `${median} ms${median >= 1000 ? '  (over 1 s)' : ''}`);
    }
  }
  results.worstQueryMs = worst;
  console.log(`\nslowest single query: ${worst} ms (target < 1000 ms)`);
  console.log(JSON.stringify(results));
} finally {
  await db.end();
  if (!values.keep && !values.reuse) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  server?.stop();
}
