// The Telegram front end of the volunteer journey (grammY). It only turns updates into calls of the shared
// volunteer use cases and their results into localised, escaped messages. The guided /report dialog and
// quizzes keep their state in PostgreSQL (see dialog.ts), so a restarted bot continues where it stopped.
import { Bot, type Context, InlineKeyboard } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { caseLabel } from '../../shared/case-ref.ts';
import { log } from '../../shared/logger.ts';
import { isSafeText } from '../../shared/text.ts';
import { type AnswerInput, MAX_ANSWER_LENGTH } from '../../workflows/use-cases/answer-case.ts';
import { findLink, type LinkInText } from '../../workflows/use-cases/link-in-text.ts';
import {
  MAX_LINK_LENGTH,
  MAX_NOTE_LENGTH,
  MAX_SPECIES_LENGTH,
} from '../../workflows/use-cases/report-listing.ts';
import { isSpeciesId, QUIZ, SPECIES, speciesLabelKey } from '../volunteers/catalog.ts';
import { helpMessage, TELEGRAM_COMMANDS } from '../volunteers/commands.ts';
import {
  isLocale,
  LOCALE_NAMES,
  LOCALES,
  type Locale,
  localeFrom,
  type MessageKey,
  type Translate,
  translator,
  type Vars,
} from '../volunteers/i18n.ts';
import { PHOTO_REFUSAL_KEYS, reportResultMessage, statsMessage } from '../volunteers/present.ts';
import type { VolunteerUseCases } from '../volunteers/use-cases.ts';
import { type Dialog, parseDialog } from './dialog.ts';
import { telegramTranslator } from './markup.ts';
import { ANSWER_PREFIX } from './outcome.ts';
import { downloadPhoto } from './photos.ts';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

export interface TelegramBotOptions {
  token: string;
  apiRoot?: string;
  useCases: VolunteerUseCases;
  /** Skips getMe at start (tests, or a process that already knows the bot). */
  botInfo?: UserFromGetMe;
  maxPhotoBytes?: number;
  maxPhotos?: number;
}

interface VolunteerFlavor {
  volunteer: { id: string; locale: Locale; consentedAt: Date | null };
  /** Message text in the volunteer's language, HTML-escaped. */
  t: Translate;
  /** Plain text for button labels (Telegram does not parse them). */
  label: Translate;
}
export type VolunteerContext = Context & VolunteerFlavor;

const HTML = { parse_mode: 'HTML', link_preview_options: { is_disabled: true } } as const;

