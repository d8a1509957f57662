// The Discord front end of the volunteer journey (discord.js over the gateway): /report opens a modal
// (link, species, note, photos); a reviewer's question comes by direct message with an Answer button that
// opens a form (text, a photo); /mystats, /learn (the same quiz as Telegram), /language, /forgetme and
// /help (written from the registered commands) match the Telegram bot. Every interaction becomes a call of
// the shared volunteer use cases; replies are ephemeral, escaped and unable to mention anyone. The language
// is the Discord client's at first, then what /language chose. A submitted report or answer is stored in
// the inbox before the interaction is acknowledged, and applied after (its photos fetched then).
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
} from 'discord.js';
import { log } from '../../shared/logger.ts';
import { isSafeText } from '../../shared/text.ts';
import { findLink } from '../../workflows/use-cases/link-in-text.ts';
import { MAX_NOTE_LENGTH, MAX_REPORT_PHOTOS } from '../../workflows/use-cases/report-listing.ts';
import type { Inbox } from '../inbox.ts';
import { QUIZ } from '../volunteers/catalog.ts';
import { helpMessage } from '../volunteers/commands.ts';
import {
  isLocale,
  LOCALE_NAMES,
  LOCALES,
  type Locale,
  localeFrom,
  type MessageKey,
  translator,
} from '../volunteers/i18n.ts';
import { statsMessage } from '../volunteers/present.ts';
import type { VolunteerUseCases } from '../volunteers/use-cases.ts';
import { DISCORD_ANSWER_KIND, type DiscordAnswerEntry, discordAnswerHandler } from './answer-inbox.ts';
import { attachmentHosts, uploadedFiles } from './attachments.ts';
import {
  ANSWER_MODAL_PREFIX,
  ANSWER_PREFIX,
  answerModal,
  CONSENT_BUTTON_ID,
  commandDefinitions,
  DISCORD_COMMANDS,
  FIELD_ANSWER,
  FIELD_ANSWER_PHOTO,
  FIELD_LINK,
  FIELD_NOTE,
  FIELD_PHOTOS,
  FIELD_SPECIES,
  FORGET_BUTTON_ID,
  LANGUAGE_PREFIX,
  QUIZ_PREFIX,
  REPORT_MODAL_ID,
  reportModal,
} from './commands.ts';
import { discordTranslator, NO_MENTIONS } from './markup.ts';
import { DISCORD_REPORT_KIND, type DiscordReportEntry, discordReportHandler } from './report-inbox.ts';

export interface DiscordBotOptions {
  token: string;
  /** REST base without the version, e.g. http://127.0.0.1:PORT/api (discord.com by default). */
  apiUrl?: string;
  useCases: VolunteerUseCases;
  inbox: Inbox;
  /** Largest photo kept (5 MB by default). */
  maxPhotoBytes?: number;
}

export interface RunningDiscordBot {
  client: Client;
  stop(): Promise<void>;
}

const button = (id: string, label: string, style = ButtonStyle.Primary) =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(id).setLabel(label.slice(0, 80)).setStyle(style),
  );

