// The command menu Telegram shows volunteers, in each supported language (setMyCommands per language
// code; English is the default for every other language).
import type { Api } from 'grammy';
import { LOCALES, type MessageKey, translator } from '../volunteers/i18n.ts';

const COMMANDS: [string, MessageKey][] = [
  ['report', 'cmd_report'],
  ['mystats', 'cmd_mystats'],
  ['learn', 'cmd_learn'],
  ['language', 'cmd_language'],
  ['cancel', 'cmd_cancel'],
  ['forgetme', 'cmd_forgetme'],
];

export async function publishTelegramCommands(api: Api): Promise<void> {
  for (const locale of LOCALES) {
    const label = translator(locale);
    const commands = COMMANDS.map(([command, key]) => ({ command, description: label(key).slice(0, 256) }));
    await api.setMyCommands(commands, locale === 'en' ? {} : { language_code: locale });
  }
}
