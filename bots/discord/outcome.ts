// Tells a Discord volunteer what became of their report by direct message (REST only: open the DM
// channel, then post), in their language, escaped and with mentions disabled. A reviewer's question comes
// with an Answer button (ANSWER_PREFIX + report id), which opens the bot's answer form.

import { DiscordAPIError, type REST } from '@discordjs/rest';
import { type APIChannel, ButtonStyle, ComponentType, Routes } from 'discord-api-types/v10';
import { caseLabel } from '../../shared/case-ref.ts';
import type { OutcomeDelivery } from '../../workflows/activities/volunteer-activities.ts';
import { translator } from '../volunteers/i18n.ts';
import { OUTCOME_KEYS } from '../volunteers/present.ts';
import { ANSWER_PREFIX } from './commands.ts';
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
      const asked = m.outcome === 'more_info' && m.question;
      await rest.post(Routes.channelMessages(channel.id), {
        body: {
          content: [
            t(OUTCOME_KEYS[m.outcome], { url: m.listingUrl, caseRef: caseLabel(m.caseId) }),
            ...(asked ? [t('more_info_question', { question: m.question! })] : []),
          ].join('\n\n'),
          allowed_mentions: NO_MENTIONS,
          ...(asked
            ? {
                components: [
                  {
                    type: ComponentType.ActionRow,
                    components: [
                      {
                        type: ComponentType.Button,
                        style: ButtonStyle.Primary,
                        custom_id: `${ANSWER_PREFIX}${m.reportId}`,
                        label: translator(m.volunteer.language)('btn_answer').slice(0, 80),
                      },
                    ],
                  },
                ],
              }
            : {}),
        },
      });
      return 'sent';
    } catch (err) {
      if (err instanceof DiscordAPIError && UNDELIVERABLE_CODES.has(Number(err.code))) return 'undeliverable';
      throw err;
    }
  };
}