export function handleVolunteerInteraction(uc: VolunteerUseCases, inbox: Inbox) {
  return async (interaction: Interaction): Promise<void> => {
    if (!interaction.isRepliable()) return;
    const user = interaction.user;
    if (!(await uc.allow('discord', user.id, 'message'))) {
      if (await uc.allow('discord', user.id, 'notice'))
        await interaction.reply({
          content: discordTranslator(localeFrom(interaction.locale))('rate_limited'),
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        });
      return;
    }
    // The client's language is the first guess; /language changes it for good.
    const v = await uc.enrol({
      channel: 'discord',
      externalUserId: user.id,
      displayName: user.globalName ?? user.username,
      languageTag: interaction.locale,
    });
    let locale: Locale = v.locale;
    let t = discordTranslator(locale);
    let label = translator(locale);
    const ephemeral = (key: MessageKey) => ({
      content: t(key),
      flags: MessageFlags.Ephemeral as const,
      allowedMentions: NO_MENTIONS,
    });
    const ephemeralText = (content: string, components: ActionRowBuilder<ButtonBuilder>[] = []) => ({
      content,
      components,
      flags: MessageFlags.Ephemeral as const,
      allowedMentions: NO_MENTIONS,
    });
    /** One quiz question with its options as buttons carrying the running tally. */
    const quizQuestion = (index: number, correct: number) => {
      const q = QUIZ[index]!;
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        q.options.map((o, i) =>
          new ButtonBuilder()
            .setCustomId(`${QUIZ_PREFIX}${q.id}:${i}:${correct}`)
            .setLabel(label(o).slice(0, 80))
            .setStyle(ButtonStyle.Secondary),
        ),
      );
      const text = t('quiz_question', { n: index + 1, total: QUIZ.length, question: label(q.question) });
      return { text, row };
    };

    if (interaction.isButton() && interaction.customId === CONSENT_BUTTON_ID) {
      await uc.consent(v.id);
      await interaction.update({
        content: t('consent_thanks'),
        components: [],
        allowedMentions: NO_MENTIONS,
      });
      return;
    }
    if (!v.consentedAt) {
      await interaction.reply({
        ...ephemeral('privacy'),
        components: [button(CONSENT_BUTTON_ID, label('btn_agree'))],
      });
      return;
    }

    if (interaction.isButton() && interaction.customId.startsWith(LANGUAGE_PREFIX)) {
      const chosen = interaction.customId.slice(LANGUAGE_PREFIX.length);
      if (!isLocale(chosen)) return;
      await uc.setLanguage(v.id, chosen);
      locale = chosen;
      t = discordTranslator(locale);
      label = translator(locale);
      await interaction.update({ content: t('language_set'), components: [], allowedMentions: NO_MENTIONS });
      return;
    }

    if (interaction.isButton() && interaction.customId.startsWith(QUIZ_PREFIX)) {
      const [questionId, choice, tally] = interaction.customId.slice(QUIZ_PREFIX.length).split(':');
      const index = QUIZ.findIndex((q) => q.id === questionId);
      const q = QUIZ[index];
      const result = q ? await uc.answerQuiz(v.id, q.id, Number(choice)) : undefined;
      if (!q || !result) return;
      const correct = Math.min(Number(tally) || 0, index) + (result.correct ? 1 : 0);
      const feedback = t(result.correct ? 'quiz_correct' : 'quiz_wrong', {
        explanation: label(q.explanation),
      });
      if (index + 1 < QUIZ.length) {
        const next = quizQuestion(index + 1, correct);
        await interaction.update({ content: `${feedback}\n\n${next.text}`, components: [next.row] });
        return;
      }
      const all = await uc.quizScore(v.id);
      const done = t('quiz_done', {
        correct,
        total: QUIZ.length,
        allCorrect: all.correct,
        allAnswered: all.answered,
      });
      await interaction.update({
        content: `${feedback}\n\n${done}`,
        components: [],
        allowedMentions: NO_MENTIONS,
      });
      return;
    }

    // A reviewer asked this volunteer for more information: the Answer button opens the answer form.
    if (interaction.isButton() && interaction.customId.startsWith(ANSWER_PREFIX)) {
      const reportId = interaction.customId.slice(ANSWER_PREFIX.length);
      if (/^\d{1,18}$/.test(reportId)) await interaction.showModal(answerModal(label, reportId));
      return;
    }
    if (interaction.isModalSubmit() && interaction.customId.startsWith(ANSWER_MODAL_PREFIX)) {
      const reportId = interaction.customId.slice(ANSWER_MODAL_PREFIX.length);
      const text = interaction.fields.getTextInputValue(FIELD_ANSWER).trim();
      const photo = uploadedFiles(interaction.fields, FIELD_ANSWER_PHOTO)[0];
      if (!/^\d{1,18}$/.test(reportId)) return;
      if (!text && !photo) {
        await interaction.reply(ephemeral('ask_answer'));
        return;
      }
      if (!isSafeText(text)) {
        await interaction.reply(ephemeral('unreadable_text'));
        return;
      }
      const entry: DiscordAnswerEntry = {
        requestId: `discord:${interaction.id}`,
        volunteerId: v.id,
        reportId,
        text: text || null,
        photo: photo ?? null,
        locale,
        reply: { applicationId: interaction.applicationId, token: interaction.token },
      };
      const job = await inbox.record(DISCORD_ANSWER_KIND, entry.requestId, entry);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await job.run();
      return;
    }

    if (interaction.isChatInputCommand()) {
      switch (interaction.commandName) {
        case 'report':
          await interaction.showModal(reportModal(label));
          return;
        case 'help':
          await interaction.reply(ephemeralText(helpMessage(t, DISCORD_COMMANDS)));
          return;
        case 'learn': {
          const first = quizQuestion(0, 0);
          await interaction.reply(ephemeralText(first.text, [first.row]));
          return;
        }
        case 'language': {
          // Discord allows five buttons per row.
          const rows = [LOCALES.slice(0, 4), LOCALES.slice(4)].map((ls) =>
            new ActionRowBuilder<ButtonBuilder>().addComponents(
              ls.map((l) =>
                new ButtonBuilder()
                  .setCustomId(`${LANGUAGE_PREFIX}${l}`)
                  .setLabel(LOCALE_NAMES[l])
                  .setStyle(ButtonStyle.Secondary),
              ),
            ),
          );
          await interaction.reply(
            ephemeralText(t('choose_language', { name: user.globalName ?? user.username }), rows),
          );
          return;
        }
        case 'mystats':
        case 'stats': {
          const stats = await uc.stats(v.id);
          await interaction.reply({
            content: statsMessage(t, label, locale, stats),
            flags: MessageFlags.Ephemeral,
            allowedMentions: NO_MENTIONS,
          });
          return;
        }
        case 'forgetme':
          await interaction.reply({
            ...ephemeral('forget_confirm'),
            components: [button(FORGET_BUTTON_ID, label('btn_forget'), ButtonStyle.Danger)],
          });
          return;
      }
      return;
    }

    if (interaction.isModalSubmit() && interaction.customId === REPORT_MODAL_ID) {
      if (!(await uc.allow('discord', user.id, 'report'))) {
        await interaction.reply(ephemeral('rate_limited'));
        return;
      }
      // A link field pasted with words around it: the link is the listing, the words join the note.
      const linkField = interaction.fields.getTextInputValue(FIELD_LINK);
      const found = findLink(linkField);
      const typedNote = interaction.fields.getTextInputValue(FIELD_NOTE).trim();
      const note = [found?.rest, typedNote].filter(Boolean).join('\n').slice(0, MAX_NOTE_LENGTH);
      const species = interaction.fields.getTextInputValue(FIELD_SPECIES).trim();
      const photos = uploadedFiles(interaction.fields, FIELD_PHOTOS);
      const entry: DiscordReportEntry = {
        volunteerId: v.id,
        url: found?.url ?? linkField,
        species: species || null,
        note: note || null,
        photos: photos.slice(0, MAX_REPORT_PHOTOS),
        locale,
        reply: { applicationId: interaction.applicationId, token: interaction.token },
      };
      // Stored before the ack; the inbox applies it and edits the deferred reply with the outcome.
      const job = await inbox.record(DISCORD_REPORT_KIND, `discord:${interaction.id}`, entry);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await job.run();
      return;
    }

    if (interaction.isButton() && interaction.customId === FORGET_BUTTON_ID) {
      await uc.forgetMe(v.id);
      await interaction.update({ content: t('forget_done'), components: [], allowedMentions: NO_MENTIONS });
    }
  };
}

