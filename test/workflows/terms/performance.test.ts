// Term performance from stored detections and decisions (per entry and platform: flagged, confirmed, rejected
// by reason, open, missed, precision, reviewer time), as the CLI, the digest lines and the HTTP API show it,
// and the progress report's library growth (terms added, their origin and precision).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiDeps, createApiServer } from '../../../api/server.ts';
import { run as keywords } from '../../../cli/commands/keywords.ts';
import { run as report } from '../../../cli/commands/report.ts';
import { compileLibrary } from '../../../detectors/text/compile.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';
import type { Entry, Library } from '../../../keywords/schema.ts';
import { publishVersion } from '../../../keywords/versions.ts';
import { insertSharedCandidate } from '../../../shared/db/term-candidates.ts';
import { termDigestLines } from '../../../workflows/terms/digest-lines.ts';
import { libraryGrowthDetail } from '../../../workflows/terms/growth.ts';
import {
  noisiestAndProductive,
  type TermPerformance,
  termPerformance,
} from '../../../workflows/terms/performance.ts';
import { addPlatform, addVolunteer, hoursAfter } from '../../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const SNOW = 'en|code|snowbone';
const IVORY = 'en|product|ivory';
const ODD = 'en|code|<b>odd';
const MARCH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

let db: TestDatabase;
let library: Library;
let n = 0;

