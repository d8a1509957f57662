// Discord markdown for the shared message catalogue: values are escaped (formatting characters and
// mentions neutralised, links left clickable) and **bold** spans stay bold. Messages are also sent with
// allowed_mentions { parse: [] }, so nothing a volunteer types can ping anyone.
import { escapeDiscord } from '../../workflows/campaigns/channels/escape.ts';
import { type Markup, type Translate, translator } from '../volunteers/i18n.ts';

export const discordMarkup: Markup = {
  escape: escapeDiscord,
  bold: (escaped) => `**${escaped}**`,
};

export function discordTranslator(locale: string): Translate {
  return translator(locale, discordMarkup);
}

export const NO_MENTIONS = { parse: [] as [] };
