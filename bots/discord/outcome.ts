// Tells a Discord volunteer what became of their report by direct message (REST only: open the DM
// channel, then post), in their language, escaped and with mentions disabled. A reviewer's question comes
// with an Answer button (ANSWER_PREFIX + report id), which opens the bot's answer form.

import type { REST } from '@discordjs/rest';
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { caseLabel } from '../../shared/case-ref.ts';
import type { OutcomeDelivery } from '../../workflows/activities/volunteer-activities.ts';
import { translator } from '../volunteers/i18n.ts';
import { OUTCOME_KEYS } from '../volunteers/present.ts';
import { ANSWER_PREFIX } from './commands.ts';
import { sendDirectMessage } from './direct-message.ts';
import { discordTranslator, NO_MENTIONS } from './markup.ts';

export function discordOutcomeDelivery(rest: REST): OutcomeDelivery {
  return async (m) => {
    const t = discordTranslator(m.volunteer.language);
    const asked = m.outcome === 'more_info' && m.question;
    return sendDirectMessage(rest, m.volunteer.externalUserId, {
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
    });
  };
}
