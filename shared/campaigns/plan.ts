// When each audience hears a campaign: its local send time on the occurrence date, in its own time zone.
import { findWildlifeDay, nextOccurrence } from './calendar.ts';
import { audienceKey, type CampaignContent, type Platform } from './model.ts';
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

/** One entry per audience, earliest first. */
export function planSends(content: CampaignContent, occurrenceDate: string): PlannedSend[] {
  return content.audiences
    .map((a) => ({
      audienceKey: audienceKey(a),
      platform: a.platform,
      target: a.target,
      language: a.language,
      timeZone: a.timeZone,
      sendAt: zonedTimeToEpochMs(occurrenceDate, a.sendTime ?? content.sendTime, a.timeZone),
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
