// The learning loop end to end (issue 18), on PostgreSQL and the Temporal dev server, with Bolt behind its
// signature check, the local Slack Web API and the local Telegram Bot API: seeded cases and decisions → the
// mining workflow proposes the planted term → a curator accepts it in Slack → a lead approves → a new library
// version goes live → a new listing with the term is flagged, the volunteer whose report held it hears so,
// and term performance counts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptModal } from '../../bots/slack/term-candidates.ts';
import { compileLibrary } from '../../detectors/text/compile.ts';
import { getActiveLibrary } from '../../detectors/text/index.ts';
import { getVersion, latestVersion } from '../../keywords/versions.ts';
import { currentLibrary } from '../../workflows/terms/current-library.ts';
import { termPerformance } from '../../workflows/terms/performance.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-bot-api.ts';
import { eventually } from '../support/temporal.ts';
import { buttonIds, type ReviewHarness, startReviewHarness } from './support/review-system.ts';

const CURATION = 'C0CURATE';
const TG_TOKEN = '4242:term-loop';
const VOLUNTEER_CHAT = '5550001';
let h: ReviewHarness;
let telegram: FakeTelegram;

const GENERIC = [
  'Vintage leather handbag, good condition',
  'Wooden carving of a horse, hand made',
  'Silver bracelet with blue stones',
  'Old bamboo fishing rod for sale',
  'Handmade ceramic bowl set, DM me',
  'Carved jade pendant on a cord',
  'Bone china tea cups, six pieces',
  'White marble chess set, heavy',
];

async function seedOutcomes() {
  const db = h.db.pool;
  let n = 0;
  const listing = async (title: string, description: string, at = "now() - interval '3 days'") => {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO listings (platform_id, external_id, url, title, description, language, raw, received_at)
       VALUES ('shop', $1, $2, $3, $4, 'en', '{}', ${at}) RETURNING id`,
      [`S-${++n}`, `https://shop.example/items/S-${n}`, title, description],
    );
    return rows[0]!.id;
  };
  const detection = (listingId: string, verdict: string) =>
    db.query(
      `INSERT INTO detections (listing_id, detector, verdict, score, created_at)
       VALUES ($1, 'screening', $2, $3, now() - interval '3 days')`,
      [listingId, verdict, verdict === 'allow' ? 0.1 : 0.6],
    );
  const kase = (listingId: string, status: string) =>
    db.query(
      `INSERT INTO cases (id, listing_id, status, verdict, opened_at, decided_at)
       VALUES ($1, $2, $3, 'review', now() - interval '3 days', now() - interval '2 days')`,
      [`case-seed-${listingId}`, listingId, status],
    );
  // Confirmed cases whose sellers wrote the code word beside other trade words.
  for (const [i, title] of [
    'Snowbone bangle, old',
    'Carved snowbone pendant',
    'Snowbone chopsticks pair',
    'Genuine snowbone figurine',
  ].entries()) {
    const id = await listing(title, `Real snowbone, not resin. Ships from Lagos, item ${i}`);
    await detection(id, 'review');
    await kase(id, 'taken_down');
  }
  // Two listings screening allowed, which volunteers reported and reviewers confirmed.
  const { rows: vol } = await db.query<{ id: string }>(
    `INSERT INTO volunteers (channel, external_user_id, language, consented_at) VALUES ('telegram', $1, 'fr', now()) RETURNING id`,
    [VOLUNTEER_CHAT],
  );
  for (const title of ['Snowbone bracelet for collectors', 'Small snowbone carving, WhatsApp']) {
    const id = await listing(title, 'Serious buyers only');
    await detection(id, 'allow');
    await kase(id, 'approved');
    await db.query(
      `INSERT INTO reports (volunteer_id, case_id, platform_id, listing_url, outcome, created_at)
       VALUES ($1, $2, 'shop', $3, 'confirmed', now() - interval '3 days' + interval '1 hour')`,
      [vol[0]!.id, `case-seed-${id}`, `https://shop.example/items/S-${n}`],
    );
  }
  // Rejected cases and allowed listings: the words they share with the positives are no candidates.
  for (const title of [
    'Carved bone pendant, cow bone',
    'Resin bangle, ivory colour',
    'Old pendant, genuine silver',
  ]) {
    const id = await listing(title, 'Ships from Lagos, not resin');
    await detection(id, 'review');
    await kase(id, 'rejected');
  }
  for (let i = 0; i < 40; i++) {
    const id = await listing(GENERIC[i % GENERIC.length]!, `Ships from Lagos, item ${i}, genuine`);
    await detection(id, 'allow');
  }
}

