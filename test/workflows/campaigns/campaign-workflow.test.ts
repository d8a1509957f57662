// The campaign workflow on the real Temporal dev server, with real activities, PostgreSQL and the SDK
// clients posting to local platform servers. Send times are a few seconds away in several time zones.
import { writeFileSync } from 'node:fs';
import { type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignContentInput } from '../../../shared/campaigns/model.ts';
import {
  getCampaign,
  listDeliveries,
  listRuns,
  skipOccurrence,
} from '../../../shared/campaigns/repository.ts';
import {
  approveCampaignUpdate,
  type CampaignRunInput,
  campaignStateQuery,
  campaignWorkflow,
  cancelCampaignUpdate,
  editCampaignUpdate,
  requestChangesUpdate,
} from '../../../workflows/campaigns/workflow.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { eventually, installTestRuntime } from '../../support/temporal.ts';
import {
  bundleCampaignWorkflow,
  COMMS,
  createCampaign,
  historyToFixture,
  LEAD,
  type Platforms,
  recordingNotifier,
  sendTimeAt,
  startCampaignWorker,
  startPlatforms,
  type TemporalHarness,
  uniqueDigits,
  zonesSharingDate,
} from './helpers.ts';

const FAST_RETRY = { initialIntervalMs: 200, maximumIntervalMs: 500, maximumAttempts: 3 };

/**
 * RECORD_CAMPAIGN_HISTORIES=<prefix> writes `histories/<prefix>-<name>.json` for replay.test.ts. Record
 * under a new prefix after a workflow change: older fixtures stay, as they stand for runs of older code.
 */
function recordFixture(name: string, history: Parameters<typeof historyToFixture>[0]): void {
  const prefix = process.env.RECORD_CAMPAIGN_HISTORIES;
  if (!prefix) return;
  writeFileSync(new URL(`./histories/${prefix}-${name}.json`, import.meta.url), historyToFixture(history));
}

