// Yearly Temporal Schedules for campaigns whose team chose "every year": one schedule per campaign that
// starts the campaign workflow two weeks before each post date, so the leads approve each year's run again.
// calendarForRule turns a day's rules into calendar ranges (Temporal matches a time only when every field
// matches, so "third Saturday" is dayOfMonth 15-21 AND dayOfWeek SATURDAY); yearly campaigns use explicit
// dates instead, since "14 days before the third Saturday" is no such range.
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
import {
  type DateRule,
  datesInYear,
  describeRule,
  findWildlifeDay,
} from '../../shared/campaigns/calendar.ts';
import type { When } from '../../shared/campaigns/model.ts';
import { addDays, postDate } from '../../shared/campaigns/plan.ts';
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

/** A yearly run starts this long before its post date, so the leads can approve it again. */
export const REAPPROVAL_LEAD_DAYS = 14;
/** Years of fire times written into a schedule; every approval writes them afresh. */
const SCHEDULE_YEARS = 5;

/**
 * The fire dates of a yearly campaign: REAPPROVAL_LEAD_DAYS before each post date (a teaser's is days
 * before its day), as explicit dates, since "14 days before the third Saturday" is no calendar range.
 */
export function yearlyFireDates(
  dayId: string,
  when: When,
  fromYear: number,
  years = SCHEDULE_YEARS,
): string[] {
  const day = findWildlifeDay(dayId);
  if (!day) throw new RangeError(`unknown wildlife day ${dayId}`);
  const dates: string[] = [];
  for (let y = fromYear; y < fromYear + years; y++) {
    for (const d of datesInYear(day, y)) dates.push(addDays(postDate(when, d), -REAPPROVAL_LEAD_DAYS));
  }
  return dates.sort();
}

export function yearlyScheduleSpec(dayId: string, when: When, fromYear: number): ScheduleSpec {
  const day = findWildlifeDay(dayId)!;
  const rules = day.rules.map(describeRule).join(' and ');
  return {
    calendars: yearlyFireDates(dayId, when, fromYear).map((date) => {
      const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
      return {
        year,
        month: MONTHS[month - 1]!,
        dayOfMonth,
        hour: 0,
        minute: 0,
        second: 0,
        comment: `${REAPPROVAL_LEAD_DAYS} days before the post for ${rules}`,
      };
    }),
    timezone: SCHEDULE_TIME_ZONE,
  };
}

export interface CampaignScheduleOptions {
  /** A yearly campaign: its wildlife day is what repeats. */
  campaign: { id: string; dayId?: string; name: string; when?: When };
  /** The first year whose occurrences the schedule covers (default: this year). */
  fromYear?: number;
  taskQueue: string;
  /** Extra workflow input for every run (tests inject short retries and an occurrence date). */
  runInput?: Omit<Partial<CampaignRunInput>, 'campaignId'>;
  paused?: boolean;
}

function scheduleBody(opts: CampaignScheduleOptions) {
  const { dayId } = opts.campaign;
  if (!dayId) throw new RangeError(`campaign ${opts.campaign.id} has no wildlife day to repeat`);
  return {
    spec: yearlyScheduleSpec(
      dayId,
      opts.campaign.when ?? { kind: 'day', repeat: 'yearly', daysBefore: 0 },
      opts.fromYear ?? new Date().getUTCFullYear(),
    ),
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
      note: `${opts.campaign.name} (${dayId})`,
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
