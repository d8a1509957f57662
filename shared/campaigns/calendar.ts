// The wildlife-day calendar: each day's date rules stored as data (a fixed month-day, or the nth weekday
// of a month, possibly several per year) and computed for any year. Sources: reference/domain.md §5.
// Pure and free of Node built-ins, so workflow code may import it.

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6; // Sunday = 0, as Date#getUTCDay

export type DateRule =
  | { kind: 'fixed'; month: number; day: number }
  /** nth = 1..5 counts from the start of the month, -1 is the last such weekday. */
  | { kind: 'nth-weekday'; month: number; weekday: Weekday; nth: 1 | 2 | 3 | 4 | 5 | -1 };

export interface WildlifeDay {
  id: string;
  name: string;
  rules: readonly DateRule[];
  /** False for dates commonly cited but not checked against an authority (domain.md marks them K). */
  verified: boolean;
}

const FRI = 5;
const SAT = 6;

const fixed = (month: number, day: number): DateRule => ({ kind: 'fixed', month, day });
const nth = (n: 1 | 2 | 3 | 4 | 5 | -1, weekday: Weekday, month: number): DateRule => ({
  kind: 'nth-weekday',
  month,
  weekday,
  nth: n,
});
const day = (id: string, name: string, rules: DateRule[], verified = true): WildlifeDay => ({
  id,
  name,
  rules,
  verified,
});

/**
 * World Whale Day is left out on purpose: sources disagree (third Sunday of February, 13 or 15 February)
 * and domain.md says not to ship it without an authority.
 */
export const WILDLIFE_DAYS: readonly WildlifeDay[] = [
  day('world-wildlife-day', 'World Wildlife Day', [fixed(3, 3)]),
  day('world-pangolin-day', 'World Pangolin Day', [nth(3, SAT, 2)]),
  day('world-elephant-day', 'World Elephant Day', [fixed(8, 12)]),
  day('global-tiger-day', 'Global Tiger Day', [fixed(7, 29)]),
  day('world-rhino-day', 'World Rhino Day', [fixed(9, 22)]),
  day('world-turtle-day', 'World Turtle Day', [fixed(5, 23)]),
  day('world-lion-day', 'World Lion Day', [fixed(8, 10)]),
  day('world-orangutan-day', 'World Orangutan Day', [fixed(8, 19)]),
  day('world-gorilla-day', 'World Gorilla Day', [fixed(9, 24)]),
  day('international-snow-leopard-day', 'International Snow Leopard Day', [fixed(10, 23)]),
  day('wildlife-conservation-day', 'Wildlife Conservation Day', [fixed(12, 4)]),
  day('endangered-species-day', 'Endangered Species Day', [nth(3, FRI, 5)]),
  day('world-migratory-bird-day', 'World Migratory Bird Day', [nth(2, SAT, 5), nth(2, SAT, 10)]),
  day('international-vulture-awareness-day', 'International Vulture Awareness Day', [nth(1, SAT, 9)]),
  day('world-parrot-day', 'World Parrot Day', [fixed(5, 31)]),
  day('world-snake-day', 'World Snake Day', [fixed(7, 16)]),
  day('world-crocodile-day', 'World Crocodile Day', [fixed(6, 17)]),
  day('international-day-for-biological-diversity', 'International Day for Biological Diversity', [
    fixed(5, 22),
  ]),
  day('world-environment-day', 'World Environment Day', [fixed(6, 5)]),
  day('world-oceans-day', 'World Oceans Day', [fixed(6, 8)]),
  day('international-polar-bear-day', 'International Polar Bear Day', [fixed(2, 27)]),
  day('world-hippo-day', 'World Hippo Day', [fixed(2, 15)]),
  day('international-leopard-day', 'International Leopard Day', [fixed(5, 3)]),
  day('world-animal-day', 'World Animal Day', [fixed(10, 4)]),
  day('world-ranger-day', 'World Ranger Day', [fixed(7, 31)], false),
  day('international-cheetah-day', 'International Cheetah Day', [fixed(12, 4)], false),
  day('world-sea-turtle-day', 'World Sea Turtle Day', [fixed(6, 16)], false),
  day('shark-awareness-day', 'Shark Awareness Day', [fixed(7, 14)], false),
  day('international-primate-day', 'International Primate Day', [fixed(9, 1)], false),
];

