// When each audience hears a campaign: its local send time on the occurrence date, in its own time zone.
import { findWildlifeDay, nextOccurrence } from './calendar.ts';
import { audienceKey, type CampaignContent, ON_THE_DAY, type Platform, type When } from './model.ts';
import { localDate, zonedTimeToEpochMs } from './time.ts';

export interface PlannedSend {
  audienceKey: string;
  platform: Platform;
  target: string;
  language: string;
  timeZone: string;
  /** Epoch ms of the audience's local send time on the occurrence date. */
  sendAt: number;
}

/** YYYY-MM-DD plus (or minus) whole days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The date the posts go out for an occurrence: a teaser goes out days before its day. */
export function postDate(when: When, occurrenceDate: string): string {
  return when.kind === 'day' ? addDays(occurrenceDate, -when.daysBefore) : occurrenceDate;
}

/**
 * One entry per audience, earliest first. "Post now" campaigns are due at `now` (the run's start): they go
 * out as soon as a lead approves.
 */
export function planSends(content: CampaignContent, occurrenceDate: string, now?: number): PlannedSend[] {
  const when = content.when ?? ON_THE_DAY;
  const date = postDate(when, occurrenceDate);
  return content.audiences
    .map((a) => ({
      audienceKey: audienceKey(a),
      platform: a.platform,
      target: a.target,
      language: a.language,
      timeZone: a.timeZone,
      sendAt:
        when.kind === 'now' && now !== undefined
          ? now
          : zonedTimeToEpochMs(date, a.sendTime ?? content.sendTime, a.timeZone),
    }))
    .sort((x, y) => x.sendAt - y.sendAt || x.audienceKey.localeCompare(y.audienceKey));
}

/**
 * The occurrence a run is for: the next date of the day from `now`, counted in the earliest time zone
 * (UTC+14), so a run started on the day itself, anywhere on Earth, is for that day and not next year's.
 */
export function occurrenceFor(dayId: string, now: number): string {
  const day = findWildlifeDay(dayId);
  if (!day) throw new RangeError(`unknown wildlife day ${dayId}`);
  return nextOccurrence(day, localDate(now, 'Pacific/Kiritimati'));
}

/** The occurrence a new run of this content is for: its date, today (post now), or the day's next date. */
export function occurrenceForContent(content: Pick<CampaignContent, 'dayId' | 'when'>, now: number): string {
  const when = content.when ?? ON_THE_DAY;
  if (when.kind === 'date') return when.date;
  if (when.kind === 'now') return localDate(now, 'UTC');
  // A teaser for a day 3 days away is for that day; one whose teaser date has passed is for next year's.
  if (content.dayId === undefined) throw new RangeError('a campaign posted on its day needs the day');
  return occurrenceFor(content.dayId, now + when.daysBefore * 86_400_000);
}
