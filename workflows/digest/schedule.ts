// The Temporal Schedule that starts the weekly digest (Mondays 08:00 UTC by default). Idempotent upsert.
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
