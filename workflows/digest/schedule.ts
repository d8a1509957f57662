// The Temporal Schedules of the metrics: the weekly digest (Mondays 08:00 UTC by default), the nightly
// rollup refresh (00:20 UTC), the re-listing matches every 15 minutes (the only case figure that is not
// kept live by the database: see migration 0890) and the retention of allowed listings (01:10 UTC).
// Idempotent upserts.
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleHandle,
  type ScheduleOptions,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import type { DigestInput } from './workflow.ts';

export const DIGEST_SCHEDULE_ID = 'weekly-metrics-digest';

export interface DigestScheduleOptions {
  taskQueue: string;
  channel: string;
  /** UTC hour on Mondays; 8 by default. */
  hour?: number;
  scheduleId?: string;
}

function body(o: DigestScheduleOptions) {
  return {
    spec: {
      calendars: [{ dayOfWeek: 'MONDAY' as const, hour: o.hour ?? 8, minute: 0, comment: 'weekly digest' }],
    },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'weeklyDigestWorkflow',
      workflowId: `${o.scheduleId ?? DIGEST_SCHEDULE_ID}-run`,
      taskQueue: o.taskQueue,
      args: [{ channel: o.channel }] as [DigestInput],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' as const },
  };
}

/** Creates the schedule, or brings an existing one up to date (every schedule of the system uses it). */
export async function upsertSchedule(
  client: Client,
  scheduleId: string,
  body: Omit<ScheduleOptions, 'scheduleId'>,
): Promise<ScheduleHandle> {
  try {
    return await client.schedule.create({ scheduleId, ...body });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(scheduleId);
    await handle.update((prev) => ({ ...prev, ...body }));
    return handle;
  }
}

export function upsertDigestSchedule(client: Client, o: DigestScheduleOptions): Promise<ScheduleHandle> {
  return upsertSchedule(client, o.scheduleId ?? DIGEST_SCHEDULE_ID, body(o));
}

export const ROLLUP_SCHEDULE_ID = 'nightly-metrics-rollup';

const refresh = (scheduleId: string, workflowType: string, taskQueue: string) => ({
  action: {
    type: 'startWorkflow' as const,
    workflowType,
    workflowId: `${scheduleId}-run`,
    taskQueue,
    args: [] as [],
  },
  policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' as const },
});

export function upsertRollupSchedule(
  client: Client,
  o: { taskQueue: string; scheduleId?: string },
): Promise<ScheduleHandle> {
  const scheduleId = o.scheduleId ?? ROLLUP_SCHEDULE_ID;
  return upsertSchedule(client, scheduleId, {
    spec: { calendars: [{ hour: 0, minute: 20, comment: 'nightly metrics rollup' }] },
    ...refresh(scheduleId, 'metricsRollupWorkflow', o.taskQueue),
  });
}

export const CASE_FACTS_SCHEDULE_ID = 'metrics-case-facts-refresh';

export function upsertCaseFactsSchedule(
  client: Client,
  o: { taskQueue: string; scheduleId?: string },
): Promise<ScheduleHandle> {
  const scheduleId = o.scheduleId ?? CASE_FACTS_SCHEDULE_ID;
  return upsertSchedule(client, scheduleId, {
    spec: { intervals: [{ every: '15 minutes' }] },
    ...refresh(scheduleId, 'caseFactsRefreshWorkflow', o.taskQueue),
  });
}

export const RETENTION_SCHEDULE_ID = 'nightly-allowed-listing-retention';

export function upsertRetentionSchedule(
  client: Client,
  o: { taskQueue: string; scheduleId?: string },
): Promise<ScheduleHandle> {
  const scheduleId = o.scheduleId ?? RETENTION_SCHEDULE_ID;
  return upsertSchedule(client, scheduleId, {
    spec: { calendars: [{ hour: 1, minute: 10, comment: 'nightly retention of allowed listings' }] },
    ...refresh(scheduleId, 'allowedListingRetentionWorkflow', o.taskQueue),
  });
}
