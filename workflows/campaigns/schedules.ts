// Yearly Temporal Schedules for campaigns: one schedule per campaign that starts the campaign workflow on
// every occurrence of its wildlife day. Rules are turned into calendar specs (Temporal matches a time only
// when every field matches, so "third Saturday" is dayOfMonth 15-21 AND dayOfWeek SATURDAY).
import {
  type CalendarSpec,
  type Client,
  DAYS_OF_WEEK,
  MONTHS,
  ScheduleAlreadyRunning,
  type ScheduleHandle,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleSpec,
} from '@temporalio/client';
import { type DateRule, describeRule, findWildlifeDay } from '../../shared/campaigns/calendar.ts';
import { type CampaignRunInput, campaignWorkflow } from './workflow.ts';

/**
 * Schedules fire at midnight in the earliest time zone (UTC+14), the first moment the day exists anywhere;
 * the workflow then sleeps until each audience's own local send time.
 */
export const SCHEDULE_TIME_ZONE = 'Pacific/Kiritimati';

const MONTH_LENGTHS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function scheduleIdFor(campaignId: string): string {
  return `campaign-${campaignId}`;
}

/** Workflow ids of scheduled runs start with this; Temporal appends the fire time. */
export function scheduledWorkflowIdPrefix(campaignId: string): string {
  return `campaign-${campaignId}-scheduled`;
}

export function calendarForRule(rule: DateRule): CalendarSpec {
  const month = MONTHS[rule.month - 1]!;
  const at = { hour: 0, minute: 0, second: 0, comment: describeRule(rule) };
  if (rule.kind === 'fixed') return { month, dayOfMonth: rule.day, ...at };
  const dayOfWeek = DAYS_OF_WEEK[rule.weekday]!;
  if (rule.nth === -1) {
    if (rule.month === 2) throw new RangeError('"last weekday of February" cannot be a fixed calendar range');
    const length = MONTH_LENGTHS[rule.month - 1]!;
    return { month, dayOfMonth: { start: length - 6, end: length }, dayOfWeek, ...at };
  }
  return { month, dayOfMonth: { start: (rule.nth - 1) * 7 + 1, end: rule.nth * 7 }, dayOfWeek, ...at };
}

export function scheduleSpecForDay(dayId: string): ScheduleSpec {
  const day = findWildlifeDay(dayId);
  if (!day) throw new RangeError(`unknown wildlife day ${dayId}`);
  return { calendars: day.rules.map(calendarForRule), timezone: SCHEDULE_TIME_ZONE };
}

export interface CampaignScheduleOptions {
  campaign: { id: string; dayId: string; name: string };
  taskQueue: string;
  /** Extra workflow input for every run (tests inject short retries and an occurrence date). */
  runInput?: Omit<Partial<CampaignRunInput>, 'campaignId'>;
  paused?: boolean;
}

function scheduleBody(opts: CampaignScheduleOptions) {
  return {
    spec: scheduleSpecForDay(opts.campaign.dayId),
    action: {
      type: 'startWorkflow' as const,
      workflowType: campaignWorkflow,
      workflowId: scheduledWorkflowIdPrefix(opts.campaign.id),
      taskQueue: opts.taskQueue,
      args: [{ ...opts.runInput, campaignId: opts.campaign.id }] as [CampaignRunInput],
    },
    policies: {
      // A run lasts one day at most; if the worker was down at midnight, still start within a day.
      overlap: ScheduleOverlapPolicy.ALLOW_ALL,
      catchupWindow: '1 day' as const,
    },
    state: {
      paused: opts.paused ?? false,
      note: `${opts.campaign.name} (${opts.campaign.dayId})`,
    },
  };
}

/** Creates the campaign's yearly schedule, or brings an existing one up to date (idempotent). */
export async function upsertCampaignSchedule(
  client: Client,
  opts: CampaignScheduleOptions,
): Promise<ScheduleHandle> {
  const scheduleId = scheduleIdFor(opts.campaign.id);
  try {
    return await client.schedule.create({ scheduleId, ...scheduleBody(opts) });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(scheduleId);
    await handle.update(() => scheduleBody(opts));
    return handle;
  }
}

/** Removes a campaign's schedule; true when there was one. */
export async function deleteCampaignSchedule(client: Client, campaignId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleIdFor(campaignId)).delete();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}