const byId = new Map(WILDLIFE_DAYS.map((d) => [d.id, d]));

export function findWildlifeDay(id: string | undefined): WildlifeDay | undefined {
  return id === undefined ? undefined : byId.get(id);
}

export const MIN_YEAR = 1;
export const MAX_YEAR = 9999;

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`year must be an integer from ${MIN_YEAR} to ${MAX_YEAR}, got ${year}`);
  }
}

/** A UTC date for year-month-day that also works for years 1..99 (Date.UTC maps those to 19xx). */
function utcDate(year: number, month: number, dayOfMonth: number): Date {
  const d = new Date(Date.UTC(2000, month - 1, dayOfMonth));
  d.setUTCFullYear(year, month - 1, dayOfMonth);
  return d;
}

export function daysInMonth(year: number, month: number): number {
  return utcDate(year, month + 1, 0).getUTCDate();
}

export function isoDate(year: number, month: number, dayOfMonth: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
}

/** The day of the month on which a rule falls in a year; undefined when it does not occur (29 Feb, 5th Sat). */
export function dayOfMonthFor(rule: DateRule, year: number): number | undefined {
  assertYear(year);
  const length = daysInMonth(year, rule.month);
  if (rule.kind === 'fixed') return rule.day <= length ? rule.day : undefined;
  if (rule.nth === -1) {
    const lastWeekday = utcDate(year, rule.month, length).getUTCDay();
    return length - ((lastWeekday - rule.weekday + 7) % 7);
  }
  const firstWeekday = utcDate(year, rule.month, 1).getUTCDay();
  const result = 1 + ((rule.weekday - firstWeekday + 7) % 7) + (rule.nth - 1) * 7;
  return result <= length ? result : undefined;
}

/** ISO dates (YYYY-MM-DD) of a day in a year, in calendar order. */
export function datesInYear(wildlifeDay: WildlifeDay, year: number): string[] {
  const dates: string[] = [];
  for (const rule of wildlifeDay.rules) {
    const dom = dayOfMonthFor(rule, year);
    if (dom !== undefined) dates.push(isoDate(year, rule.month, dom));
  }
  return dates.sort();
}

export interface CalendarEntry {
  id: string;
  name: string;
  date: string;
}

/** Every occurrence of every day in a year, sorted by date then id. */
export function calendarForYear(
  year: number,
  options: { includeUnverified?: boolean } = {},
): CalendarEntry[] {
  const entries: CalendarEntry[] = [];
  for (const d of WILDLIFE_DAYS) {
    if (!d.verified && !options.includeUnverified) continue;
    for (const date of datesInYear(d, year)) entries.push({ id: d.id, name: d.name, date });
  }
  return entries.sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
}

/** The first occurrence of a day on or after an ISO date. */
export function nextOccurrence(wildlifeDay: WildlifeDay, onOrAfter: string): string {
  const year = Number(onOrAfter.slice(0, 4));
  for (const y of [year, year + 1, year + 2]) {
    if (y > MAX_YEAR) break;
    const found = datesInYear(wildlifeDay, y).find((d) => d >= onOrAfter);
    if (found) return found;
  }
  throw new RangeError(`${wildlifeDay.id} has no occurrence on or after ${onOrAfter}`);
}

/** Human text for a rule, e.g. "third Saturday of February" or "12 August". */
export function describeRule(rule: DateRule): string {
  const months = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  const month = months[rule.month - 1]!;
  if (rule.kind === 'fixed') return `${rule.day} ${month}`;
  const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const ordinals: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', 5: 'fifth' };
  const ordinal = rule.nth === -1 ? 'last' : ordinals[rule.nth];
  return `${ordinal} ${weekdays[rule.weekday]} of ${month}`;
}
