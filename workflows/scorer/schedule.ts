// The Temporal Schedule of the scorer's retraining: weekly, Sundays 03:00 UTC by default (an idempotent
// upsert, as the digest's schedules).
import type { Client, ScheduleHandle } from '@temporalio/client';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { upsertSchedule } from '../digest/schedule.ts';
import type { ScorerRetrainInput } from './workflow.ts';

export const SCORER_RETRAIN_SCHEDULE_ID = 'weekly-scorer-retraining';

export function upsertScorerRetrainSchedule(
  client: Client,
  o: { taskQueue: string; scheduleId?: string; hour?: number; input?: ScorerRetrainInput },
): Promise<ScheduleHandle> {
  const scheduleId = o.scheduleId ?? SCORER_RETRAIN_SCHEDULE_ID;
  return upsertSchedule(client, scheduleId, {
    spec: {
      calendars: [{ dayOfWeek: 'SUNDAY', hour: o.hour ?? 3, minute: 0, comment: 'weekly scorer retraining' }],
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'scorerRetrainWorkflow',
      workflowId: `${scheduleId}-run`,
      taskQueue: o.taskQueue,
      args: [o.input ?? {}] as [ScorerRetrainInput],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  });
}