/** Logs in over the gateway, registers the commands and starts answering interactions. */
export async function startDiscordBot(opts: DiscordBotOptions): Promise<RunningDiscordBot> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    ...(opts.apiUrl ? { rest: { api: opts.apiUrl } } : {}),
  });
  const photos = { hosts: attachmentHosts(opts.apiUrl), maxBytes: opts.maxPhotoBytes ?? 5 * 1024 * 1024 };
  opts.inbox.register(DISCORD_REPORT_KIND, discordReportHandler(opts.useCases, client.rest, photos));
  opts.inbox.register(DISCORD_ANSWER_KIND, discordAnswerHandler(opts.useCases, client.rest, photos));
  const handle = handleVolunteerInteraction(opts.useCases, opts.inbox);
  client.on(Events.InteractionCreate, (interaction) => {
    handle(interaction).catch(async (err: unknown) => {
      log.error('discord interaction failed', { interactionId: interaction.id, error: err });
      if (!interaction.isRepliable()) return;
      const content = translator(localeFrom(interaction.locale))('error');
      const reply = { content, allowedMentions: NO_MENTIONS };
      await (interaction.deferred || interaction.replied
        ? interaction.editReply(reply)
        : interaction.reply({ ...reply, flags: MessageFlags.Ephemeral })
      ).catch(() => {});
    });
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(opts.token);
  await ready;
  await client.application!.commands.set(commandDefinitions());
  return {
    client,
    async stop() {
      await client.destroy();
    },
  };
}
