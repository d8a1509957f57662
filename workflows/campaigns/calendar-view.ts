// What is planned to go out in the coming days, across campaigns and channels: the posts of runs already
// open (approved or awaiting approval) and the coming occurrences of yearly campaigns (skipped or not yet
// started). Pure: the use case reads campaigns, runs and skips and hands them here.
import { datesInYear, findWildlifeDay } from '../../shared/campaigns/calendar.ts';
import type { Campaign, Platform } from '../../shared/campaigns/model.ts';
import { addDays, occurrenceForContent, planSends, postDate } from '../../shared/campaigns/plan.ts';
import type { CampaignRun } from '../../shared/campaigns/repository.ts';

export type CalendarStatus = 'approved' | 'awaiting approval' | 'on approval' | 'not started' | 'skipped';

export interface CalendarEntry {
  sendAt: number;
  timeZone: string;
  platform: Platform;
  target: string;
  campaignId: string;
  name: string;
  occurrenceDate: string;
  status: CalendarStatus;
  /** For a yearly occurrence not started yet: the day its run starts and asks the leads. */
  startsOn?: string;
}

export function upcomingPosts(input: {
  campaigns: Campaign[];
  runs: CampaignRun[];
  skips: { campaignId: string; occurrenceDate: string }[];
  from: number;
  days: number;
  leadDays: number;
}): CalendarEntry[] {
  const until = input.from + input.days * 86_400_000;
  const entries: CalendarEntry[] = [];
  const add = (c: Campaign, occurrenceDate: string, status: CalendarStatus, startsOn?: string) => {
    for (const p of planSends(c, occurrenceDate, c.when.kind === 'now' ? input.from : undefined)) {
      if (status !== 'on approval' && (p.sendAt < input.from || p.sendAt > until)) continue;
      entries.push({
        sendAt: p.sendAt,
        timeZone: p.timeZone,
        platform: p.platform,
        target: p.target,
        campaignId: c.id,
        name: c.name,
        occurrenceDate,
        status,
        ...(startsOn ? { startsOn } : {}),
      });
    }
  };
  for (const c of input.campaigns) {
    const runs = input.runs.filter((r) => r.campaignId === c.id);
    for (const r of runs.filter((r) => r.status === 'running')) {
      const approved = c.approvedRevision === c.revision && c.approvedOccurrence === r.occurrenceDate;
      add(
        c,
        r.occurrenceDate,
        c.when.kind === 'now' && !approved ? 'on approval' : approved ? 'approved' : 'awaiting approval',
      );
    }
    if (c.when.kind !== 'day' || c.when.repeat !== 'yearly') continue;
    const day = findWildlifeDay(c.dayId);
    if (!day) continue;
    const first = occurrenceForContent(c, input.from);
    const years = [Number(first.slice(0, 4)), Number(first.slice(0, 4)) + 1];
    for (const date of years.flatMap((y) => datesInYear(day, y)).filter((d) => d >= first)) {
      const skipped = input.skips.some((s) => s.campaignId === c.id && s.occurrenceDate === date);
      if (skipped) add(c, date, 'skipped');
      else if (!runs.some((r) => r.occurrenceDate === date))
        add(c, date, 'not started', addDays(postDate(c.when, date), -input.leadDays));
    }
  }
  return entries.sort((a, b) => a.sendAt - b.sendAt || a.target.localeCompare(b.target));
}
