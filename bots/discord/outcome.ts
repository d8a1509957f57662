// Tells a Discord volunteer what became of their report by direct message (REST only: open the DM
// channel, then post), in their language, escaped and with mentions disabled.

import { DiscordAPIError, type REST } from '@discordjs/rest';
import { type APIChannel, Routes } from 'discord-api-types/v10';
import { caseLabel } from '../../shared/case-ref.ts';
import type { OutcomeDelivery } from '../../workflows/activities/volunteer-activities.ts';
import { OUTCOME_KEYS } from '../volunteers/present.ts';
import { discordTranslator, NO_MENTIONS } from './markup.ts';

/** Discord's "Cannot send messages to this user" and "Unknown User": retrying cannot help. */
const UNDELIVERABLE_CODES = new Set([50007, 10013]);

export function discordOutcomeDelivery(rest: REST): OutcomeDelivery {
  return async (m) => {
    const t = discordTranslator(m.volunteer.language);
    try {
      const channel = (await rest.post(Routes.userChannels(), {
        body: { recipient_id: m.volunteer.externalUserId },
      })) as APIChannel;
      await rest.post(Routes.channelMessages(channel.id), {
        body: {
          content: [
            t(OUTCOME_KEYS[m.outcome], { url: m.listingUrl, caseRef: caseLabel(m.caseId) }),
            // The reviewer's question; answering from Discord is not built yet (Telegram has an Answer button).
            ...(m.outcome === 'more_info' && m.question
              ? [t('more_info_question', { question: m.question })]
              : []),
          ].join('\n\n'),
          allowed_mentions: NO_MENTIONS,
        },
      });
      return 'sent';
    } catch (err) {
      if (err instanceof DiscordAPIError && UNDELIVERABLE_CODES.has(Number(err.code))) return 'undeliverable';
      throw err;
    }
  };
}
