import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  calendarForYear,
  datesInYear,
  dayOfMonthFor,
  describeRule,
  findWildlifeDay,
  nextOccurrence,
  WILDLIFE_DAYS,
} from '../../../shared/campaigns/calendar.ts';

const dates = (id: string, year: number) => datesInYear(findWildlifeDay(id)!, year);

describe('wildlife-day calendar', () => {
  it('puts World Pangolin Day on the third Saturday of February (dates from the sources)', () => {
    expect(dates('world-pangolin-day', 2023)).toEqual(['2023-02-18']);
    expect(dates('world-pangolin-day', 2024)).toEqual(['2024-02-17']);
    expect(dates('world-pangolin-day', 2025)).toEqual(['2025-02-15']);
    expect(dates('world-pangolin-day', 2026)).toEqual(['2026-02-21']);
    expect(dates('world-pangolin-day', 2027)).toEqual(['2027-02-20']);
    expect(describeRule(findWildlifeDay('world-pangolin-day')!.rules[0]!)).toBe('third Saturday of February');
  });

  it('puts Endangered Species Day on the third Friday of May', () => {
    expect(
      ['2023', '2024', '2025', '2026'].map((y) => dates('endangered-species-day', Number(y))[0]),
    ).toEqual(['2023-05-19', '2024-05-17', '2025-05-16', '2026-05-15']);
  });

  it('gives World Migratory Bird Day two dates a year, second Saturday of May and of October', () => {
    expect(dates('world-migratory-bird-day', 2025)).toEqual(['2025-05-10', '2025-10-11']);
    expect(dates('world-migratory-bird-day', 2026)).toEqual(['2026-05-09', '2026-10-10']);
  });

  it('puts International Vulture Awareness Day on the first Saturday of September', () => {
    expect([2023, 2024, 2025].map((y) => dates('international-vulture-awareness-day', y)[0])).toEqual([
      '2023-09-02',
      '2024-09-07',
      '2025-09-06',
    ]);
  });

  it('keeps fixed days on their date every year', () => {
    for (const year of [1999, 2024, 2026, 2100]) {
      expect(dates('world-elephant-day', year)).toEqual([`${year}-08-12`]);
      expect(dates('global-tiger-day', year)).toEqual([`${year}-07-29`]);
      expect(dates('world-wildlife-day', year)).toEqual([`${year}-03-03`]);
      expect(dates('world-rhino-day', year)).toEqual([`${year}-09-22`]);
      expect(dates('world-turtle-day', year)).toEqual([`${year}-05-23`]);
    }
  });

  it('handles last-weekday rules, missing fifth weekdays and 29 February', () => {
    expect(dayOfMonthFor({ kind: 'nth-weekday', month: 2, weekday: 6, nth: -1 }, 2026)).toBe(28);
    expect(dayOfMonthFor({ kind: 'nth-weekday', month: 5, weekday: 0, nth: -1 }, 2026)).toBe(31);
    expect(dayOfMonthFor({ kind: 'nth-weekday', month: 2, weekday: 1, nth: 5 }, 2026)).toBeUndefined();
    expect(dayOfMonthFor({ kind: 'fixed', month: 2, day: 29 }, 2024)).toBe(29);
    expect(dayOfMonthFor({ kind: 'fixed', month: 2, day: 29 }, 2026)).toBeUndefined();
    expect(dayOfMonthFor({ kind: 'fixed', month: 2, day: 29 }, 2000)).toBe(29);
    expect(dayOfMonthFor({ kind: 'fixed', month: 2, day: 29 }, 1900)).toBeUndefined();
  });

  it('computes every rule for any year, each date falling in its month and on its weekday', () => {
    for (let year = 1; year <= 9999; year += 97) {
      for (const d of WILDLIFE_DAYS) {
        for (const [i, date] of datesInYear(d, year).entries()) {
          const rule = d.rules[i]!;
          const parsed = new Date(`2000-01-01T00:00:00Z`);
          parsed.setUTCFullYear(year, rule.month - 1, Number(date.slice(8)));
          expect(date.slice(0, 4)).toBe(String(year).padStart(4, '0'));
          expect(parsed.getUTCMonth() + 1).toBe(rule.month);
          if (rule.kind === 'nth-weekday') {
            expect(parsed.getUTCDay()).toBe(rule.weekday);
            if (rule.nth > 0) expect(Math.ceil(parsed.getUTCDate() / 7)).toBe(rule.nth);
          }
        }
      }
    }
    expect(() => calendarForYear(0)).toThrow(RangeError);
    expect(() => calendarForYear(2026.5)).toThrow(RangeError);
  });

  it('lists a year sorted by date, verified days only unless asked, without World Whale Day', () => {
    const year = calendarForYear(2026);
    expect(year.map((e) => e.date)).toEqual([...year.map((e) => e.date)].sort());
    expect(year.find((e) => e.id === 'world-ranger-day')).toBeUndefined();
    expect(
      calendarForYear(2026, { includeUnverified: true }).find((e) => e.id === 'world-ranger-day')?.date,
    ).toBe('2026-07-31');
    expect(WILDLIFE_DAYS.some((d) => d.id.includes('whale'))).toBe(false);
    expect(new Set(WILDLIFE_DAYS.map((d) => d.id)).size).toBe(WILDLIFE_DAYS.length);
  });

  it('finds the next occurrence on or after a date, rolling into the next year', () => {
    const pangolin = findWildlifeDay('world-pangolin-day')!;
    expect(nextOccurrence(pangolin, '2026-02-21')).toBe('2026-02-21');
    expect(nextOccurrence(pangolin, '2026-02-22')).toBe('2027-02-20');
    const birds = findWildlifeDay('world-migratory-bird-day')!;
    expect(nextOccurrence(birds, '2026-06-01')).toBe('2026-10-10');
  });
});

describe('wild-sentinel calendar <year>', () => {
  const bin = fileURLToPath(new URL('../../../bin/wild-sentinel.mjs', import.meta.url));
  const exec = promisify(execFile);

  it('prints one JSON line per day with id, name and ISO date', async () => {
    const { stdout } = await exec(process.execPath, [bin, 'calendar', '2026']);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(calendarForYear(2026));
    expect(lines).toContainEqual({
      id: 'world-pangolin-day',
      name: 'World Pangolin Day',
      date: '2026-02-21',
    });
    for (const line of lines) expect(Object.keys(line)).toEqual(['id', 'name', 'date']);
  });

  it('rejects a missing or malformed year with exit code 2', async () => {
    await expect(exec(process.execPath, [bin, 'calendar', 'next'])).rejects.toMatchObject({ code: 2 });
    await expect(exec(process.execPath, [bin, 'calendar'])).rejects.toMatchObject({ code: 2 });
  });
});
