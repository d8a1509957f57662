// Review deadlines per priority, the reminder cycle after escalation, the undo window after a takedown
// and how long a seller may appeal. Pure (the workflow imports it): durations are plain milliseconds so
// tests inject seconds and production uses hours.
import type { SlaOverrides, SlaPolicy } from '../../shared/review-sla.ts';

export {
  parseDuration,
  parseSlaSpec,
  type SlaOverrides,
  type SlaPolicy,
} from '../../shared/review-sla.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_SLA: SlaPolicy = {
  reviewMs: { 1: 1 * HOUR, 2: 4 * HOUR, 3: 24 * HOUR },
  reminderMs: 1 * HOUR,
  undoWindowMs: 15 * MINUTE,
  appealWindowMs: 30 * DAY,
};

/** Later layers win: defaults, then configuration, then the workflow input. */
export function mergeSla(...layers: (SlaOverrides | undefined)[]): SlaPolicy {
  const out: SlaPolicy = { ...DEFAULT_SLA, reviewMs: { ...DEFAULT_SLA.reviewMs } };
  for (const l of layers) {
    if (!l) continue;
    if (l.reviewMs) Object.assign(out.reviewMs, l.reviewMs);
    if (l.reminderMs !== undefined) out.reminderMs = l.reminderMs;
    if (l.undoWindowMs !== undefined) out.undoWindowMs = l.undoWindowMs;
    if (l.appealWindowMs !== undefined) out.appealWindowMs = l.appealWindowMs;
  }
  return out;
}

export function reviewDeadlineMs(sla: SlaPolicy, priority: number): number {
  const p = Math.min(3, Math.max(1, Math.round(priority))) as 1 | 2 | 3;
  return sla.reviewMs[p];
}
