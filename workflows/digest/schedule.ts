// The Temporal Schedules of the metrics: the weekly digest (Mondays 08:00 UTC by default) and the nightly
// rollup refresh (00:20 UTC). Idempotent upserts.
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleHandle,
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

export async function upsertDigestSchedule(
  client: Client,
  o: DigestScheduleOptions,
): Promise<ScheduleHandle> {
  const scheduleId = o.scheduleId ?? DIGEST_SCHEDULE_ID;
  try {
    return await client.schedule.create({ scheduleId, ...body(o) });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(scheduleId);
    await handle.update((prev) => ({ ...prev, ...body(o) }));
    return handle;
  }
}

export const ROLLUP_SCHEDULE_ID = 'nightly-metrics-rollup';

export async function upsertRollupSchedule(
  client: Client,
  o: { taskQueue: string; scheduleId?: string },
): Promise<ScheduleHandle> {
  const scheduleId = o.scheduleId ?? ROLLUP_SCHEDULE_ID;
  const spec = { calendars: [{ hour: 0, minute: 20, comment: 'nightly metrics rollup' }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'metricsRollupWorkflow',
    workflowId: `${scheduleId}-run`,
    taskQueue: o.taskQueue,
    args: [] as [],
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' as const };
  try {
    return await client.schedule.create({ scheduleId, spec, action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(scheduleId);
    await handle.update((prev) => ({ ...prev, spec, action, policies }));
    return handle;
  }
}
