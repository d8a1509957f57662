// Tells a Telegram volunteer what became of their report, in their language (HTML-escaped).

import { type Api, GrammyError } from 'grammy';
import { caseLabel } from '../../shared/case-ref.ts';
import type { OutcomeDelivery } from '../../workflows/activities/volunteer-activities.ts';
import { OUTCOME_KEYS } from '../volunteers/present.ts';
import { telegramTranslator } from './markup.ts';

export function telegramOutcomeDelivery(api: Api): OutcomeDelivery {
  return async (m) => {
    const t = telegramTranslator(m.volunteer.language);
    try {
      // In a private chat the chat id is the user id.
      await api.sendMessage(
        Number(m.volunteer.externalUserId),
        t(OUTCOME_KEYS[m.outcome], {
          url: m.listingUrl,
          caseRef: caseLabel(m.caseId),
        }),
        { parse_mode: 'HTML', link_preview_options: { is_disabled: true } },
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