describe('campaign workflow', () => {
  let db: TestDatabase;
  let platforms: Platforms;
  let bundle: WorkflowBundleWithSourceMap;
  let temporal: TemporalHarness;
  const recorder = recordingNotifier();

  beforeAll(async () => {
    installTestRuntime();
    [db, platforms, bundle] = await Promise.all([
      createTestDatabase(),
      startPlatforms(),
      bundleCampaignWorkflow(),
    ]);
    temporal = await startCampaignWorker({ bundle, pool: db.pool, platforms, notifier: recorder.notifier });
  });
  afterAll(async () => {
    await temporal?.stop();
    await platforms?.close();
    await db?.drop();
  });

  /** Three audiences (Slack en, Discord fr, Telegram es) in three zones, due `inMs` apart from now + `firstMs`. */
  function audiences(firstMs: number, stepMs: number) {
    const first = Date.now() + firstMs;
    const { date, zones } = zonesSharingDate(first, first + 2 * stepMs);
    const slackChannel = `C0${uniqueDigits('S')}`;
    const discordChannel = uniqueDigits('10000');
    const telegramChat = `-100${uniqueDigits('')}`;
    const at = [first, first + stepMs, first + 2 * stepMs];
    const content: CampaignContentInput = {
      dayId: 'world-pangolin-day',
      name: 'Pangolin test',
      audiences: [
        {
          platform: 'slack',
          target: slackChannel,
          timeZone: zones[0]!,
          language: 'en',
          sendTime: sendTimeAt(at[0]!, zones[0]!),
        },
        {
          platform: 'discord',
          target: discordChannel,
          timeZone: zones[1]!,
          language: 'fr',
          sendTime: sendTimeAt(at[1]!, zones[1]!),
        },
        {
          platform: 'telegram',
          target: telegramChat,
          timeZone: zones[2]!,
          language: 'es',
          sendTime: sendTimeAt(at[2]!, zones[2]!),
        },
      ],
      variants: {
        en: { text: 'Never buy pangolin scales' },
        fr: { text: "N'achetez jamais d'écailles de pangolin" },
        es: { text: 'Nunca compres escamas de pangolín' },
      },
    };
    return { date, content, slackChannel, discordChannel, telegramChat, at };
  }

  /** A lead's approval already given for this occurrence (as a previous run of the revision would record). */
  async function approveFor(campaignId: string, date: string) {
    await db.pool.query(
      'UPDATE campaigns SET approved_revision = revision, approved_by = $2, approved_occurrence = $3 WHERE id = $1',
      [campaignId, LEAD, date],
    );
  }

  async function waitForPhase(handle: WorkflowHandle, phase: string) {
    await eventually(async () => (await handle.query(campaignStateQuery)).phase === phase, phase);
  }

  async function start(campaignId: string, input: Omit<CampaignRunInput, 'campaignId'>) {
    return temporal.client.workflow.start(campaignWorkflow, {
      taskQueue: temporal.taskQueue,
      workflowId: `campaign-${campaignId}-${input.date}`,
      args: [{ campaignId, postRetry: FAST_RETRY, ...input }],
    });
  }

  it('waits for a comms lead, then posts to each audience at its local send time in its language', async () => {
    const a = audiences(6000, 1500);
    const campaign = await createCampaign(db.pool, a.content);
    const handle = await start(campaign.id, { date: a.date });

    await waitForPhase(handle, 'awaiting_approval');
    const refusal = await handle
      .executeUpdate(approveCampaignUpdate, { args: [{ actor: COMMS, revision: 1 }] })
      .catch((e) => e);
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(refusal.cause.message).toBe('UCOMMS is not a comms lead for this campaign');
    const stale = await handle
      .executeUpdate(approveCampaignUpdate, { args: [{ actor: LEAD, revision: 0 }] })
      .catch((e) => e);
    expect(stale.cause.message).toMatch(/revision 0 is out of date/);

    const approved = await handle.executeUpdate(approveCampaignUpdate, {
      args: [{ actor: LEAD, revision: 1 }],
    });
    expect(approved).toMatchObject({ phase: 'scheduled', approvedBy: LEAD, approvedRevision: 1 });
    expect(
      platforms.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === a.slackChannel),
    ).toHaveLength(0);

    const final = await handle.result();
    expect(final.phase).toBe('completed');
    // Every post went out at (not before) its audience's local send time, in plan order.
    for (const d of final.deliveries) {
      const planned = final.plan.find((p) => p.audienceKey === d.audienceKey)!;
      expect(d.status).toBe('sent');
      expect(d.at).toBeGreaterThanOrEqual(planned.sendAt);
      expect(d.at - planned.sendAt).toBeLessThan(3000);
    }
    expect(final.deliveries.map((d) => d.platform)).toEqual(['slack', 'discord', 'telegram']);
    expect(final.plan.map((p) => p.sendAt)).toEqual(a.at.map((t) => Math.floor(t / 1000) * 1000));

    const slackPost = platforms.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === a.slackChannel)!;
    expect(slackPost.args.text).toBe('Never buy pangolin scales');
    expect(platforms.discord.messages.get(a.discordChannel)![0]!.content).toBe(
      "N'achetez jamais d'écailles de pangolin",
    );
    expect(platforms.telegram.sent.get(a.telegramChat)![0]!.text).toBe('Nunca compres escamas de pangolín');

    const rows = await listDeliveries(db.pool, { workflowId: handle.workflowId });
    expect(rows.map((r) => [r.platform, r.status, r.language])).toEqual([
      ['slack', 'sent', 'en'],
      ['discord', 'sent', 'fr'],
      ['telegram', 'sent', 'es'],
    ]);
    expect(rows.every((r) => r.messageId)).toBe(true);
    expect(rows[1]!.messageId).toBe(platforms.discord.messages.get(a.discordChannel)![0]!.id);
    expect((await listRuns(db.pool, campaign.id))[0]).toMatchObject({
      status: 'sent',
      occurrenceDate: a.date,
    });
    expect((await getCampaign(db.pool, campaign.id)).status).toBe('sent');
    expect(recorder.summaries.at(-1)).toEqual({ phase: 'completed', sent: 3 });
    // The recorded history replays without nondeterminism.
    await Worker.runReplayHistory({ workflowBundle: bundle }, await handle.fetchHistory(), handle.workflowId);
  });

  it("waits as long as a platform's rate limit asks before retrying", async () => {
    const a = audiences(2500, 200);
    const campaign = await createCampaign(db.pool, a.content);
    await approveFor(campaign.id, a.date);
    platforms.telegram.failNext({ errorCode: 429, retryAfter: 3, chatId: a.telegramChat }, 1, 'sendMessage');
    const final = await (await start(campaign.id, { date: a.date })).result();
    const telegram = final.deliveries.find((d) => d.platform === 'telegram')!;
    const planned = final.plan.find((p) => p.platform === 'telegram')!;
    expect(telegram).toMatchObject({ status: 'sent', attempts: 2 });
    // Our own retry policy would have retried after 200 ms; Telegram asked for 3 s.
    expect(telegram.at - planned.sendAt).toBeGreaterThanOrEqual(3000);
    expect(final.deliveries.find((d) => d.platform === 'slack')).toMatchObject({
      status: 'sent',
      attempts: 1,
    });
  });

  it('retries a failing channel and reports it, without holding up the others', async () => {
    const a = audiences(3000, 500);
    const campaign = await createCampaign(db.pool, a.content);
    await approveFor(campaign.id, a.date);
    // Slack (due first) fails twice then succeeds; Telegram keeps failing with 500; Discord works.
    platforms.slack.failNext('chat.postMessage', 'internal_error', 2);
    platforms.telegram.failNext({ errorCode: 500, chatId: a.telegramChat }, 100, 'sendMessage');
    recorder.retrying.length = 0;
    recorder.problems.length = 0;
    try {
      const handle = await start(campaign.id, { date: a.date });
      const final = await handle.result();
      const byPlatform = Object.fromEntries(final.deliveries.map((d) => [d.platform, d]));
      const planned = Object.fromEntries(final.plan.map((p) => [p.platform, p]));
      expect(byPlatform.slack).toMatchObject({ status: 'sent', attempts: 3 });
      expect(byPlatform.discord).toMatchObject({ status: 'sent', attempts: 1 });
      expect(byPlatform.telegram).toMatchObject({ status: 'failed', attempts: 3 });
      expect(byPlatform.telegram!.error).toMatch(/telegram: 500 Internal Server Error/);
      // Discord went out on time while Slack was still being retried.
      expect(byPlatform.discord!.at - planned.discord!.sendAt).toBeLessThan(1000);
      expect(byPlatform.discord!.at).toBeLessThan(byPlatform.slack!.at);
      expect(
        platforms.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === a.slackChannel),
      ).toHaveLength(3);
      expect((await listRuns(db.pool, campaign.id))[0]!.status).toBe('partially_sent');
      const rows = await listDeliveries(db.pool, { campaignId: campaign.id });
      expect(rows.find((r) => r.platform === 'telegram')).toMatchObject({ status: 'failed', attempts: 3 });
      // Every failed attempt was shown on the card while the next one waited (workflow-driven retries).
      expect(recorder.retrying.filter((r) => r.platform === 'telegram').map((r) => r.attempt)).toEqual([
        1, 2,
      ]);
      expect(recorder.problems.map((p) => [p.platform, p.attempt])).toEqual([
        ['slack', 1],
        ['telegram', 1],
      ]);
      const history = await handle.fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, handle.workflowId);
      recordFixture('failing-audiences', history);
    } finally {
      platforms.telegram.clearFailures();
      platforms.discord.clearFailures();
    }
  });

  it('stops retrying at once when a platform says the chat does not exist', async () => {
    const a = audiences(2500, 200);
    platforms.telegram.unknownChats.add(a.telegramChat);
    const campaign = await createCampaign(db.pool, a.content);
    await approveFor(campaign.id, a.date);
    const final = await (await start(campaign.id, { date: a.date })).result();
    expect(final.deliveries.find((d) => d.platform === 'telegram')).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: 'telegram: 400 Bad Request: chat not found',
    });
    expect(final.deliveries.filter((d) => d.status === 'sent')).toHaveLength(2);
  });

  it('posts nothing once cancelled before the send time', async () => {
    const a = audiences(5000, 500);
    const campaign = await createCampaign(db.pool, a.content);
    const handle = await start(campaign.id, { date: a.date });
    await waitForPhase(handle, 'awaiting_approval');
    await handle.executeUpdate(approveCampaignUpdate, { args: [{ actor: LEAD, revision: 1 }] });
    const cancelled = await handle.executeUpdate(cancelCampaignUpdate, {
      args: [{ actor: LEAD, reason: 'embargo' }],
    });
    expect(cancelled.phase).toBe('cancelled');
    const final = await handle.result();
    expect(final).toMatchObject({
      phase: 'cancelled',
      deliveries: [],
      cancelled: { actor: LEAD, reason: 'embargo' },
    });
    // Wait past the last send time: still nothing anywhere.
    await new Promise((r) => setTimeout(r, Math.max(0, a.at[2]! - Date.now() + 500)));
    expect(
      platforms.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === a.slackChannel),
    ).toEqual([]);
    expect(platforms.discord.messages.get(a.discordChannel)).toBeUndefined();
    expect(
      platforms.telegram.callsTo('sendMessage').filter((c) => String(c.params.chat_id) === a.telegramChat),
    ).toEqual([]);
    expect((await getCampaign(db.pool, campaign.id)).status).toBe('cancelled');
    expect((await listRuns(db.pool, campaign.id))[0]!.status).toBe('cancelled');
    const late = await handle
      .executeUpdate(approveCampaignUpdate, { args: [{ actor: LEAD, revision: 1 }] })
      .catch((e) => e);
    expect(late).toBeDefined();
  });

  it('takes edits before the send time: changes requested, edited, re-approved, new text posted', async () => {
    const a = audiences(7000, 300);
    const campaign = await createCampaign(db.pool, a.content);
    const handle = await start(campaign.id, { date: a.date });
    await waitForPhase(handle, 'awaiting_approval');

    const asked = await handle.executeUpdate(requestChangesUpdate, {
      args: [{ actor: LEAD, note: 'add the report link' }],
    });
    expect(asked).toMatchObject({
      phase: 'changes_requested',
      changesRequested: { actor: LEAD, note: 'add the report link' },
    });

    const content = {
      ...asked.content,
      variants: { ...asked.content.variants, en: { text: 'Report pangolin sales: https://example.org/r' } },
    };
    const notAllowed = await handle
      .executeUpdate(editCampaignUpdate, { args: [{ actor: 'UOTHER', content }] })
      .catch((e) => e);
    expect(notAllowed.cause.message).toBe('UOTHER may not edit this campaign');
    const otherDay = await handle
      .executeUpdate(editCampaignUpdate, {
        args: [{ actor: COMMS, content: { ...content, dayId: 'world-elephant-day' } }],
      })
      .catch((e) => e);
    expect(otherDay.cause.message).toMatch(/wildlife day cannot change/);

    const edited = await handle.executeUpdate(editCampaignUpdate, { args: [{ actor: COMMS, content }] });
    expect(edited).toMatchObject({ phase: 'awaiting_approval', revision: 2 });
    const stale = await handle
      .executeUpdate(approveCampaignUpdate, { args: [{ actor: LEAD, revision: 1 }] })
      .catch((e) => e);
    expect(stale.cause.message).toMatch(/out of date/);
    await handle.executeUpdate(approveCampaignUpdate, { args: [{ actor: LEAD, revision: 2 }] });

    const final = await handle.result();
    expect(final.deliveries.every((d) => d.status === 'sent')).toBe(true);
    const slackPost = platforms.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === a.slackChannel)!;
    expect(slackPost.args.text).toBe('Report pangolin sales: https://example.org/r');
    const stored = await getCampaign(db.pool, campaign.id);
    expect(stored).toMatchObject({ revision: 2, approvedRevision: 2, status: 'sent' });
    expect(stored.variants.en!.text).toBe('Report pangolin sales: https://example.org/r');
    const { rows } = await db.pool.query(
      "SELECT action, actor FROM audit_log WHERE subject_type = 'campaign' AND subject_id = $1 ORDER BY seq",
      [campaign.id],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'campaign.created',
      'campaign.changes_requested',
      'campaign.edited',
      'campaign.approved',
      'campaign.sent',
    ]);
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, handle.workflowId);
    recordFixture('edit-approve-send', history);
  });

  it('expires without posting when nobody approves in time, recording the misses', async () => {
    const a = audiences(1000, 200);
    const campaign = await createCampaign(db.pool, a.content);
    const final = await (await start(campaign.id, { date: a.date, lateGraceMs: 1000 })).result();
    expect(final.phase).toBe('expired');
    expect(final.deliveries.map((d) => d.status)).toEqual(['missed', 'missed', 'missed']);
    expect(
      platforms.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === a.slackChannel),
    ).toEqual([]);
    expect((await listRuns(db.pool, campaign.id))[0]!.status).toBe('expired');
  });

  it('lets only one run post for an occurrence', async () => {
    const a = audiences(60_000, 100);
    const campaign = await createCampaign(db.pool, a.content);
    const first = await start(campaign.id, { date: a.date });
    await waitForPhase(first, 'awaiting_approval');
    const second = await temporal.client.workflow.start(campaignWorkflow, {
      taskQueue: temporal.taskQueue,
      workflowId: `campaign-${campaign.id}-scheduled`,
      args: [{ campaignId: campaign.id, date: a.date }],
    });
    expect((await second.result()).phase).toBe('duplicate');
    await first.executeUpdate(cancelCampaignUpdate, { args: [{ actor: COMMS }] });
    expect((await first.result()).phase).toBe('cancelled');
    // A schedule firing next year for a cancelled campaign starts a run that does nothing.
    const nextYear = await start(campaign.id, {
      date: `${Number(a.date.slice(0, 4)) + 1}${a.date.slice(4)}`,
    });
    expect(await nextYear.result()).toMatchObject({ phase: 'cancelled', deliveries: [] });
  });

  it('asks again each year: an approval covers its occurrence; a skipped year posts nothing, the series goes on', async () => {
    const a = audiences(60_000, 100);
    const campaign = await createCampaign(db.pool, {
      ...a.content,
      when: { kind: 'day', repeat: 'yearly', daysBefore: 0 },
    });
    await approveFor(campaign.id, a.date);
    const year = Number(a.date.slice(0, 4));
    const nextYear = `${year + 1}${a.date.slice(4)}`;
    const next = await start(campaign.id, { date: nextYear });
    await waitForPhase(next, 'awaiting_approval');
    expect(await next.query(campaignStateQuery)).toMatchObject({ approvedRevision: null, revision: 1 });
    // Cancelling one occurrence leaves the campaign (and its yearly series) alive.
    await next.executeUpdate(cancelCampaignUpdate, { args: [{ actor: COMMS, occurrenceOnly: true }] });
    expect((await next.result()).phase).toBe('cancelled');
    expect((await getCampaign(db.pool, campaign.id)).status).toBe('pending_approval');

    const later = `${year + 2}${a.date.slice(4)}`;
    expect(await skipOccurrence(db.pool, campaign.id, later, LEAD)).toBe(true);
    expect(await skipOccurrence(db.pool, campaign.id, later, LEAD)).toBe(false);
    const skipped = await start(campaign.id, { date: later });
    expect(await skipped.result()).toMatchObject({ phase: 'skipped', deliveries: [] });
    expect((await listRuns(db.pool, campaign.id)).map((r) => [r.occurrenceDate, r.status])).toEqual([
      [nextYear, 'cancelled'],
    ]);
  });
});
