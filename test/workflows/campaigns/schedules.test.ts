// Yearly schedules on the real Temporal dev server: the spec fires on every occurrence the calendar computes,
// and a fired schedule posts to every audience in its language through the real SDK clients.

import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datesInYear, findWildlifeDay } from '../../../shared/campaigns/calendar.ts';
import { addDays } from '../../../shared/campaigns/plan.ts';
import { listDeliveries, listRuns } from '../../../shared/campaigns/repository.ts';
import { zonedTimeToEpochMs } from '../../../shared/campaigns/time.ts';
import {
  calendarForRule,
  deleteCampaignSchedule,
  REAPPROVAL_LEAD_DAYS,
  SCHEDULE_TIME_ZONE,
  scheduledWorkflowIdPrefix,
  scheduleIdFor,
  upsertCampaignSchedule,
} from '../../../workflows/campaigns/schedules.ts';
import type { campaignWorkflow } from '../../../workflows/campaigns/workflow.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { eventually, installTestRuntime } from '../../support/temporal.ts';
import {
  bundleCampaignWorkflow,
  createCampaign,
  LEAD,
  type Platforms,
  sendTimeAt,
  startCampaignWorker,
  startPlatforms,
  type TemporalHarness,
  uniqueDigits,
  zonesSharingDate,
} from './helpers.ts';

/** Midnight in UTC+14, two weeks before each occurrence the calendar computes, for the next `years` years. */
function expectedFireTimes(dayId: string, fromYear: number, years: number): number[] {
  const day = findWildlifeDay(dayId)!;
  const times: number[] = [];
  for (let y = fromYear; y < fromYear + years; y++) {
    for (const date of datesInYear(day, y)) {
      times.push(zonedTimeToEpochMs(addDays(date, -REAPPROVAL_LEAD_DAYS), '00:00', SCHEDULE_TIME_ZONE));
    }
  }
  return times.filter((t) => t > Date.now()).sort((a, b) => a - b);
}

describe('calendar specs', () => {
  it('turns rules into calendar ranges', () => {
    expect(calendarForRule({ kind: 'nth-weekday', month: 2, weekday: 6, nth: 3 })).toEqual({
      month: 'FEBRUARY',
      dayOfMonth: { start: 15, end: 21 },
      dayOfWeek: 'SATURDAY',
      hour: 0,
      minute: 0,
      second: 0,
      comment: 'third Saturday of February',
    });
    expect(calendarForRule({ kind: 'fixed', month: 8, day: 12 })).toMatchObject({
      month: 'AUGUST',
      dayOfMonth: 12,
    });
    expect(calendarForRule({ kind: 'nth-weekday', month: 5, weekday: 1, nth: -1 })).toMatchObject({
      dayOfMonth: { start: 25, end: 31 },
      dayOfWeek: 'MONDAY',
    });
  });
});

