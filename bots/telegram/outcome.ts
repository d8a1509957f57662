// Tells a Telegram volunteer what became of their report, in their language (HTML-escaped). A reviewer's
// question comes with an Answer button (ANSWER_PREFIX + report id), which starts the bot's answer step.

import { type Api, GrammyError, InlineKeyboard } from 'grammy';
import { caseLabel } from '../../shared/case-ref.ts';
import type { OutcomeDelivery } from '../../workflows/activities/volunteer-activities.ts';
import { translator } from '../volunteers/i18n.ts';
import { OUTCOME_KEYS } from '../volunteers/present.ts';
import { telegramTranslator } from './markup.ts';

export const ANSWER_PREFIX = 'ans:';

export function telegramOutcomeDelivery(api: Api): OutcomeDelivery {
  return async (m) => {
    const t = telegramTranslator(m.volunteer.language);
    try {
      // In a private chat the chat id is the user id.
      const text = t(OUTCOME_KEYS[m.outcome], { url: m.listingUrl, caseRef: caseLabel(m.caseId) });
      const asked = m.outcome === 'more_info' && m.question;
      await api.sendMessage(
        Number(m.volunteer.externalUserId),
        asked ? `${text}\n\n${t('more_info_question', { question: m.question! })}` : text,
        {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(asked
            ? {
                reply_markup: new InlineKeyboard().text(
                  translator(m.volunteer.language)('btn_answer'),
                  `${ANSWER_PREFIX}${m.reportId}`,
                ),
              }
            : {}),
        },
      );
      return 'sent';
    } catch (err) {
      // 403: the volunteer blocked the bot; 400: chat not found. Retrying cannot help either.
      if (err instanceof GrammyError && (err.error_code === 403 || err.error_code === 400))
        return 'undeliverable';
      throw err;
    }
  };
}
