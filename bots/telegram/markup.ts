// Telegram's HTML parse mode for the shared message catalogue: every value is escaped (&, <, >, "), so a
// volunteer's note or a listing link can never become markup, and **bold** spans become <b>.
import { escapeTelegramHtml } from '../../workflows/campaigns/channels/escape.ts';
import { type Markup, type Translate, translator } from '../volunteers/i18n.ts';

export const telegramMarkup: Markup = {
  escape: escapeTelegramHtml,
  bold: (escaped) => `<b>${escaped}</b>`,
};

export function telegramTranslator(locale: string): Translate {
  return translator(locale, telegramMarkup);
}
