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
import type { Translate } from '../volunteers/i18n.ts';

export const REPORT_MODAL_ID = 'report_modal';
export const FIELD_LINK = 'link';
export const FIELD_SPECIES = 'species';
export const FIELD_NOTE = 'note';
export const CONSENT_BUTTON_ID = 'consent:yes';
export const FORGET_BUTTON_ID = 'forget:yes';

export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    new SlashCommandBuilder()
      .setName('report')
      .setDescription('Report a suspicious wildlife listing')
      .setDescriptionLocalizations({
        fr: 'Signaler une annonce suspecte',
        'es-ES': 'Reportar un anuncio sospechoso',
        'pt-BR': 'Denunciar um anúncio suspeito',
        'zh-CN': '举报可疑的野生动物商品',
        vi: 'Báo cáo tin đăng đáng ngờ',
        id: 'Laporkan iklan yang mencurigakan',
        th: 'รายงานประกาศที่น่าสงสัย',
      })
      .toJSON(),
    new SlashCommandBuilder().setName('stats').setDescription('Your reports, accuracy and rank').toJSON(),
    new SlashCommandBuilder()
      .setName('forgetme')
      .setDescription('Erase your identity from Wild Sentinel')
      .toJSON(),
  ];
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
