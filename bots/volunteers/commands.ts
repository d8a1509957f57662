// The volunteer commands, named once for every chat platform: Telegram publishes them as its command
// menu, Discord registers them as slash commands, and the help text is written from the same list, so
// help never names a command the bot lacks.
import type { MessageKey, Translate } from './i18n.ts';

export interface VolunteerCommand {
  name: string;
  description: MessageKey;
}

const command = (name: string, description: MessageKey): VolunteerCommand => ({ name, description });

/** What every platform offers. */
export const SHARED_COMMANDS: readonly VolunteerCommand[] = [
  command('report', 'cmd_report'),
  command('mystats', 'cmd_mystats'),
  command('learn', 'cmd_learn'),
  command('language', 'cmd_language'),
  command('forgetme', 'cmd_forgetme'),
];

/** Telegram's /report is a dialog over several messages, which /cancel stops. */
export const TELEGRAM_COMMANDS: readonly VolunteerCommand[] = [
  ...SHARED_COMMANDS.slice(0, 4),
  command('cancel', 'cmd_cancel'),
  ...SHARED_COMMANDS.slice(4),
];

/** One line per command, in the volunteer's language (`t` escapes for the platform's markup). */
export function helpMessage(t: Translate, commands: readonly VolunteerCommand[]): string {
  return [t('help_intro'), ...commands.map((c) => `/${c.name} · ${t(c.description)}`)].join('\n');
}
