// Posts the case card to the review channel the first time, then edits that same message as the case moves.
import type { webApi } from '@slack/bolt';
import type { ReviewNotifier } from '../../workflows/activities/case-activities.ts';
import { caseCard } from './case-card.ts';

export function createSlackReviewNotifier(client: webApi.WebClient, channel: string): ReviewNotifier {
  return {
    async showCase(view, state) {
      const card = caseCard(view, state);
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
  };
}
