// Candidate terms another deployment shared (accepted here with `share decide`) reach this deployment's
// curators through the weekly run's posting, on the real Slack SDK against the local Slack fake: once each,
// beside the run's own mined candidates, with a note whose counts they show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebClient } from '../../../bots/slack/app.ts';
import { createSlackTermCandidateNotifier } from '../../../bots/slack/term-candidates.ts';
import { insertCandidates, insertSharedCandidate } from '../../../shared/db/term-candidates.ts';
import { createTermMiningActivities } from '../../../workflows/terms/activities.ts';
import { mrkdwnTexts } from '../../e2e/support/review-system.ts';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const counts = {
  form: 'ngram' as const,
  score: 20,
  positives: 5,
  missed: 1,
  negatives: 1,
  positiveDocs: 30,
  negativeDocs: 300,
};

describe('posting shared candidate terms', () => {
  let db: TestDatabase;
  let slack: FakeSlack;

  beforeAll(async () => {
    [db, slack] = await Promise.all([createTestDatabase(), startFakeSlack({ token: 'xoxb-t' })]);
    await insertCandidates(db.pool, 'week-2026-12-07', [
      {
        ...counts,
        language: 'en',
        term: 'snowbone',
        normalized: 'snowbone',
        examples: [{ listingId: '1', title: 'Snowbone bangle' }],
        reportIds: [],
      },
    ]);
    const shared = {
      ...counts,
      language: 'vi',
      term: 'ngà non',
      normalized: 'nga non',
      status: 'new' as const,
    };
    expect(await insertSharedCandidate(db.pool, shared, 'deploy-a')).toMatch(/^\d+$/);
    // Shared again (a re-import, or a second peer with the same term): the stored one stays.
    expect(await insertSharedCandidate(db.pool, shared, 'deploy-c')).toBeNull();
  });
  afterAll(async () => {
    await Promise.all([db?.drop(), slack?.close()]);
  });

  it("posts the run's candidates and the shared ones not yet on a card, once each", async () => {
    const activities = createTermMiningActivities({
      pool: db.pool,
      notifier: createSlackTermCandidateNotifier(createWebClient('xoxb-t', slack.apiUrl)),
    });
    expect(await activities.postTermCandidates({ runKey: 'week-2026-12-07', channel: 'CCUR' })).toBe(2);
    const posts = slack.callsTo('chat.postMessage').map((c) => mrkdwnTexts(c.args.blocks).join('\n'));
    expect(posts[0]).toContain('`snowbone`');
    expect(posts[0]).not.toContain('shared by');
    expect(posts[1]).toContain('`ngà non`');
    expect(posts[1]).toContain("shared by deploy-a: the counts are from that deployment's reviews.");
    // The next week's run posts its own candidates only: the shared one has its card.
    expect(await activities.postTermCandidates({ runKey: 'week-2026-12-14', channel: 'CCUR' })).toBe(0);
    const { rows } = await db.pool.query(
      "SELECT slack_channel, slack_ts IS NOT NULL AS posted FROM term_candidates WHERE origin = 'shared by deploy-a'",
    );
    expect(rows).toEqual([{ slack_channel: 'CCUR', posted: true }]);
  });
});
