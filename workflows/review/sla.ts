// Review deadlines per priority, the reminder cycle after escalation, the undo window after a takedown
// and how long a seller may appeal. Pure (the workflow imports it): durations are plain milliseconds so
// tests inject seconds and production uses hours.

export interface SlaPolicy {
  /** Time to a first decision, by case priority (1 = most urgent). */
  reviewMs: Record<1 | 2 | 3, number>;
  /** After escalation, leads are reminded this often until someone decides. */
  reminderMs: number;
  /** A takedown can be undone (the listing restored) for this long. */
  undoWindowMs: number;
  /** A seller can appeal a takedown for this long. */
  appealWindowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_SLA: SlaPolicy = {
  reviewMs: { 1: 1 * HOUR, 2: 4 * HOUR, 3: 24 * HOUR },
  reminderMs: 1 * HOUR,
  undoWindowMs: 15 * MINUTE,
  appealWindowMs: 30 * DAY,
};

export type SlaOverrides = Partial<Omit<SlaPolicy, 'reviewMs'>> & {
  reviewMs?: Partial<SlaPolicy['reviewMs']>;
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

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE, h: HOUR, d: DAY };

/** Parses "90s", "15m", "4h", "30d" or "250ms". */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`invalid duration "${text}" (use e.g. 90s, 15m, 4h, 30d)`);
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

/**
 * Parses the REVIEW_SLA setting: comma-separated key=duration pairs, keys p1, p2, p3, reminder, undo,
 * appeal. Example: "p1=1h,p2=4h,p3=24h,reminder=1h,undo=15m,appeal=30d". Unknown keys are errors.
 */
export function parseSlaSpec(spec: string | undefined): SlaOverrides {
  const out: SlaOverrides = {};
  if (!spec) return out;
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (!key || !value) throw new Error(`invalid REVIEW_SLA entry "${part}" (use key=duration)`);
    const ms = parseDuration(value);
    if (key === 'p1' || key === 'p2' || key === 'p3') {
      out.reviewMs = { ...out.reviewMs, [Number(key.slice(1))]: ms };
    } else if (key === 'reminder') out.reminderMs = ms;
    else if (key === 'undo') out.undoWindowMs = ms;
    else if (key === 'appeal') out.appealWindowMs = ms;
    else throw new Error(`unknown REVIEW_SLA key "${key}" (p1, p2, p3, reminder, undo, appeal)`);
  }
  return out;
}
