// The REVIEW_SLA setting: review deadlines per priority and the reminder, undo and appeal windows, as
// "key=duration" pairs. Pure and here in shared/ so configuration validates it before anything starts;
// the workflow's SLA logic (workflows/review/sla.ts) re-exports it.

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

export type SlaOverrides = Partial<Omit<SlaPolicy, 'reviewMs'>> & {
  reviewMs?: Partial<SlaPolicy['reviewMs']>;
};

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE, h: HOUR, d: DAY };
/** Longer than any sane deadline or window; also keeps Temporal timers far from their limits. */
const MAX_DURATION_MS = 3650 * DAY;

/** Parses "90s", "15m", "4h", "30d" or "250ms": more than zero, at most ten years. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`invalid duration "${text}" (use e.g. 90s, 15m, 4h, 30d)`);
  const ms = Math.round(Number(m[1]) * UNITS[m[2]!]!);
  if (ms <= 0 || ms > MAX_DURATION_MS)
    throw new Error(`duration "${text}" must be above 0 and at most 3650d`);
  return ms;
}

const KEYS = ['p1', 'p2', 'p3', 'reminder', 'undo', 'appeal'] as const;

function readSpec(spec: string | undefined): { overrides: SlaOverrides; problems: string[] } {
  const out: SlaOverrides = {};
  const problems: string[] = [];
  for (const part of (spec ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const pieces = part.split('=').map((s) => s.trim());
    const [key, value] = pieces;
    if (pieces.length !== 2 || !key || !value) {
      problems.push(`invalid REVIEW_SLA entry "${part}" (use key=duration)`);
      continue;
    }
    if (!(KEYS as readonly string[]).includes(key)) {
      problems.push(`unknown REVIEW_SLA key "${key}" (${KEYS.join(', ')})`);
      continue;
    }
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`);
      continue;
    }
    if (key === 'p1' || key === 'p2' || key === 'p3') {
      out.reviewMs = { ...out.reviewMs, [Number(key.slice(1))]: ms };
    } else if (key === 'reminder') out.reminderMs = ms;
    else if (key === 'undo') out.undoWindowMs = ms;
    else out.appealWindowMs = ms;
  }
  return { overrides: out, problems };
}

/** Every problem of a REVIEW_SLA value (empty when it is valid or unset). */
export function slaSpecProblems(spec: string | undefined): string[] {
  return readSpec(spec).problems;
}

/**
 * Parses the REVIEW_SLA setting: comma-separated key=duration pairs, keys p1, p2, p3, reminder, undo,
 * appeal. Example: "p1=1h,p2=4h,p3=24h,reminder=1h,undo=15m,appeal=30d". Unknown keys are errors.
 */
export function parseSlaSpec(spec: string | undefined): SlaOverrides {
  const { overrides, problems } = readSpec(spec);
  if (problems.length) throw new Error(problems.join('; '));
  return overrides;
}
