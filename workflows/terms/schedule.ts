// The Temporal Schedule of the term mining: Mondays 07:00 UTC (an hour before the weekly digest), an
// idempotent upsert like the metrics schedules.
import { type Client, type ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import { upsertSchedule } from '../digest/schedule.ts';
import type { TermMiningInput } from './workflow.ts';

export const TERM_MINING_SCHEDULE_ID = 'weekly-term-mining';

export interface TermMiningScheduleOptions extends Omit<TermMiningInput, 'runKey'> {
  taskQueue: string;
  hour?: number;
  scheduleId?: string;
}

export function upsertTermMiningSchedule(
  client: Client,
  o: TermMiningScheduleOptions,
): Promise<ScheduleHandle> {
  const scheduleId = o.scheduleId ?? TERM_MINING_SCHEDULE_ID;
  const { taskQueue: _q, hour: _h, scheduleId: _s, ...input } = o;
  const body = {
    spec: {
      calendars: [{ dayOfWeek: 'MONDAY' as const, hour: o.hour ?? 7, minute: 0, comment: 'term mining' }],
    },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'termMiningWorkflow',
      workflowId: `${scheduleId}-run`,
      taskQueue: o.taskQueue,
      args: [input] as [TermMiningInput],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' as const },
  };
  return upsertSchedule(client, scheduleId, body);
}