export function createTelegramBot(opts: TelegramBotOptions): Bot<VolunteerContext> {
  const uc = opts.useCases;
  const apiRoot = opts.apiRoot ?? DEFAULT_API_ROOT;
  const maxPhotoBytes = opts.maxPhotoBytes ?? 5 * 1024 * 1024;
  const maxPhotos = opts.maxPhotos ?? 5;
  const bot = new Bot<VolunteerContext>(opts.token, {
    client: { apiRoot },
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
  });

  const say = (ctx: VolunteerContext, key: MessageKey, vars?: Vars, keyboard?: InlineKeyboard) =>
    ctx.reply(ctx.t(key, vars), { ...HTML, ...(keyboard ? { reply_markup: keyboard } : {}) });
  const answer = async (ctx: VolunteerContext) => {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
  };
  const mb = Math.round((maxPhotoBytes / (1024 * 1024)) * 10) / 10;

  // Who is talking, in which language, and not too fast.
  bot.use(async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot) return;
    if (ctx.chat && ctx.chat.type !== 'private') return;
    const userId = String(from.id);
    if (!(await uc.allow('telegram', userId, 'message'))) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
      if (ctx.chat && (await uc.allow('telegram', userId, 'notice'))) {
        await ctx.reply(translator(localeFrom(from.language_code))('rate_limited'));
      }
      return;
    }
    const v = await uc.enrol({
      channel: 'telegram',
      externalUserId: userId,
      displayName: [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || null,
      languageTag: from.language_code,
    });
    ctx.volunteer = { id: v.id, locale: v.locale, consentedAt: v.consentedAt };
    ctx.t = telegramTranslator(v.locale);
    ctx.label = translator(v.locale);
    await next();
  });

  const languageKeyboard = () => {
    const kb = new InlineKeyboard();
    LOCALES.forEach((l, i) => {
      kb.text(LOCALE_NAMES[l], `lang:${l}`);
      if (i % 2 === 1) kb.row();
    });
    return kb;
  };

  bot.command(['start', 'language'], async (ctx) => {
    await say(ctx, 'choose_language', { name: ctx.from?.first_name ?? '' }, languageKeyboard());
  });

  bot.callbackQuery(/^lang:([a-z]{2})$/, async (ctx) => {
    await answer(ctx);
    const locale = ctx.match[1] ?? '';
    if (!isLocale(locale)) return;
    await uc.setLanguage(ctx.volunteer.id, locale);
    ctx.t = telegramTranslator(locale);
    ctx.label = translator(locale);
    await say(ctx, 'language_set');
    if (!ctx.volunteer.consentedAt)
      await say(ctx, 'privacy', {}, new InlineKeyboard().text(ctx.label('btn_agree'), 'consent:yes'));
  });

  bot.callbackQuery('consent:yes', async (ctx) => {
    await answer(ctx);
    await uc.consent(ctx.volunteer.id);
    await say(ctx, 'consent_thanks');
  });

  const help = (ctx: VolunteerContext) => ctx.reply(helpMessage(ctx.t, TELEGRAM_COMMANDS), HTML);
  bot.command('help', help);

  // Everything below needs the volunteer's consent.
  bot.use(async (ctx, next) => {
    if (ctx.volunteer.consentedAt) return next();
    await answer(ctx);
    await say(ctx, 'need_consent');
  });

  const speciesKeyboard = (ctx: VolunteerContext) => {
    const kb = new InlineKeyboard();
    SPECIES.forEach((s, i) => {
      kb.text(ctx.label(speciesLabelKey(s)), `sp:${s}`);
      if (i % 2 === 1) kb.row();
    });
    return kb;
  };
  const speciesLabel = (ctx: VolunteerContext, species: string) =>
    isSpeciesId(species) ? ctx.label(speciesLabelKey(species)) : species;

  /** The stored dialog; one that no longer reads (an older version, say) is dropped, and the person told. */
  const load = async (ctx: VolunteerContext) => {
    const stored = await uc.loadConversation<unknown>(ctx.volunteer.id);
    const dialog = parseDialog(stored);
    if (stored !== undefined && stored !== null && !dialog) {
      await uc.clearConversation(ctx.volunteer.id);
      await say(ctx, 'dialog_lost');
    }
    return dialog;
  };
  const save = (ctx: VolunteerContext, d: Dialog) => uc.saveConversation(ctx.volunteer.id, d);

  const askPhotos = (ctx: VolunteerContext) =>
    say(
      ctx,
      'ask_photos',
      { max: maxPhotos, mb },
      new InlineKeyboard().text(ctx.label('btn_done'), 'ph:done'),
    );
  const askNote = (ctx: VolunteerContext) =>
    say(ctx, 'ask_note', {}, new InlineKeyboard().text(ctx.label('btn_skip'), 'note:skip'));
  const askConfirm = async (ctx: VolunteerContext, d: Extract<Dialog, { step: 'confirm' }>) => {
    const photos = await uc.photoCount(ctx.volunteer.id);
    await say(
      ctx,
      'confirm',
      {
        url: d.url,
        species: speciesLabel(ctx, d.species),
        photos,
        note: d.note ?? ctx.label('none'),
      },
      new InlineKeyboard()
        .text(ctx.label('btn_send'), 'rep:send')
        .text(ctx.label('btn_cancel'), 'rep:cancel'),
    );
  };

  bot.command('report', async (ctx) => {
    await uc.discardPhotos(ctx.volunteer.id);
    await save(ctx, { step: 'link' });
    await say(ctx, 'ask_link');
  });

  const cancel = async (ctx: VolunteerContext) => {
    await answer(ctx);
    await uc.clearConversation(ctx.volunteer.id);
    await uc.discardPhotos(ctx.volunteer.id);
    await say(ctx, 'cancelled');
  };
  bot.command('cancel', cancel);
  bot.callbackQuery('rep:cancel', cancel);

  const chooseSpecies = async (ctx: VolunteerContext, species: string) => {
    const d = await load(ctx);
    if (d?.step !== 'species') return;
    await save(ctx, { step: 'photos', url: d.url, species, shared: d.shared });
    await askPhotos(ctx);
  };
  bot.callbackQuery(/^sp:([a-z_]+)$/, async (ctx) => {
    await answer(ctx);
    const id = ctx.match[1] ?? '';
    if (isSpeciesId(id)) await chooseSpecies(ctx, id);
  });

  bot.callbackQuery('ph:done', async (ctx) => {
    await answer(ctx);
    const d = await load(ctx);
    if (d?.step !== 'photos') return;
    await save(ctx, { step: 'note', url: d.url, species: d.species, shared: d.shared });
    await askNote(ctx);
  });

  bot.callbackQuery('note:skip', async (ctx) => {
    await answer(ctx);
    const d = await load(ctx);
    if (d?.step !== 'note') return;
    const next: Dialog = { step: 'confirm', url: d.url, species: d.species, note: d.shared ?? null };
    await save(ctx, next);
    await askConfirm(ctx, next);
  });

  bot.callbackQuery('rep:send', async (ctx) => {
    await answer(ctx);
    const d = await load(ctx);
    if (d?.step !== 'confirm') return;
    if (!(await uc.allow('telegram', String(ctx.from.id), 'report'))) return say(ctx, 'rate_limited');
    const result = await uc.reportListing({
      volunteerId: ctx.volunteer.id,
      url: d.url,
      species: d.species,
      note: d.note,
    });
    await uc.clearConversation(ctx.volunteer.id);
    if (result.kind === 'duplicate') await uc.discardPhotos(ctx.volunteer.id);
    await ctx.reply(reportResultMessage(ctx.t, result), HTML);
  });

  /**
   * A photo is welcome at any point: in the answer step it answers the reviewer; in a report dialog it is
   * kept for the report (up to the limit); with no report under way it starts one, and the link is asked.
   */
  const receivePhoto = async (
    ctx: VolunteerContext,
    file: { fileId: string; uniqueId: string; size?: number },
  ) => {
    const d = await load(ctx);
    const reporting = d !== undefined && d.step !== 'quiz' && d.step !== 'answer';
    if (reporting && (await uc.photoCount(ctx.volunteer.id)) >= maxPhotos)
      return say(ctx, 'photo_limit', { max: maxPhotos });
    const download = await downloadPhoto(ctx.api, {
      token: opts.token,
      apiRoot,
      fileId: file.fileId,
      announcedSize: file.size,
      maxBytes: maxPhotoBytes,
    });
    if (!download.ok) return say(ctx, PHOTO_REFUSAL_KEYS[download.reason], { mb });
    const photo = {
      sourceId: file.uniqueId,
      mimeType: download.mimeType,
      sha256: download.sha256,
      bytes: download.bytes,
    };
    if (d?.step === 'answer') return sendAnswer(ctx, d.reportId, { photo });
    if (!reporting) {
      // A photo first (or instead of the link): a new report starts with it.
      await uc.discardPhotos(ctx.volunteer.id);
      await save(ctx, { step: 'link' });
    }
    const stored = await uc.addPhoto(ctx.volunteer.id, photo, maxPhotos);
    if (stored.result === 'limit') return say(ctx, 'photo_limit', { max: maxPhotos });
    if (!reporting || d?.step === 'link') return say(ctx, 'photo_first');
    await say(
      ctx,
      'photo_saved',
      { count: stored.count },
      d?.step === 'photos' ? new InlineKeyboard().text(ctx.label('btn_done'), 'ph:done') : undefined,
    );
  };

  bot.on('message:photo', async (ctx) => {
    // Telegram sends several sizes; the last is the largest.
    const largest = ctx.message.photo.at(-1)!;
    await receivePhoto(ctx, {
      fileId: largest.file_id,
      uniqueId: largest.file_unique_id,
      size: largest.file_size,
    });
  });
  bot.on('message:document', async (ctx) => {
    const doc = ctx.message.document;
    // A PDF, a video or an archive is not a photo: say so instead of "try again".
    if (doc.mime_type && !doc.mime_type.startsWith('image/')) return say(ctx, 'only_photos');
    await receivePhoto(ctx, { fileId: doc.file_id, uniqueId: doc.file_unique_id, size: doc.file_size });
  });

  // A reviewer asked for more information: the Answer button under the question starts this step, and the
  // volunteer's next text or photo is the answer (stored with the report, then signalled to the case).
  bot.callbackQuery(new RegExp(`^${ANSWER_PREFIX}(\\d{1,18})$`), async (ctx) => {
    await answer(ctx);
    await uc.discardPhotos(ctx.volunteer.id);
    await save(ctx, { step: 'answer', reportId: ctx.match[1]! });
    await say(ctx, 'ask_answer');
  });
  const sendAnswer = async (
    ctx: VolunteerContext,
    reportId: string,
    content: { text?: string; photo?: AnswerInput['photo'] },
  ) => {
    const result = await uc.answerCase({
      volunteerId: ctx.volunteer.id,
      reportId,
      text: content.text ?? null,
      ...(content.photo ? { photo: content.photo } : {}),
      // Telegram redelivers an update it got no answer for: the same update stores one answer.
      requestId: `telegram:${ctx.update.update_id}`,
    });
    await uc.clearConversation(ctx.volunteer.id);
    if (result.kind === 'not_asked') return say(ctx, 'answer_not_asked');
    if (result.kind === 'invalid_text') return say(ctx, 'unreadable_text');
    return say(ctx, 'answer_recorded', { caseRef: caseLabel(result.caseId) });
  };

  bot.command('mystats', async (ctx) => {
    const stats = await uc.stats(ctx.volunteer.id);
    await ctx.reply(statsMessage(ctx.t, ctx.label, ctx.volunteer.locale, stats), HTML);
  });

  const askQuestion = (ctx: VolunteerContext, index: number) => {
    const q = QUIZ[index]!;
    const kb = new InlineKeyboard();
    q.options.forEach((o, i) => {
      kb.text(ctx.label(o), `quiz:${q.id}:${i}`).row();
    });
    return say(
      ctx,
      'quiz_question',
      { n: index + 1, total: QUIZ.length, question: ctx.label(q.question) },
      kb,
    );
  };

  bot.command('learn', async (ctx) => {
    await save(ctx, { step: 'quiz', index: 0, correct: 0 });
    await askQuestion(ctx, 0);
  });

  bot.callbackQuery(/^quiz:([a-z0-9]+):(\d)$/, async (ctx) => {
    await answer(ctx);
    const d = await load(ctx);
    const [, questionId, choice] = ctx.match;
    const q = QUIZ[d?.step === 'quiz' ? d.index : -1];
    // Only the question being asked counts: old buttons pressed again change nothing.
    if (d?.step !== 'quiz' || !q || q.id !== questionId) return;
    const result = await uc.answerQuiz(ctx.volunteer.id, q.id, Number(choice));
    if (!result) return;
    await say(ctx, result.correct ? 'quiz_correct' : 'quiz_wrong', { explanation: ctx.label(q.explanation) });
    const correct = d.correct + (result.correct ? 1 : 0);
    if (d.index + 1 < QUIZ.length) {
      await save(ctx, { step: 'quiz', index: d.index + 1, correct });
      return askQuestion(ctx, d.index + 1);
    }
    await uc.clearConversation(ctx.volunteer.id);
    const all = await uc.quizScore(ctx.volunteer.id);
    await say(ctx, 'quiz_done', {
      correct,
      total: QUIZ.length,
      allCorrect: all.correct,
      allAnswered: all.answered,
    });
  });

  bot.command('forgetme', (ctx) =>
    say(ctx, 'forget_confirm', {}, new InlineKeyboard().text(ctx.label('btn_forget'), 'forget:yes')),
  );
  bot.callbackQuery('forget:yes', async (ctx) => {
    await answer(ctx);
    await uc.forgetMe(ctx.volunteer.id);
    await say(ctx, 'forget_done');
  });

  /** The link step: the message's first web link is the listing, its other words start the note. */
  const takeLink = async (ctx: VolunteerContext, found: LinkInText | undefined) => {
    if (!found) return say(ctx, 'invalid_link');
    if (found.url.length > MAX_LINK_LENGTH) return say(ctx, 'link_too_long', { max: MAX_LINK_LENGTH });
    const link = await uc.recognizeLink(found.url);
    if (!link.ok && link.reason === 'invalid_link') return say(ctx, 'invalid_link');
    // A home or search page: the dialog waits at the link step for the listing's own link.
    if (!link.ok && link.reason === 'not_a_listing') {
      if ((await load(ctx))?.step !== 'link') await save(ctx, { step: 'link' });
      return say(ctx, 'not_a_listing', { domain: link.domain });
    }
    if (!link.ok) {
      await uc.clearConversation(ctx.volunteer.id);
      return say(ctx, 'unknown_platform', { domain: link.domain });
    }
    const shared = found.rest.slice(0, MAX_NOTE_LENGTH) || undefined;
    await save(ctx, { step: 'species', url: link.url, shared });
    return say(ctx, 'ask_species', {}, speciesKeyboard(ctx));
  };

  bot.on('message:text', async (ctx) => {
    const text = ctx.message.text;
    if (text.startsWith('/')) return help(ctx);
    // Checked before the text reaches the stored dialog (jsonb cannot hold NUL).
    if (!isSafeText(text)) return say(ctx, 'unreadable_text');
    const entities = ctx.message.entities ?? [];
    const d = await load(ctx);
    switch (d?.step) {
      case 'link':
        return takeLink(ctx, findLink(text, entities));
      case 'species':
        return chooseSpecies(ctx, text.trim().slice(0, MAX_SPECIES_LENGTH));
      case 'answer':
        if (text.length > MAX_ANSWER_LENGTH) return say(ctx, 'note_too_long', { max: MAX_ANSWER_LENGTH });
        return sendAnswer(ctx, d.reportId, { text: text.trim() });
      // Text while photos are awaited is the note: the volunteer skipped the photos.
      case 'photos':
      case 'note': {
        if (text.length > MAX_NOTE_LENGTH) return say(ctx, 'note_too_long', { max: MAX_NOTE_LENGTH });
        const note = [d.shared, text.trim()].filter(Boolean).join('\n').slice(0, MAX_NOTE_LENGTH);
        const next: Dialog = { step: 'confirm', url: d.url, species: d.species, note: note || null };
        await save(ctx, next);
        return askConfirm(ctx, next);
      }
      default: {
        // A link pasted (or shared from another app) outside a dialog starts a report with it.
        const found = findLink(text, entities, { strict: true });
        if (!found) return help(ctx);
        await uc.discardPhotos(ctx.volunteer.id);
        return takeLink(ctx, found);
      }
    }
  });

  bot.catch(async (err) => {
    // GrammyError messages carry the method and Telegram's description, never the token.
    log.error('telegram update failed', { updateId: err.ctx.update.update_id, error: err.error });
    if (err.ctx.chat)
      await err.ctx.reply(translator(err.ctx.volunteer?.locale ?? 'en')('error')).catch(() => {});
  });

  return bot;
}
