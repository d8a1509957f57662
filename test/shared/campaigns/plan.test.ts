// When a campaign's posts go out: on its day or N days before (a teaser), on a fixed date, or now.
import { describe, expect, it } from 'vitest';
import { campaignContentSchema, describeWhen } from '../../../shared/campaigns/model.ts';
import { addDays, occurrenceForContent, planSends } from '../../../shared/campaigns/plan.ts';
import { zonedTimeToEpochMs } from '../../../shared/campaigns/time.ts';
import { REAPPROVAL_LEAD_DAYS, yearlyFireDates } from '../../../workflows/campaigns/schedules.ts';

const base = {
  dayId: 'world-pangolin-day',
  name: 'Pangolins',
  audiences: [{ platform: 'slack', target: 'C0ABC', timeZone: 'Asia/Tokyo', language: 'en' }],
  variants: { en: { text: 'hello' } },
  sendTime: '10:00',
};

describe('when a campaign posts', () => {
  it('posts on the day by default, this year only', () => {
    const c = campaignContentSchema.parse(base);
    expect(c.when).toEqual({ kind: 'day', repeat: 'once', daysBefore: 0 });
    expect(describeWhen(c.when)).toBe('on the day, this year only');
    expect(planSends(c, '2027-02-20')[0]!.sendAt).toBe(
      zonedTimeToEpochMs('2027-02-20', '10:00', 'Asia/Tokyo'),
    );
  });

  it('posts a teaser N days before the day, and picks the occurrence whose teaser date is still ahead', () => {
    const c = campaignContentSchema.parse({
      ...base,
      when: { kind: 'day', repeat: 'yearly', daysBefore: 3 },
    });
    expect(describeWhen(c.when)).toBe(
      '3 days before the day (teaser), every year (approved again each year)',
    );
    expect(planSends(c, '2027-02-20')[0]!.sendAt).toBe(
      zonedTimeToEpochMs('2027-02-17', '10:00', 'Asia/Tokyo'),
    );
    // On 2027-02-18 the teaser for 2027-02-20 has gone out: the next run is for 2028's day.
    expect(occurrenceForContent(c, Date.UTC(2027, 1, 10))).toBe('2027-02-20');
    expect(occurrenceForContent(c, Date.UTC(2027, 1, 18))).toBe('2028-02-19');
    expect(campaignContentSchema.safeParse({ ...base, when: { kind: 'day', daysBefore: 61 } }).success).toBe(
      false,
    );
  });

  it('posts once on a fixed date, or as soon as a lead approves', () => {
    const onDate = campaignContentSchema.parse({ ...base, when: { kind: 'date', date: '2027-01-15' } });
    expect(occurrenceForContent(onDate, Date.UTC(2026, 11, 1))).toBe('2027-01-15');
    expect(planSends(onDate, '2027-01-15')[0]!.sendAt).toBe(
      zonedTimeToEpochMs('2027-01-15', '10:00', 'Asia/Tokyo'),
    );
    expect(
      campaignContentSchema.safeParse({ ...base, when: { kind: 'date', date: '2027-02-30' } }).success,
    ).toBe(false);
    const now = campaignContentSchema.parse({ ...base, when: { kind: 'now' } });
    const at = Date.UTC(2026, 11, 7, 15, 30);
    expect(occurrenceForContent(now, at)).toBe('2026-12-07');
    expect(planSends(now, '2026-12-07', at)[0]!.sendAt).toBe(at);
    expect(describeWhen(now.when)).toBe('as soon as a lead approves');
  });

  it('starts each yearly run two weeks before its post date, so the leads can approve it again', () => {
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    const dates = yearlyFireDates(
      'world-pangolin-day',
      { kind: 'day', repeat: 'yearly', daysBefore: 3 },
      2027,
      2,
    );
    expect(REAPPROVAL_LEAD_DAYS).toBe(14);
    // Third Saturdays of February 2027 and 2028 (20th, 19th), minus 3 days of teaser, minus 14 days.
    expect(dates).toEqual(['2027-02-03', '2028-02-02']);
  });
});
