// The volunteer bot's application commands and the report modal, as Discord API payloads.
import {
  ActionRowBuilder,
  FileUploadBuilder,
  LabelBuilder,
  ModalBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { MAX_ANSWER_LENGTH } from '../../workflows/use-cases/answer-case.ts';
import {
  MAX_NOTE_LENGTH,
  MAX_REPORT_PHOTOS,
  MAX_SPECIES_LENGTH,
} from '../../workflows/use-cases/report-listing.ts';
import { SHARED_COMMANDS, type VolunteerCommand } from '../volunteers/commands.ts';
import { LOCALES, type Locale, type Translate, translator } from '../volunteers/i18n.ts';

export const REPORT_MODAL_ID = 'report_modal';
export const FIELD_LINK = 'link';
export const FIELD_SPECIES = 'species';
export const FIELD_NOTE = 'note';
export const FIELD_PHOTOS = 'photos';
export const FIELD_ANSWER = 'answer';
export const FIELD_ANSWER_PHOTO = 'answer_photo';
/** ans:<report id>: the Answer button under a reviewer's question (sent by direct message). */
export const ANSWER_PREFIX = 'ans:';
/** answer_modal:<report id>: the form the Answer button opens. */
export const ANSWER_MODAL_PREFIX = 'answer_modal:';
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

const textInput = (id: string, text: string, style: TextInputStyle, max: number, required: boolean) =>
  new ActionRowBuilder<TextInputBuilder>().addComponents(
    new TextInputBuilder()
      .setCustomId(id)
      .setLabel(text.slice(0, 45))
      .setStyle(style)
      .setMaxLength(max)
      .setRequired(required),
  );

/** Discord's file upload in a modal (a label around it); the bot keeps only JPEG, PNG and WebP photos. */
const photoUpload = (id: string, text: string, max: number) =>
  new LabelBuilder()
    .setLabel(text.slice(0, 45))
    .setFileUploadComponent(
      new FileUploadBuilder().setCustomId(id).setMinValues(0).setMaxValues(max).setRequired(false),
    );

export function reportModal(label: Translate): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(REPORT_MODAL_ID)
    .setTitle('Wild Sentinel')
    .addComponents(
      textInput(FIELD_LINK, label('field_link'), TextInputStyle.Short, 2000, true),
      textInput(FIELD_SPECIES, label('field_species'), TextInputStyle.Short, MAX_SPECIES_LENGTH, true),
      textInput(FIELD_NOTE, label('field_note'), TextInputStyle.Paragraph, MAX_NOTE_LENGTH, false),
      photoUpload(FIELD_PHOTOS, label('field_photos'), MAX_REPORT_PHOTOS),
    );
}

/** The answer to a reviewer's question on one report: text, a photo, or both. */
export function answerModal(label: Translate, reportId: string): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(`${ANSWER_MODAL_PREFIX}${reportId}`)
    .setTitle(label('btn_answer').slice(0, 45))
    .addComponents(
      textInput(FIELD_ANSWER, label('field_answer'), TextInputStyle.Paragraph, MAX_ANSWER_LENGTH, false),
      photoUpload(FIELD_ANSWER_PHOTO, label('field_answer_photo'), 1),
    );
}
