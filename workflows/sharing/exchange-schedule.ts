// The Temporal Schedule that fetches every trusted peer with a URL (SHARE_FETCH_INTERVAL, 15 minutes by
// default). Overlap SKIP: a slow run is never doubled by the next tick.
import { type Client, type ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import { upsertSchedule } from '../digest/schedule.ts';

export const SHARE_FETCH_SCHEDULE_ID = 'share-fetch-peers';
export const DEFAULT_SHARE_FETCH_INTERVAL_MS = 15 * 60 * 1000;

export function upsertShareFetchSchedule(
  client: Client,
  o: { taskQueue: string; intervalMs?: number; scheduleId?: string },
): Promise<ScheduleHandle> {
  const scheduleId = o.scheduleId ?? SHARE_FETCH_SCHEDULE_ID;
  return upsertSchedule(client, scheduleId, {
    spec: { intervals: [{ every: o.intervalMs ?? DEFAULT_SHARE_FETCH_INTERVAL_MS }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'shareFetchWorkflow',
      workflowId: `${scheduleId}-run`,
      taskQueue: o.taskQueue,
      args: [],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  });
}
