// The volunteer use cases, written once for every chat platform: enrol with language and consent, report
// a listing, see one's own stats, take a quiz, be forgotten. Telegram and Discord adapters only translate
// their events into these calls and the results into messages.
import type { Client } from '@temporalio/client';
import { appendAudit } from '../../shared/db/audit.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import { addDraftPhoto, clearDraftPhotos, countDraftPhotos } from '../../shared/db/reports.ts';
import {
  clearConversation,
  eraseVolunteer,
  loadConversation,
  quizScore,
  recordConsent,
  recordQuizAnswer,
  saveConversation,
  setVolunteerLanguage,
  takeToken,
  upsertVolunteer,
  type Volunteer,
  type VolunteerChannel,
  type VolunteerStats,
  volunteerStats,
} from '../../shared/db/volunteers.ts';
import { type AnswerInput, type AnswerResult, answerCase } from '../../workflows/use-cases/answer-case.ts';
import { photoPdq } from '../../workflows/use-cases/photo-hash.ts';
import {
  type RecognizedLink,
  type ReportListingInput,
  type ReportListingResult,
  recognizeLink,
  reportListing,
  STRONG_RECORD,
} from '../../workflows/use-cases/report-listing.ts';
import { QUIZ } from './catalog.ts';
import { type Locale, localeFrom } from './i18n.ts';

export type Level = 'newcomer' | 'spotter' | 'senior' | 'expert';

export function levelFor(
  stats: Pick<VolunteerStats, 'reports' | 'confirmed' | 'rejected' | 'accuracy'>,
): Level {
  const decided = stats.confirmed + stats.rejected;
  const accuracy = stats.accuracy ?? 0;
  if (decided >= STRONG_RECORD.minDecided && accuracy >= STRONG_RECORD.minAccuracy) return 'expert';
  if (decided >= 5 && accuracy >= 0.75) return 'senior';
  if (stats.reports >= 1) return 'spotter';
  return 'newcomer';
}

export interface RateLimit {
  /** Bucket size: how many actions may come in a burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface VolunteerUseCaseOptions {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  reviewers: string[];
  /** Per-user limit of messages and button presses (default: bursts of 20, one more every 2 s). */
  rateLimit?: RateLimit;
  /** Per-user limit of submitted reports (default: bursts of 10, one more per minute). */
  reportRateLimit?: RateLimit;
}

const NOTICE_LIMIT: RateLimit = { capacity: 1, refillPerSecond: 1 / 30 };

export type PhotoResult = 'saved' | 'too_big' | 'limit';

export function createVolunteerUseCases(opts: VolunteerUseCaseOptions) {
  const { pool } = opts;
  const messageLimit = opts.rateLimit ?? { capacity: 20, refillPerSecond: 0.5 };
  const reportLimit = opts.reportRateLimit ?? { capacity: 10, refillPerSecond: 1 / 60 };

  return {
    /** First contact or any later one: the volunteer behind a chat account. */
    async enrol(account: {
      channel: VolunteerChannel;
      externalUserId: string;
      displayName?: string | null;
      languageTag?: string | null;
    }): Promise<Volunteer & { locale: Locale }> {
      const v = await upsertVolunteer(pool, {
        channel: account.channel,
        externalUserId: account.externalUserId,
        displayName: account.displayName?.slice(0, 200) ?? null,
        language: localeFrom(account.languageTag),
      });
      return { ...v, locale: localeFrom(v.language) };
    },

    async setLanguage(volunteerId: string, locale: Locale): Promise<void> {
      await setVolunteerLanguage(pool, volunteerId, locale);
    },

    async consent(volunteerId: string): Promise<void> {
      await recordConsent(pool, volunteerId);
      await appendAudit(pool, {
        actor: `volunteer:${volunteerId}`,
        action: 'volunteer.consented',
        subjectType: 'volunteer',
        subjectId: volunteerId,
      });
    },

    /**
     * True when the account may act now. `message` counts every update, `report` submitted reports, and
     * `notice` lets a flooding user be told about the limit once in a while instead of on every message.
     */
    async allow(
      channel: VolunteerChannel,
      externalUserId: string,
      scope: 'message' | 'report' | 'notice',
    ): Promise<boolean> {
      const limit = scope === 'report' ? reportLimit : scope === 'notice' ? NOTICE_LIMIT : messageLimit;
      return takeToken(pool, `${scope}:${channel}:${externalUserId}`, limit.capacity, limit.refillPerSecond);
    },

    recognizeLink(url: string): Promise<RecognizedLink> {
      return recognizeLink(pool, url);
    },

    reportListing(input: ReportListingInput): Promise<ReportListingResult> {
      return reportListing(opts, input);
    },

    /** A reporter's answer (text or a photo) to the reviewer's question on their report. */
    answerCase(input: AnswerInput): Promise<AnswerResult> {
      return answerCase(opts, input);
    },

    async addPhoto(
      volunteerId: string,
      photo: { sourceId: string; mimeType: string; sha256: string; bytes: Buffer },
      maxPhotos: number,
    ): Promise<{ result: PhotoResult; count: number }> {
      const count = await countDraftPhotos(pool, volunteerId);
      if (count >= maxPhotos) return { result: 'limit', count };
      const pdq = await photoPdq(photo.bytes);
      return { result: 'saved', count: await addDraftPhoto(pool, { volunteerId, ...photo, ...pdq }) };
    },

    photoCount: (volunteerId: string) => countDraftPhotos(pool, volunteerId),
    discardPhotos: (volunteerId: string) => clearDraftPhotos(pool, volunteerId),

    async stats(volunteerId: string): Promise<VolunteerStats & { level: Level }> {
      const stats = await volunteerStats(pool, volunteerId);
      return { ...stats, level: levelFor(stats) };
    },

    async answerQuiz(
      volunteerId: string,
      questionId: string,
      choice: number,
    ): Promise<{ correct: boolean } | undefined> {
      const question = QUIZ.find((q) => q.id === questionId);
      if (!question || !Number.isInteger(choice) || choice < 0 || choice >= question.options.length)
        return undefined;
      const correct = choice === question.answer;
      await recordQuizAnswer(pool, { volunteerId, questionId, choice, correct });
      return { correct };
    },

    quizScore: (volunteerId: string) => quizScore(pool, volunteerId),

    loadConversation: <T>(volunteerId: string) => loadConversation<T>(pool, volunteerId),
    saveConversation: (volunteerId: string, state: unknown) => saveConversation(pool, volunteerId, state),
    clearConversation: (volunteerId: string) => clearConversation(pool, volunteerId),

    /** Pseudonymises the volunteer; reports and case history stay. */
    async forgetMe(volunteerId: string): Promise<boolean> {
      return inTransaction(pool, async (tx) => {
        const pseudonym = await eraseVolunteer(tx, volunteerId);
        if (!pseudonym) return false;
        await appendAudit(tx, {
          actor: `volunteer:${volunteerId}`,
          action: 'volunteer.erased',
          subjectType: 'volunteer',
          subjectId: volunteerId,
          details: { pseudonym },
        });
        return true;
      });
    },
  };
}

export type VolunteerUseCases = ReturnType<typeof createVolunteerUseCases>;
