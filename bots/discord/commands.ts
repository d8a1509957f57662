// The volunteer bot's application commands and the report modal, as Discord API payloads.
import {
  ActionRowBuilder,
  ModalBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { MAX_NOTE_LENGTH, MAX_SPECIES_LENGTH } from '../../workflows/use-cases/report-listing.ts';
import { SHARED_COMMANDS, type VolunteerCommand } from '../volunteers/commands.ts';
import { LOCALES, type Locale, type Translate, translator } from '../volunteers/i18n.ts';

export const REPORT_MODAL_ID = 'report_modal';
export const FIELD_LINK = 'link';
export const FIELD_SPECIES = 'species';
export const FIELD_NOTE = 'note';
export const CONSENT_BUTTON_ID = 'consent:yes';
export const FORGET_BUTTON_ID = 'forget:yes';
/** quiz:<question id>:<choice>:<correct so far>; the tally rides in the button (it only shapes the summary). */
export const QUIZ_PREFIX = 'quiz:';
export const LANGUAGE_PREFIX = 'lang:';

/** Discord's locale codes for the bots' languages (English is the default description). */
const DISCORD_LOCALES: Partial<Record<Locale, string>> = {
  fr: 'fr',
  es: 'es-ES',
  pt: 'pt-BR',
  zh: 'zh-CN',
  vi: 'vi',
  id: 'id',
  th: 'th',
};

/** The shared volunteer commands (as on Telegram) plus /help, described in every language. */
export const DISCORD_COMMANDS: readonly VolunteerCommand[] = [
  ...SHARED_COMMANDS,
  { name: 'help', description: 'cmd_help' },
];

export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return DISCORD_COMMANDS.map((c) =>
    new SlashCommandBuilder()
      .setName(c.name)
      .setDescription(translator('en')(c.description).slice(0, 100))
      .setDescriptionLocalizations(
        Object.fromEntries(
          LOCALES.filter((l) => DISCORD_LOCALES[l]).map((l) => [
            DISCORD_LOCALES[l]!,
            translator(l)(c.description).slice(0, 100),
          ]),
        ),
      )
      .toJSON(),
  );
}

export function reportModal(label: Translate): ModalBuilder {
  const input = (id: string, text: string, style: TextInputStyle, max: number, required: boolean) =>
    new ActionRowBuilder<TextInputBuilder>().addComponents(
      new TextInputBuilder()
        .setCustomId(id)
        .setLabel(text.slice(0, 45))
        .setStyle(style)
        .setMaxLength(max)
        .setRequired(required),
    );
  return new ModalBuilder()
    .setCustomId(REPORT_MODAL_ID)
    .setTitle('Wild Sentinel')
    .addComponents(
      input(FIELD_LINK, label('field_link'), TextInputStyle.Short, 2000, true),
      input(FIELD_SPECIES, label('field_species'), TextInputStyle.Short, MAX_SPECIES_LENGTH, true),
      input(FIELD_NOTE, label('field_note'), TextInputStyle.Paragraph, MAX_NOTE_LENGTH, false),
    );
}
