// Local wall-clock time in an IANA time zone <-> UTC instants, with Intl only (no tz database of our own).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Offset of the zone from UTC at an instant, in ms (positive east of Greenwich). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const w = wallClockAt(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/**
 * The UTC instant at which the wall clock in `timeZone` shows `date` (YYYY-MM-DD) and `time` (HH:MM[:SS]).
 * A local time skipped by a DST change resolves to the same offset as before the change (so 02:30 on a
 * spring-forward night becomes 03:30); a repeated local time resolves to its first occurrence.
 */
export function zonedTimeToEpochMs(date: string, time: string, timeZone: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, s = 0] = time.split(':').map(Number) as [number, number, number?];
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const first = naive - zoneOffsetMs(naive, timeZone);
  const second = naive - zoneOffsetMs(first, timeZone);
  if (second === first) return first;
  // Around a transition: take the earlier candidate whose wall clock matches, else the pre-transition one.
  const candidates = [Math.min(first, second), Math.max(first, second)];
  for (const c of candidates) {
    const w = wallClockAt(c, timeZone);
    if (w.hour === h && w.minute === mi && w.second === s && w.day === d) return c;
  }
  return Math.max(first, second);
}

export function localDate(epochMs: number, timeZone: string): string {
  const w = wallClockAt(epochMs, timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

export function localTime(epochMs: number, timeZone: string): string {
  const w = wallClockAt(epochMs, timeZone);
  return [w.hour, w.minute, w.second].map((n) => String(n).padStart(2, '0')).join(':');
}