describe('yearly campaign schedules', () => {
  let db: TestDatabase;
  let platforms: Platforms;
  let bundle: WorkflowBundleWithSourceMap;
  let temporal: TemporalHarness;

  beforeAll(async () => {
    installTestRuntime();
    [db, platforms, bundle] = await Promise.all([
      createTestDatabase(),
      startPlatforms(),
      bundleCampaignWorkflow(),
    ]);
    temporal = await startCampaignWorker({ bundle, pool: db.pool, platforms });
  });
  afterAll(async () => {
    await temporal?.stop();
    await platforms?.close();
    await db?.drop();
  });

  it.each([
    ['world-pangolin-day', 1],
    ['world-migratory-bird-day', 2],
    ['world-elephant-day', 1],
    ['endangered-species-day', 1],
  ])('fires %s on the dates the calendar computes', async (dayId, perYear) => {
    const campaign = { id: `spec-${dayId}-${Date.now()}`, dayId, name: dayId };
    const handle = await upsertCampaignSchedule(temporal.client, {
      campaign,
      taskQueue: temporal.taskQueue,
      paused: true,
    });
    try {
      const described = await handle.describe();
      const next = described.info.nextActionTimes.map((d) => d.getTime());
      const thisYear = new Date().getUTCFullYear();
      expect(next.length).toBeGreaterThanOrEqual(perYear * 2);
      expect(next).toEqual(expectedFireTimes(dayId, thisYear, 5).slice(0, next.length));
      expect(described.spec.timezone).toBe(SCHEDULE_TIME_ZONE);
      // a second upsert updates instead of failing
      await upsertCampaignSchedule(temporal.client, {
        campaign: { ...campaign, name: 'renamed' },
        taskQueue: temporal.taskQueue,
        paused: true,
      });
      expect((await handle.describe()).state.note).toBe(`renamed (${dayId})`);
    } finally {
      expect(await deleteCampaignSchedule(temporal.client, campaign.id)).toBe(true);
    }
    expect(await deleteCampaignSchedule(temporal.client, campaign.id)).toBe(false);
  });

  it('fires and posts to every audience in its language', async () => {
    const first = Date.now() + 4000;
    const { date, zones } = zonesSharingDate(first, first + 1000);
    const slackChannel = `C0${uniqueDigits('Y')}`;
    const discordChannel = uniqueDigits('20000');
    const telegramChat = `-100${uniqueDigits('')}`;
    const campaign = await createCampaign(db.pool, {
      dayId: 'world-elephant-day',
      name: 'Elephant Day every year',
      audiences: [
        {
          platform: 'slack',
          target: slackChannel,
          timeZone: zones[0]!,
          language: 'en',
          sendTime: sendTimeAt(first, zones[0]!),
        },
        {
          platform: 'discord',
          target: discordChannel,
          timeZone: zones[1]!,
          language: 'pt',
          sendTime: sendTimeAt(first + 500, zones[1]!),
        },
        {
          platform: 'telegram',
          target: telegramChat,
          timeZone: zones[2]!,
          language: 'zh',
          sendTime: sendTimeAt(first + 1000, zones[2]!),
        },
      ],
      variants: {
        en: { text: 'Say no to ivory' },
        pt: { text: 'Diga não ao marfim' },
        zh: { text: '请拒绝象牙制品', imageUrl: 'https://example.org/elephant.jpg' },
      },
    });
    // A comms lead approved this year's run already (as the run started two weeks ahead would record).
    await db.pool.query(
      "UPDATE campaigns SET approved_revision = revision, approved_by = $2, approved_occurrence = $3, status = 'scheduled' WHERE id = $1",
      [campaign.id, LEAD, date],
    );

    const handle = await upsertCampaignSchedule(temporal.client, {
      campaign,
      taskQueue: temporal.taskQueue,
      // The injected occurrence date stands in for "today is Elephant Day".
      runInput: { date, postRetry: { initialIntervalMs: 200, maximumIntervalMs: 500, maximumAttempts: 3 } },
    });
    try {
      await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      const workflowId = await eventually(async () => {
        const actions = (await handle.describe()).info.recentActions;
        return actions[0]?.action.workflow.workflowId;
      }, 'the schedule to start a run');
      expect(workflowId.startsWith(scheduledWorkflowIdPrefix(campaign.id))).toBe(true);
      expect(handle.scheduleId).toBe(scheduleIdFor(campaign.id));

      const final = await temporal.client.workflow.getHandle<typeof campaignWorkflow>(workflowId).result();
      expect(final.phase).toBe('completed');
      expect(final.deliveries.map((d) => [d.platform, d.language, d.status]).sort()).toEqual([
        ['discord', 'pt', 'sent'],
        ['slack', 'en', 'sent'],
        ['telegram', 'zh', 'sent'],
      ]);
      expect(
        platforms.slack.callsTo('chat.postMessage').find((c) => c.args.channel === slackChannel)!.args.text,
      ).toBe('Say no to ivory');
      expect(platforms.discord.messages.get(discordChannel)![0]!.content).toBe('Diga não ao marfim');
      const photo = platforms.telegram.sent.get(telegramChat)![0]!;
      expect(photo.caption).toBe('请拒绝象牙制品');
      expect(photo.photo).toBeDefined();
      expect((await listDeliveries(db.pool, { workflowId })).map((d) => d.status)).toEqual([
        'sent',
        'sent',
        'sent',
      ]);
      expect((await listRuns(db.pool, campaign.id)).map((r) => [r.occurrenceDate, r.status])).toEqual([
        [date, 'sent'],
      ]);
    } finally {
      await deleteCampaignSchedule(temporal.client, campaign.id);
    }
  });
});
