// The command menu Telegram shows volunteers, in each supported language (setMyCommands per language
// code; English is the default for every other language).
import type { Api } from 'grammy';
import { TELEGRAM_COMMANDS } from '../volunteers/commands.ts';
import { LOCALES, translator } from '../volunteers/i18n.ts';

export async function publishTelegramCommands(api: Api): Promise<void> {
  for (const locale of LOCALES) {
    const label = translator(locale);
    const commands = TELEGRAM_COMMANDS.map((c) => ({
      command: c.name,
      description: label(c.description).slice(0, 256),
    }));
    await api.setMyCommands(commands, locale === 'en' ? {} : { language_code: locale });
  }
}
