// Posts the case card to the review channel the first time, then edits that same message as the case
// moves; calls leads to a case with a reply in the card's thread.
import type { webApi } from '@slack/bolt';
import type { PhotoLink } from '../../shared/photo-links.ts';
import type { LeadAlert, ReviewNotifier } from '../../workflows/activities/case-activities.ts';
import { caseCard } from './case-card.ts';
import { escapeMrkdwn, truncate } from './mrkdwn.ts';

const ALERT_TEXT: Record<LeadAlert, string> = {
  escalated: ':rotating_light: A reviewer escalated this case to the leads.',
  sla: ':rotating_light: No decision within the deadline: escalated to the leads.',
  reminder: ':alarm_clock: Reminder: this escalated case still has no decision.',
  second_approval: ':busts_in_silhouette: A suspension needs a second approval from a different lead.',
  appeal: ':scales: The seller appealed the takedown. A reviewer who did not approve it should decide.',
};

export function createSlackReviewNotifier(
  client: webApi.WebClient,
  channel: string,
  /** Signed links to volunteers' photos (needs the API's public address). */
  photoLink?: PhotoLink,
): ReviewNotifier {
  return {
    async showCase(view, state) {
      const card = caseCard(view, state, Date.now(), photoLink);
      if (view.slack) {
        await client.chat.update({ channel: view.slack.channel, ts: view.slack.ts, ...card });
        return view.slack;
      }
      const res = await client.chat.postMessage({
        channel,
        ...card,
        unfurl_links: false,
        unfurl_media: false,
      });
      return { channel: res.channel!, ts: res.ts! };
    },

    async alert(view, reason, leads) {
      const mentions = leads.filter((id) => /^[UW][A-Z0-9]{1,20}$/.test(id)).map((id) => `<@${id}>`);
      const text =
        `${mentions.join(' ')} ${ALERT_TEXT[reason]} Case: ${escapeMrkdwn(truncate(view.listing.title, 100))}`.trim();
      await client.chat.postMessage({
        channel: view.slack?.channel ?? channel,
        ...(view.slack ? { thread_ts: view.slack.ts } : {}),
        text,
        unfurl_links: false,
        unfurl_media: false,
      });
    },
  };
}