beforeAll(async () => {
  telegram = await startFakeTelegram({ token: TG_TOKEN });
  h = await startReviewHarness('terms', {
    SLACK_CURATION_CHANNEL: CURATION,
    TELEGRAM_BOT_TOKEN: TG_TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TERM_CANDIDATES_PER_WEEK: '3',
  });
  await seedOutcomes();
}, 120_000);
afterAll(async () => {
  await h?.close();
  await telegram?.close();
});

const cardOf = (ts: string) => h.slack.messages.get(`${CURATION}/${ts}`)!;

describe('a planted code word found in confirmed cases and missed reports', () => {
  it('is mined, accepted, approved, goes live and flags a new listing', { timeout: 180_000 }, async () => {
    // Nothing in the bundled library knows the word: a listing with it alone is allowed today.
    const before = await h.api('/v1/listings', {
      method: 'POST',
      body: JSON.stringify({
        externalId: 'N-0',
        title: 'Snowbone bangle',
        description: 'serious buyers',
        language: 'en',
      }),
    });
    expect(((await before.json()) as { caseId: string | null }).caseId).toBeNull();

    // The weekly schedule exists; its workflow is run here at once.
    const schedule = await h.system.temporal.schedule.getHandle('weekly-term-mining').describe();
    expect(schedule.action).toMatchObject({ workflowType: 'termMiningWorkflow' });
    const run = await h.system.temporal.workflow.execute('termMiningWorkflow', {
      taskQueue: h.config.TEMPORAL_TASK_QUEUE,
      workflowId: `term-mining-test-${Date.now()}`,
      args: [{ channel: CURATION, limit: 3, minSupport: 3, runKey: 'test-run' }],
    });
    expect(run.posted).toBeGreaterThan(0);
    const { rows: candidates } = await h.db.pool.query(
      `SELECT id, term, language, positives, missed, negatives, slack_ts, report_ids FROM term_candidates ORDER BY score DESC`,
    );
    expect(candidates.length).toBeLessThanOrEqual(3);
    const planted = candidates.find((c) => c.term === 'snowbone');
    expect(planted).toMatchObject({ language: 'en', positives: 6, missed: 2, negatives: 1 });
    expect(planted.report_ids).toHaveLength(2);
    // Words shared with rejected and allowed listings were not proposed.
    expect(candidates.map((c) => c.term)).not.toContain('lagos');

    // The card shows the counts and examples, with Accept and Dismiss.
    const card = cardOf(planted.slack_ts);
    expect(buttonIds(card)).toEqual(['term_candidate_accept', 'term_candidate_dismiss']);
    expect(JSON.stringify(card.blocks)).toContain(
      '6 of 6 confirmed or missed listings (2 from volunteer reports',
    );

    // A curator (reviewer U1) accepts: the modal opens, and its submission is stored and applied.
    expect(
      (
        await h.click({
          actionId: 'term_candidate_accept',
          caseId: planted.id,
          userId: 'U1',
          actionTs: '1800000100.000001',
          channel: CURATION,
        })
      ).status,
    ).toBe(200);
    await eventually(
      async () =>
        h.slack
          .callsTo('views.open')
          .find((c) => JSON.stringify(c.args.view).includes('term_candidate_accept_modal')),
      'the accept modal',
    );
    const submitted = await h.submit({
      callbackId: 'term_candidate_accept_modal',
      userId: 'U1',
      privateMetadata: String(
        acceptModal({ id: planted.id, term: 'snowbone', language: 'en' }, CURATION).private_metadata,
      ),
      values: {
        kind: { selected: 'code' },
        species: 'african-elephant',
        strength: { selected: 'strong' },
        language: 'en',
      },
    });
    expect(submitted.status).toBe(200);
    await eventually(
      async () => (buttonIds(cardOf(planted.slack_ts)).includes('term_proposal_approve') ? true : undefined),
      'the lead buttons',
    );
    const { rows: proposals } = await h.db.pool.query(
      `SELECT id, status, kind, strength, species, source FROM keyword_proposals`,
    );
    expect(proposals).toEqual([
      expect.objectContaining({
        status: 'pending',
        kind: 'code',
        strength: 'strong',
        species: 'african-elephant',
        source: 'mined',
      }),
    ]);

    // The curator cannot approve their own proposal; a lead can.
    await h.click({
      actionId: 'term_proposal_approve',
      caseId: proposals[0].id,
      userId: 'U1',
      actionTs: '1800000100.000002',
      channel: CURATION,
    });
    await eventually(
      async () => h.ephemeralsTo('U1').find((c) => String(c.args.text).includes('only a lead')),
      'the refusal',
    );
    expect(await latestVersion(h.db.pool)).toBeUndefined();
    await h.click({
      actionId: 'term_proposal_approve',
      caseId: proposals[0].id,
      userId: 'UL1',
      actionTs: '1800000100.000003',
      channel: CURATION,
    });
    const published = await eventually(() => latestVersion(h.db.pool), 'the new library version');
    expect(published.version).toBe('1.0.1');
    const library = await getVersion(h.db.pool, published.version);
    expect(library.entries.find((e) => e.term === 'snowbone')).toMatchObject({
      kind: 'code',
      language: 'en',
      species: 'african-elephant',
      status: 'active',
      addedIn: '1.0.1',
    });
    const { rows: audit } = await h.db.pool.query(
      `SELECT action, actor FROM audit_log WHERE action IN ('keyword.proposed', 'keyword.approved', 'keywords.publish') ORDER BY seq`,
    );
    expect(audit).toEqual([
      { action: 'keyword.proposed', actor: 'slack:U1' },
      { action: 'keywords.publish', actor: 'slack:UL1' },
      { action: 'keyword.approved', actor: 'slack:UL1' },
    ]);
    await eventually(
      async () =>
        JSON.stringify(cardOf(planted.slack_ts).blocks).includes('library version 1.0.1') ? true : undefined,
      'the adopted card',
    );

    // Live in the running system: a new listing with the term is flagged and opens a case.
    expect(getActiveLibrary().version).toBe('1.0.1');
    const caseId = await h.ingest({
      externalId: 'N-1',
      title: 'Snowbone bangle',
      description: 'serious buyers',
      price: 90,
      currency: 'USD',
    });
    expect(caseId).toMatch(/^case-/);

    // The volunteer behind the missed reports hears it once, in French.
    const told = await eventually(async () => telegram.sent.get(VOLUNTEER_CHAT), 'the volunteer notice');
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('snowbone');
    expect(told[0]!.text).toContain('Votre signalement a aidé');

    // Term performance sees the term's flag and the two missed reports it matches now.
    const perf = await termPerformance(
      h.db.pool,
      { from: new Date(Date.now() - 30 * 864e5), to: new Date(Date.now() + 864e5) },
      compileLibrary(await currentLibrary(h.db.pool)),
    );
    expect(perf.find((r) => r.entry === 'en|code|snowbone')).toMatchObject({
      flagged: 1,
      pending: 1,
      missed: 2,
    });
  });
});
