// Tells a Telegram volunteer that a term from a listing they reported joined the library (HTML-escaped).
import { type Api, GrammyError } from 'grammy';
import type { TermAdoptedDelivery } from '../../workflows/terms/adoption-notices.ts';
import { telegramTranslator } from './markup.ts';

export function telegramTermAdoptedDelivery(api: Api): TermAdoptedDelivery {
  return async (m) => {
    const t = telegramTranslator(m.volunteer.language);
    try {
      await api.sendMessage(
        Number(m.volunteer.externalUserId),
        t('term_adopted', { term: m.term, url: m.listingUrl }),
        {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
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