async function listing(o: {
  platform: string;
  at: Date;
  verdict: 'allow' | 'review';
  entries: string[];
  title?: string;
  status?: string;
  claimedAfterMin?: number;
  decidedAfterMin?: number;
  reason?: string;
  raw?: Record<string, unknown>;
}): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO listings (platform_id, external_id, title, language, raw, received_at)
     VALUES ($1, $2, $3, 'en', $4, $5) RETURNING id`,
    [o.platform, `P-${++n}`, o.title ?? `listing ${n}`, JSON.stringify(o.raw ?? {}), o.at],
  );
  const id = rows[0]!.id;
  const evidence = o.entries.map((entry) => ({
    detector: 'keywords',
    kind: 'code-word',
    strength: 0.8,
    term: entry.split('|')[2],
    entry,
  }));
  await db.pool.query(
    `INSERT INTO detections (listing_id, detector, verdict, score, evidence, created_at) VALUES ($1, 'screening', $2, 0.5, $3, $4)`,
    [id, o.verdict, JSON.stringify(evidence), o.at],
  );
  if (o.status) {
    const minutes = (m: number | undefined) =>
      m === undefined ? null : new Date(o.at.getTime() + m * 60_000);
    await db.pool.query(
      `INSERT INTO cases (id, listing_id, status, verdict, opened_at, claimed_at, decided_at) VALUES ($1, $2, $3, 'review', $4, $5, $6)`,
      [`case-${id}`, id, o.status, o.at, minutes(o.claimedAfterMin), minutes(o.decidedAfterMin)],
    );
    if (o.reason)
      await db.pool.query(
        `INSERT INTO reviews (case_id, reviewer, decision, reason_code, created_at) VALUES ($1, 'U1', 'reject', $2, $3)`,
        [`case-${id}`, o.reason, minutes(o.decidedAfterMin)],
      );
  }
  return id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  vi.stubEnv('DATABASE_URL', db.url);
  await addPlatform(db.pool, 'shopa');
  await addPlatform(db.pool, 'shopb');
  const base = loadLibraryFromDir();
  const snowbone: Entry = {
    term: 'snowbone',
    language: 'en',
    kind: 'code',
    species: 'african-elephant',
    strength: 'strong',
    fpRisk: 'medium',
    provenance: { addedBy: 'slack:U1', needsNativeReview: false },
    addedIn: '1.0.1',
    status: 'active',
  };
  const shared: Entry = {
    ...snowbone,
    term: 'frostbone',
    status: 'proposed',
    note: 'imported from peer.json (version 3.0.0)',
  };
  library = { ...base, version: '1.0.1', entries: [...base.entries, snowbone, shared] };
  await publishVersion(db.pool, library, 'slack:UL1', '+2');
  await db.pool.query(`UPDATE keyword_library_versions SET published_at = $1`, [hoursAfter(1)]);
  await db.pool.query(
    `INSERT INTO keyword_proposals (term, language, kind, strength, proposed_by, source, status, request_id, library_version)
     VALUES ('snowbone', 'en', 'code', 'strong', 'U1', 'mined', 'accepted', 'r1', '1.0.1')`,
  );

  // shopa: one confirmed (claimed at 10 min, decided at 20), one rejected as imitation (unclaimed, decided at 2 h: capped
  // at 30 min), one open; shopb: one rejected as not wildlife after 5 minutes.
  await listing({
    platform: 'shopa',
    at: hoursAfter(2),
    verdict: 'review',
    entries: [SNOW, IVORY],
    status: 'taken_down',
    claimedAfterMin: 10,
    decidedAfterMin: 20,
  });
  await listing({
    platform: 'shopa',
    at: hoursAfter(3),
    verdict: 'review',
    entries: [IVORY, ODD],
    status: 'rejected',
    decidedAfterMin: 120,
    reason: 'imitation',
  });
  await listing({ platform: 'shopa', at: hoursAfter(4), verdict: 'review', entries: [SNOW], status: 'open' });
  await listing({
    platform: 'shopb',
    at: hoursAfter(5),
    verdict: 'review',
    entries: [IVORY],
    status: 'rejected',
    decidedAfterMin: 5,
    reason: 'not_wildlife',
  });
  // Allowed with a weak hit: not a flag.
  await listing({ platform: 'shopa', at: hoursAfter(6), verdict: 'allow', entries: [IVORY] });
  // A volunteer's report of a listing screening allowed; and one known only from the volunteer's link.
  const volunteer = await addVolunteer(db.pool, 'vol');
  for (const raw of [{}, { source: 'volunteer-report' }]) {
    const id = await listing({
      platform: 'shopa',
      at: hoursAfter(7),
      verdict: 'allow',
      entries: [],
      title: 'Pure snowbone carving',
      status: 'approved',
      decidedAfterMin: 60,
      raw,
    });
    await db.pool.query(
      `INSERT INTO reports (volunteer_id, case_id, listing_url, outcome, created_at) VALUES ($1, $2, 'https://x.example/1', 'confirmed', $3)`,
      [volunteer, `case-${id}`, hoursAfter(8)],
    );
  }
  // The last day of March counts with an inclusive --to; April does not.
  await listing({
    platform: 'shopa',
    at: new Date('2026-03-31T12:00:00Z'),
    verdict: 'review',
    entries: [SNOW],
    status: 'open',
  });
  await listing({
    platform: 'shopa',
    at: new Date('2026-04-02T12:00:00Z'),
    verdict: 'review',
    entries: [SNOW],
    status: 'open',
  });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await db?.drop();
});

const byKey = (rows: TermPerformance[]) => new Map(rows.map((r) => [`${r.platform} ${r.entry}`, r]));

describe('termPerformance', () => {
  it('counts each entry per platform from detections, decisions and missed reports', async () => {
    const rows = byKey(await termPerformance(db.pool, MARCH, compileLibrary(library)));
    expect(rows.get(`shopa ${SNOW}`)).toMatchObject({
      term: 'snowbone',
      language: 'en',
      kind: 'code',
      flagged: 3,
      confirmed: 1,
      rejected: 0,
      pending: 2,
      missed: 1,
      precision: 1,
      reviewerMinutes: 10,
    });
    expect(rows.get(`shopa ${IVORY}`)).toMatchObject({
      flagged: 2,
      confirmed: 1,
      rejected: 1,
      rejectedBy: { imitation: 1 },
      precision: 0.5,
      reviewerMinutes: 40,
    });
    expect(rows.get(`shopb ${IVORY}`)).toMatchObject({
      flagged: 1,
      rejected: 1,
      rejectedBy: { not_wildlife: 1 },
      precision: 0,
      reviewerMinutes: 5,
    });
  });

  it('filters by platform', async () => {
    const rows = await termPerformance(db.pool, { ...MARCH, platform: 'shopb' }, compileLibrary(library));
    expect(rows.map((r) => r.entry)).toEqual([IVORY]);
  });

  it('ranks the noisiest and the most productive terms across platforms, escaped for the digest', async () => {
    const rows = await termPerformance(db.pool, MARCH, compileLibrary(library));
    const { noisiest, productive } = noisiestAndProductive(rows);
    expect(noisiest.map((r) => [r.entry, r.rejected])).toEqual([
      [IVORY, 2],
      [ODD, 1],
    ]);
    expect(productive[0]).toMatchObject({ entry: SNOW, confirmed: 1, missed: 1 });
    const lines = termDigestLines(rows);
    expect(lines[0]).toContain('“ivory” (en) 2 rejected, precision 33%');
    expect(lines[0]).toContain('&lt;b&gt;odd');
    expect(lines[0]).not.toContain('<b>');
    expect(lines[1]).toContain('“snowbone” (en) 1 confirmed + 1 missed');
  });
});

describe('wild-sentinel keywords performance', () => {
  it('prints JSON for an inclusive period and refuses a species filter', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(
        await keywords(['performance', '--from', '2026-03-01', '--to', '2026-03-31', '--format', 'json']),
      ).toBe(0);
      const rows = JSON.parse(String(out.mock.calls[0]![0])) as TermPerformance[];
      expect(byKey(rows).get(`shopa ${SNOW}`)).toMatchObject({ flagged: 3, missed: 1 });
      expect(await keywords(['performance', '--from', '2026-03-01', '--to', '2026-03-30'])).toBe(0);
      const table = String(out.mock.calls[1]![0]);
      expect(table.split('\n')[0]).toMatch(/^platform\s+lang\s+kind\s+term\s+flagged/);
      expect(table).toMatch(
        /shopa\s+en\s+product\s+ivory\s+2\s+1\s+1\s+0\s+0\s+50\.0%\s+40\.0\s+imitation 1/,
      );
      expect(
        await keywords(['performance', '--from', '2026-03-01', '--to', '2026-03-31', '--species', 'x']),
      ).toBe(2);
      expect(await keywords(['performance', '--from', '2026-03-01', '--to', '2026-02-01'])).toBe(2);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});

describe('library growth', () => {
  it('lists the terms each version added, where they came from and their precision', async () => {
    const g = await libraryGrowthDetail(db.pool, MARCH);
    expect(g.versions).toBe(1);
    expect(g.byOrigin).toEqual({ curator: 0, mined: 1, shared: 1 });
    expect(g.added).toEqual([
      expect.objectContaining({
        term: 'snowbone',
        origin: 'mined',
        confirmed: 1,
        rejected: 0,
        precision: 1,
        version: '1.0.1',
      }),
      expect.objectContaining({ term: 'frostbone', origin: 'shared', status: 'proposed', precision: null }),
    ]);
  });

  it('is a section of the progress report', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await report(['--from', '2026-03-01', '--to', '2026-03-31'])).toBe(0);
      const md = String(write.mock.calls.map((c) => c[0]).join(''));
      expect(md).toContain('## Library growth');
      expect(md).toContain(
        '2 terms added in 1 versions: 0 by curators, 1 mined from review outcomes, 1 shared by other deployments.',
      );
      expect(md).toContain('| snowbone | en | code | 1.0.1 | mined | 1 | 0 | 100.0% |');
      expect(md).toContain('| frostbone | en | code (proposed) | 1.0.1 | shared | 0 | 0 | – |');
    } finally {
      write.mockRestore();
    }
  });

  it('counts a term adopted from a candidate another deployment shared as shared', async () => {
    const id = await insertSharedCandidate(
      db.pool,
      {
        language: 'en',
        term: 'snowbone',
        normalized: 'snowbone',
        form: 'ngram',
        score: 20,
        positives: 5,
        missed: 0,
        negatives: 1,
        positiveDocs: 30,
        negativeDocs: 300,
        status: 'accepted',
      },
      'deploy-a',
    );
    await db.pool.query("UPDATE keyword_proposals SET candidate_id = $1 WHERE term = 'snowbone'", [id]);
    const g = await libraryGrowthDetail(db.pool, MARCH);
    expect(g.byOrigin).toEqual({ curator: 0, mined: 0, shared: 2 });
    expect(g.added[0]).toMatchObject({ term: 'snowbone', origin: 'shared' });
  });
});

describe('GET /v1/terms/performance', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const deps = {
      pool: db.pool,
      temporal: {} as Client,
      taskQueue: 'unused',
      reviewers: [],
      policy: async () => ({}),
    };
    server = createApiServer(deps as unknown as ApiDeps);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
  });

  it('answers the rows and rankings, scoped to a platform key, and refuses a bad query', async () => {
    const all = await fetch(`${base}/v1/terms/performance?from=2026-03-01&to=2026-04-01`);
    expect(all.status).toBe(200);
    const body = (await all.json()) as { rows: TermPerformance[]; noisiest: TermPerformance[] };
    expect(body.noisiest[0]).toMatchObject({ entry: IVORY, rejected: 2 });
    const own = await fetch(`${base}/v1/terms/performance?from=2026-03-01&to=2026-04-01`, {
      headers: { authorization: 'Bearer key-shopb' },
    });
    expect(((await own.json()) as { rows: TermPerformance[] }).rows.map((r) => r.platform)).toEqual([
      'shopb',
    ]);
    expect((await fetch(`${base}/v1/terms/performance?from=2026-04-01&to=2026-03-01`)).status).toBe(400);
    expect((await fetch(`${base}/v1/terms/performance?from=2026-03-01&to=2026-04-01&species=x`)).status).toBe(
      400,
    );
  });

  it('fills the dashboard table, with listing-derived text shown as text', { timeout: 60_000 }, async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/dashboard#from=2026-03-01&to=2026-04-01`);
      await page.waitForSelector('#term-performance[data-ready="true"]');
      const rows = await page.$$eval('#term-performance tbody tr', (trs) =>
        trs.map((tr) => [
          (tr as unknown as { dataset: { group?: string } }).dataset.group ?? 'heading',
          ...[...tr.children].map((c) => c.textContent),
        ]),
      );
      expect(rows[0]).toEqual(['heading', 'Noisiest (most rejected flags)']);
      expect(rows[1]).toEqual([
        'noisiest',
        'ivory',
        'en',
        'product',
        '3',
        '1',
        '2',
        '0',
        '33.3%',
        '45',
        'imitation 1, not_wildlife 1',
      ]);
      expect(rows.some((r) => r[0] === 'noisiest' && r[1] === '<b>odd')).toBe(true);
      expect(await page.$$('#term-performance b')).toHaveLength(0);
      expect(rows.find((r) => r[0] === 'productive')?.slice(1, 2)).toEqual(['snowbone']);
    } finally {
      await browser.close();
    }
  });
});
