// Durable before acknowledged, end to end: the whole system on PostgreSQL and the Temporal dev server,
// Bolt behind its signature check, the local Slack Web API and a platform webhook. A process that cannot
// apply clicks (no worker: Temporal accepts no update) still acknowledges them within Slack's budget,
// because they are stored first; it then stops before applying them, and the system started again on the
// same data applies each one as clicked and tells the reviewer of a refusal.
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectModal } from '../../bots/slack/review-modals.ts';
import { type RunningSystem, startSystem } from '../../cli/system.ts';
import { type CaseState, caseStateQuery } from '../../workflows/case-workflow.ts';
import { sendBlockAction, sendViewSubmission } from '../fakes/slack-interactions.ts';
import { bundleWorkflows, eventually } from '../support/temporal.ts';
import {
  buttonIds,
  CHANNEL,
  type ReviewHarness,
  SIGNING_SECRET,
  startReviewHarness,
} from './support/review-system.ts';

let h: ReviewHarness;
let bundle: WorkflowBundleWithSourceMap;
const running: RunningSystem[] = [];
let n = 0;
const listing = () => ({
  externalId: `D-${++n}`,
  url: `https://shop.example/items/D-${n}`,
  title: `Carved ivory bangle ${n}`,
  description: 'Genuine ivory, old stock, WhatsApp me',
  price: 300,
  currency: 'USD',
});

beforeAll(async () => {
  bundle = await bundleWorkflows();
  h = await startReviewHarness('durable', {}, { workflowBundle: bundle });
});
afterAll(async () => {
  for (const s of running.reverse()) await s.stop();
  await Promise.all([h?.slack.close(), h?.platform.close()]);
  await h?.db.drop();
});

const inboxRows = async () =>
  (
    await h.db.pool.query<{ id: string; kind: string; processed: boolean }>(
      'SELECT id, kind, processed_at IS NOT NULL AS processed FROM inbox ORDER BY received_at',
    )
  ).rows;
const caseStatus = async (caseId: string) =>
  (await h.db.pool.query<{ status: string }>('SELECT status FROM cases WHERE id = $1', [caseId])).rows[0]
    ?.status;

describe('a click acknowledged just before the process dies', () => {
  it('is applied as clicked when the system starts again, and a refusal reaches the reviewer', {
    timeout: 150_000,
  }, async () => {
    const approveCase = await h.ingest(listing());
    const rejectCase = await h.ingest(listing());
    const refusedCase = await h.ingest(listing());
    await h.system.stop();

    // A bots-and-API process with no worker anywhere: Temporal can accept no update now.
    const bots = await startSystem(h.config, { roles: ['api', 'bots'] });
    running.push(bots);
    const events = `${bots.apiUrl}/slack/events`;
    const signed = { signingSecret: SIGNING_SECRET };

    const started = Date.now();
    const click = await sendBlockAction(
      events,
      { actionId: 'case_approve', value: approveCase, userId: 'U1', actionTs: '1800000000.000001' },
      signed,
    );
    const ackMs = Date.now() - started;
    expect(click.status).toBe(200);
    expect(ackMs).toBeLessThan(3_000);
    // Stored by the time Slack had its ack.
    expect(await inboxRows()).toEqual([
      { id: 'slack:1800000000.000001:U1', kind: 'slack.review', processed: false },
    ]);

    const modal = await sendViewSubmission(
      events,
      {
        callbackId: 'case_reject_modal',
        userId: 'U2',
        viewId: 'VREJECT1',
        privateMetadata: String(rejectModal({ caseId: rejectCase, channel: CHANNEL }).private_metadata),
        values: { reason: { selected: 'imitation' }, note: 'resin' },
      },
      signed,
    );
    expect(modal.status).toBe(200);
    // U9 holds no review role: the workflow will refuse, and U9 must hear why.
    const refused = await sendBlockAction(
      events,
      { actionId: 'case_approve', value: refusedCase, userId: 'U9', actionTs: '1800000000.000002' },
      signed,
    );
    expect(refused.status).toBe(200);

    // The process dies before anything was applied.
    await bots.stop();
    running.pop();
    expect((await inboxRows()).map((r) => r.processed)).toEqual([false, false, false]);
    expect(await caseStatus(approveCase)).toBe('open');
    expect(await caseStatus(rejectCase)).toBe('open');

    // The whole system again, on the same data: start-up recovery applies what was acknowledged.
    const again = await startSystem(h.config, { workflowBundle: bundle });
    running.push(again);
    const state = (caseId: string) => again.temporal.workflow.getHandle(caseId).query(caseStateQuery);
    const waitFor = (caseId: string, ok: (s: CaseState) => boolean, what: string) =>
      eventually(async () => {
        const s = await state(caseId);
        return ok(s) ? s : undefined;
      }, what);

    const approved = await waitFor(approveCase, (s) => s.status === 'taken_down', 'the recovered approval');
    expect(approved.decision).toMatchObject({ actor: 'U1', decision: 'approve' });
    const rejected = await waitFor(rejectCase, (s) => s.status === 'rejected', 'the recovered rejection');
    expect(rejected.decision).toMatchObject({ actor: 'U2', reasonCode: 'imitation', reason: 'resin' });
    expect((await state(refusedCase)).status).toBe('open');

    // Exactly one takedown for the approval, and the reviewers learn every outcome.
    expect(
      h.platform.requests.filter((r) => r.body.caseId === approveCase).map((r) => r.body.action),
    ).toEqual(['remove_listing']);
    const refusal = await eventually(async () => h.ephemeralsTo('U9').at(-1), 'the refusal');
    expect(refusal.args).toMatchObject({ channel: CHANNEL });
    expect(String(refusal.args.text)).toMatch(/^Your decision was not applied: .*U9.*not an authorised/);
    const card = await eventually(async () => {
      const c = await h.card(approveCase);
      return JSON.stringify(c.blocks).includes('Taken down') ? c : undefined;
    }, 'the refreshed card');
    expect(buttonIds(card)).not.toContain('case_approve');
    await eventually(
      async () => ((await inboxRows()).every((r) => r.processed) ? true : undefined),
      'every entry processed',
    );
  });
});
