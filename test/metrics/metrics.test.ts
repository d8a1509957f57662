import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdqDistance } from '../../detectors/image/pdq.ts';
import { metricsToCsv } from '../../shared/metrics/csv.ts';
import { computeMetrics, type Metrics, metricsFiltersSchema } from '../../shared/metrics/index.ts';
import { bucketStarts } from '../../shared/metrics/listings.ts';
import { refreshCaseFacts, refreshScreenedRollup } from '../../shared/metrics/rollup.ts';
import {
  createScreeningActivities,
  type ScreeningActivities,
} from '../../workflows/activities/screening-activities.ts';
import { recordListingPhotos } from '../../workflows/sharing/photos.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addListing, addPlatform, addVolunteer, hoursAfter, report, review, T0, takeDown } from './seed.ts';

let db: TestDatabase;
const march = metricsFiltersSchema.parse({ from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' });

beforeAll(async () => {
  db = await createTestDatabase();
  const p = db.pool;
  await addPlatform(p, 'shopa');
  await addPlatform(p, 'shopb');
  const ivory = [{ term: 'ivory', kind: 'product', species: 'elephant' }];
  // Before the period: counted nowhere in March.
  const a0 = await addListing(p, {
    platform: 'shopa',
    externalId: 'a0',
    title: 'Old ivory',
    receivedAt: new Date('2026-02-01T00:00:00Z'),
    verdict: 'review',
    evidence: ivory,
  });
  await takeDown(p, a0.caseId!, 'remove_listing', new Date('2026-02-02T00:00:00Z'));

  const a1 = await addListing(p, {
    platform: 'shopa',
    externalId: 'a1',
    title: 'Carved ivory bangle',
    language: 'en',
    sellerId: 's1',
    receivedAt: T0,
    verdict: 'review',
    evidence: ivory,
  });
  const a2 = await addListing(p, {
    platform: 'shopa',
    externalId: 'a2',
    title: '穿山甲片',
    language: 'zh',
    sellerId: 's2',
    receivedAt: hoursAfter(10),
    verdict: 'block',
    evidence: [{ term: '穿山甲片', kind: 'species', species: 'pangolin' }],
  });
  await addListing(p, {
    platform: 'shopa',
    externalId: 'a3',
    title: 'Blue dress',
    language: 'en',
    receivedAt: hoursAfter(11),
    verdict: 'allow',
  });
  const b1 = await addListing(p, {
    platform: 'shopb',
    externalId: 'b1',
    title: 'Rhino horn cup',
    language: 'en',
    sellerId: 's9',
    receivedAt: hoursAfter(24),
    verdict: 'review',
    evidence: [{ term: 'rhino horn', kind: 'product', species: 'rhino' }],
  });
  await addListing(p, {
    platform: 'shopb',
    externalId: 'b2',
    title: 'Ivory-coloured vase',
    language: 'en',
    receivedAt: hoursAfter(30),
    verdict: 'allow',
    evidence: [{ term: 'ivory-coloured', kind: 'lookalike' }],
  });
  // a1 comes back: same seller and title after its removal.
  await addListing(p, {
    platform: 'shopa',
    externalId: 'a4',
    title: 'carved IVORY bangle',
    sellerId: 's1',
    language: 'en',
    receivedAt: hoursAfter(100),
    verdict: 'review',
    evidence: ivory,
  });

  // a2's seller comes back in April on the other platform under a new account, with the same phone.
  const back = await addListing(p, {
    platform: 'shopb',
    externalId: 'b9',
    title: 'scales for medicine',
    sellerId: 'new-account',
    receivedAt: new Date('2026-04-10T00:00:00Z'),
    verdict: 'allow',
  });
  const phone = 'a'.repeat(64);
  await p.query(
    `INSERT INTO listing_contact_signals (listing_id, kind, hash) VALUES ($1, 'phone', $3), ($2, 'phone', $3)`,
    [a2.id, back.id, phone],
  );
  const v1 = await addVolunteer(p, 'v1');
  const v2 = await addVolunteer(p, 'v2');
  await report(p, v1, a1.caseId!, 'confirmed', hoursAfter(1));
  await report(p, v2, b1.caseId!, 'rejected', hoursAfter(30));

  await review(p, a1.caseId!, 'alice', 'approve', hoursAfter(2));
  // A lead's second approval (an account-level action) is a decision like any other.
  await review(p, a1.caseId!, 'lena', 'second_approval', hoursAfter(3));
  await takeDown(p, a1.caseId!, 'remove_listing', hoursAfter(4));
  await review(p, a2.caseId!, 'bob', 'approve', hoursAfter(11));
  await review(p, a2.caseId!, 'alice', 'approve', hoursAfter(12));
  await takeDown(p, a2.caseId!, 'suspend_seller', hoursAfter(20));
  await review(p, b1.caseId!, 'alice', 'approve', hoursAfter(25));
  await review(p, b1.caseId!, 'bob', 'reject', hoursAfter(26));
  await takeDown(p, b1.caseId!, 'remove_listing', hoursAfter(48), 'restored');
  await p.query(
    `INSERT INTO appeals (case_id, platform_appeal_id, statement, status, decided_by, created_at, decided_at)
     VALUES ($1, 'ap1', 'replica', 'restored', 'carol', $2, $3)`,
    [b1.caseId, hoursAfter(50), hoursAfter(60)],
  );

  await p.query(
    `INSERT INTO keyword_library_versions (version, published_at, published_by, entry_count, checksum, library)
     VALUES ('1.0.0', '2026-01-10', 'lead', 100, 'x', '{}'), ('1.1.0', $1, 'lead', 120, 'y', '{}')`,
    [hoursAfter(5)],
  );
  await p.query(
    `INSERT INTO campaigns (id, day_id, name, status, created_by) VALUES ('c1', 'wwd', 'WWD', 'sent', 'x')`,
  );
  await p.query(
    `INSERT INTO campaign_runs (workflow_id, campaign_id, occurrence_date, status) VALUES ('w1', 'c1', '2026-03-03', 'sent')`,
  );
  await p.query(
    `INSERT INTO campaign_deliveries (workflow_id, campaign_id, audience_key, platform, target, language, time_zone,
       scheduled_for, status, delivered_at)
     VALUES ('w1', 'c1', 'a', 'slack', '#c', 'en', 'UTC', $1, 'sent', $1),
            ('w1', 'c1', 'b', 'telegram', '@c', 'en', 'UTC', $1, 'failed', $1)`,
    [hoursAfter(30)],
  );
  await refreshCaseFacts(p);
});

afterAll(async () => {
  await db?.drop();
});

describe('computeMetrics', () => {
  let m: Metrics;
  beforeAll(async () => {
    m = await computeMetrics(db.pool, march);
  });

  it('counts listings screened, flagged, blocked and removed from the stored events', () => {
    expect(m.totals).toEqual({
      screened: 6,
      flagged: 4,
      blocked: 1,
      removed: 2,
      removedOrBlocked: 2,
      accountsWarned: 0,
      accountsSuspended: 1,
      restored: 1,
    });
    const byPlatform = Object.fromEntries(m.byPlatform.map((b) => [b.key, b.counts]));
    expect(byPlatform).toEqual({
      shopa: { screened: 4, flagged: 3, blocked: 1, removed: 2 },
      shopb: { screened: 2, flagged: 1, blocked: 0, removed: 0 },
    });
    const byLanguage = Object.fromEntries(m.byLanguage.map((b) => [b.key, b.counts.screened]));
    expect(byLanguage).toEqual({ en: 5, zh: 1 });
  });

  it('breaks flagged and removed listings down by species from the detections evidence', () => {
    const bySpecies = Object.fromEntries(m.bySpecies.map((b) => [b.key, b.counts]));
    expect(bySpecies.elephant).toMatchObject({ flagged: 2, removed: 1 });
    expect(bySpecies.pangolin).toMatchObject({ flagged: 1, blocked: 1, removed: 1 });
    expect(bySpecies.rhino).toMatchObject({ flagged: 1, removed: 0 });
  });

  it('puts each listing and removal in its day of the series', () => {
    expect(m.bucket).toBe('day');
    const day2 = m.series.find((s) => s.key === '2026-03-02')!;
    expect(day2.counts).toEqual({ screened: 3, flagged: 2, blocked: 1, removed: 2 });
    expect(m.series).toHaveLength(31);
    expect(m.series[0]!.key).toBe('2026-03-01');
    expect(m.series.find((s) => s.key === '2026-03-04')!.counts).toEqual({
      screened: 0,
      flagged: 0,
      blocked: 0,
      removed: 0,
    });
    expect(
      bucketStarts({ from: new Date('2026-03-04T10:00Z'), to: new Date('2026-03-20Z') }, 'week'),
    ).toEqual(['2026-03-02', '2026-03-09', '2026-03-16']);
  });

  it('measures time to takedown from ingest and from the first report', () => {
    expect(m.timeToTakedown.fromIngest).toEqual({ count: 3, medianHours: 10, p90Hours: 21.2 });
    expect(m.timeToTakedown.fromFirstReport).toEqual({ count: 2, medianHours: 10.5, p90Hours: 16.5 });
  });

  it('reports reviewer throughput, agreement and reversal on appeal, crediting second approvals', () => {
    expect(
      m.reviewers.map((r) => [r.reviewer, r.decisions, r.approvals, r.secondApprovals, r.rejections]),
    ).toEqual([
      ['alice', 3, 3, 0, 0],
      ['bob', 2, 1, 0, 1],
      ['lena', 1, 1, 1, 0],
    ]);
    expect(m.reviewers[0]!.medianHoursToDecision).toBe(2);
    expect(m.reviewers[2]!.medianHoursToDecision).toBe(3);
    // a1 (alice, then lena's second approval) and a2 agree; b1 does not.
    expect(m.reviewQuality).toEqual({
      casesWithTwoReviewers: 3,
      agreeing: 2,
      agreementRate: 0.6667,
      appealsDecided: 1,
      appealsRestored: 1,
      reversalRate: 1,
    });
  });

  it('reports volunteers, library growth, top terms, campaigns and re-listing', () => {
    expect(m.volunteers).toEqual({
      active: 2,
      registered: 2,
      reports: 2,
      confirmed: 1,
      rejected: 1,
      accuracy: 0.5,
    });
    expect(m.keywordLibrary).toMatchObject({ entriesAtStart: 100, entriesAtEnd: 120, added: 20 });
    expect(m.keywordLibrary.versions.map((v) => v.version)).toEqual(['1.1.0']);
    expect(m.topTerms[0]).toEqual({ term: 'ivory', kind: 'product', species: 'elephant', listings: 2 });
    expect(m.topTerms.some((t) => t.kind === 'lookalike')).toBe(false);
    expect(m.campaigns).toMatchObject({ campaigns: 1, sent: 1, failed: 1, missed: 0 });
    expect(m.relisting).toEqual({
      removed: 2,
      relisted: 2,
      rate: 1,
      bySeller: 1,
      byTitle: 1,
      byContact: 1,
      byPhoto: 0,
    });
  });
});

describe('filters', () => {
  it('narrows every figure to one platform', async () => {
    const m = await computeMetrics(db.pool, { ...march, platform: 'shopb' });
    expect(m.totals).toMatchObject({ screened: 2, flagged: 1, removed: 0, restored: 1 });
    expect(m.reviewers.map((r) => r.reviewer).sort()).toEqual(['alice', 'bob']);
    expect(m.volunteers.reports).toBe(1);
    expect(m.relisting.removed).toBe(0);
  });

  it('narrows every figure to one species', async () => {
    const m = await computeMetrics(db.pool, { ...march, species: 'pangolin' });
    expect(m.totals).toMatchObject({ screened: 1, flagged: 1, blocked: 1, removed: 1, accountsSuspended: 1 });
    expect(m.timeToTakedown.fromIngest).toMatchObject({ count: 1, medianHours: 10 });
    expect(m.bySpecies.map((s) => s.key)).toEqual(['pangolin']);
  });

  it('counts the earlier period on its own', async () => {
    const feb = metricsFiltersSchema.parse({ from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' });
    const m = await computeMetrics(db.pool, feb);
    expect(m.totals).toMatchObject({ screened: 1, flagged: 1, removed: 1 });
    expect(m.keywordLibrary).toMatchObject({ entriesAtStart: 100, entriesAtEnd: 100, added: 0 });
  });

  it('gives the same numbers from the screened rollup as from the raw listings, with a watermark mid-period', async () => {
    const variants = [march, { ...march, platform: 'shopa' }, { ...march, species: 'elephant' }];
    const before = await Promise.all(variants.map((f) => computeMetrics(db.pool, f)));
    const refreshed = await refreshScreenedRollup(db.pool, { now: new Date('2026-03-03T12:00:00Z') });
    expect(refreshed).toEqual({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' });
    const { rows } = await db.pool.query(
      "SELECT platform_id, language, species, screened FROM metrics_screened_daily WHERE day = '2026-03-02' ORDER BY 1, 3, 2",
    );
    expect(rows.map((r) => [r.platform_id, r.language, r.species, Number(r.screened)])).toEqual([
      ['shopa', 'en', '', 2],
      ['shopa', 'zh', '', 1],
      ['shopa', 'en', 'elephant', 1],
      ['shopa', 'zh', 'pangolin', 1],
    ]);
    const after = await Promise.all(variants.map((f) => computeMetrics(db.pool, f)));
    // Everything but the moment each answer was computed.
    const figures = (m: Metrics) => ({ ...m, freshness: { ...m.freshness, asOf: undefined } });
    expect(after.map(figures)).toEqual(before.map(figures));
    expect(after[0]!.totals.screened).toBe(6);
    expect(after[2]!.totals.screened).toBe(2);
  });

  it('rejects a period that ends before it starts', () => {
    expect(metricsFiltersSchema.safeParse({ from: '2026-03-02', to: '2026-03-01' }).success).toBe(false);
    expect(metricsFiltersSchema.safeParse({ from: 'x', to: '2026-03-01' }).success).toBe(false);
  });
});

/** A PDQ hash with its first n bits flipped: a re-encoded or retouched copy of the photo. */
function flipBits(hex: string, n: number): string {
  const b = Buffer.from(hex, 'hex');
  for (let i = 0; i < n; i++) b[i >> 3] = b[i >> 3]! ^ (0x80 >> (i & 7));
  return b.toString('hex');
}

describe('re-listing by photo', () => {
  // In May, apart from the March history: three listings removed, each with one photo. r1's photo comes back
  // (a near copy) in a later listing whose case opens; the one after it (n2) has an unrelated photo; r3's
  // photo is in a listing received before r3 was removed (its case opens after, so it links but is no
  // re-listing). Cases open through screening's startCase, as after deep screening.
  const may = metricsFiltersSchema.parse({ from: '2026-05-01T00:00:00Z', to: '2026-06-01T00:00:00Z' });
  const m0 = new Date('2026-05-04T00:00:00Z');
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const photo = { a: hash('photo-a'), b: hash('photo-b'), c: hash('photo-c'), d: hash('photo-d') };
  const ids: Record<string, string> = {};
  const started: string[] = [];
  const fakeTemporal = {
    workflow: { start: async (_: string, o: { workflowId: string }) => void started.push(o.workflowId) },
  } as unknown as Client;
  let startCase: ScreeningActivities['startCase'];

  /** A listing with one photo stored as deep screening stores it (no case yet unless removed). */
  async function listing(
    externalId: string,
    platform: string,
    pdq: string,
    hours: number,
    removedAt?: number,
  ) {
    const row = await addListing(db.pool, {
      platform,
      externalId,
      title: `Photo-only listing ${externalId}`,
      receivedAt: hoursAfter(hours, m0),
      verdict: removedAt === undefined ? 'allow' : 'review',
    });
    await recordListingPhotos(db.pool, row.id, [{ pdq, quality: 100 }]);
    if (removedAt !== undefined)
      await takeDown(db.pool, row.caseId!, 'remove_listing', hoursAfter(removedAt, m0));
    ids[externalId] = row.id;
  }
  const openCase = (externalId: string, platformId: string) =>
    startCase({ listingId: ids[externalId]!, platformId, externalId });

  beforeAll(async () => {
    ({ startCase } = createScreeningActivities({
      pool: db.pool,
      temporal: fakeTemporal,
      taskQueue: 'unused',
      reviewers: [],
      policy: async () => {
        throw new Error('startCase does not screen');
      },
    }));
    await listing('r1', 'shopa', photo.a, 0, 4);
    await listing('r2', 'shopa', photo.b, 1, 5);
    await listing('r3', 'shopb', photo.c, 2, 30);
    await listing('n3', 'shopa', flipBits(photo.c, 9), 10);
    await listing('n1', 'shopb', flipBits(photo.a, 12), 48);
    await listing('n2', 'shopa', photo.d, 50);
    for (const [ext, platform] of [
      ['n3', 'shopa'],
      ['n1', 'shopb'],
      ['n2', 'shopa'],
    ] as const) {
      await openCase(ext, platform);
    }
    await refreshCaseFacts(db.pool);
  });

  it('records the removed listings a case’s photo links to when it opens, with the distance', async () => {
    expect(pdqDistance(photo.a, photo.d)).toBeGreaterThan(31);
    expect(pdqDistance(photo.b, photo.d)).toBeGreaterThan(31);
    const links = async () =>
      (
        await db.pool.query(
          'SELECT listing_id, removed_listing_id, distance FROM listing_photo_links ORDER BY listing_id',
        )
      ).rows.map((r) => [String(r.listing_id), String(r.removed_listing_id), r.distance]);
    expect(await links()).toEqual([
      [ids.n3, ids.r3, 9],
      [ids.n1, ids.r1, 12],
    ]);
    const { rows } = await db.pool.query(
      'SELECT listing_id, priority FROM cases WHERE listing_id = ANY($1) ORDER BY listing_id',
      [[ids.n1, ids.n2]],
    );
    expect(rows.map((r) => [String(r.listing_id), r.priority])).toEqual([
      [ids.n1, 1],
      [ids.n2, 2],
    ]);
    expect(started).toHaveLength(3);
    // A retried activity records nothing twice.
    await openCase('n1', 'shopb');
    expect(await links()).toHaveLength(2);
  });

  it('counts a removed listing whose photo came back after its removal, and no unrelated or earlier one', async () => {
    const m = await computeMetrics(db.pool, may);
    expect(m.relisting).toEqual({
      removed: 3,
      relisted: 1,
      rate: 0.3333,
      bySeller: 0,
      byTitle: 0,
      byContact: 0,
      byPhoto: 1,
    });
    expect(metricsToCsv(m)).toContain('relisting,all,byPhoto,1\r\n');
    // r1 was removed on shopa and came back on shopb; r3 (shopb) only linked from an earlier listing.
    expect((await computeMetrics(db.pool, { ...may, platform: 'shopa' })).relisting).toMatchObject({
      removed: 2,
      relisted: 1,
      byPhoto: 1,
    });
    expect((await computeMetrics(db.pool, { ...may, platform: 'shopb' })).relisting).toMatchObject({
      removed: 1,
      relisted: 0,
      byPhoto: 0,
    });
    // March is untouched.
    expect((await computeMetrics(db.pool, march)).relisting.byPhoto).toBe(0);
  });
});
