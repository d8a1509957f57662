// Use-case results as messages, shared by every chat platform: each bot passes its own translator (which
// carries its markup), so the wording is written once.
import { caseLabel } from '../../shared/case-ref.ts';
import type { VolunteerStats } from '../../shared/db/volunteers.ts';
import type { ReporterNotice } from '../../workflows/activities/case-activities.ts';
import type { ReportListingResult } from '../../workflows/use-cases/report-listing.ts';
import type { Locale, MessageKey, Translate } from './i18n.ts';
import type { PhotoRefusal } from './photos.ts';
import type { Level } from './use-cases.ts';

export function reportResultMessage(t: Translate, result: ReportListingResult): string {
  switch (result.kind) {
    case 'recorded':
      return t('report_recorded', { caseRef: caseLabel(result.caseId) });
    case 'duplicate':
      return t('report_duplicate', { caseRef: caseLabel(result.caseId) });
    case 'already_decided':
      return t(result.outcome === 'confirmed' ? 'report_known_confirmed' : 'report_known_rejected', {
        caseRef: caseLabel(result.caseId),
      });
    case 'invalid_link':
      return t('invalid_link');
    case 'unknown_platform':
      return t('unknown_platform', { domain: result.domain });
    case 'invalid_text':
      return t('unreadable_text');
    case 'not_a_listing':
      return t('not_a_listing', { domain: result.domain });
  }
}

/** `t` renders the message in the platform's markup; `label` gives plain text for the values. */
export function statsMessage(
  t: Translate,
  label: Translate,
  locale: Locale,
  s: VolunteerStats & { level: Level },
): string {
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  return t('stats', {
    reports: s.reports,
    confirmed: s.confirmed,
    rejected: s.rejected,
    pending: s.pending,
    accuracy: s.accuracy === null ? '–' : percent.format(s.accuracy),
    level: label(`level_${s.level}` as MessageKey),
    rank:
      s.position === null
        ? label('rank_none')
        : label(s.tiedWith > 0 ? 'rank_tied' : 'rank_of', {
            position: s.position,
            total: s.volunteersRanked,
          }),
  });
}

/** What each notice says; "confirmed" only says the removal was requested. */
export const OUTCOME_KEYS: Record<ReporterNotice, MessageKey> = {
  confirmed: 'outcome_confirmed',
  rejected: 'outcome_rejected',
  more_info: 'outcome_more_info',
  removed: 'outcome_removed',
  removal_failed: 'outcome_removal_failed',
};

/** Why a photo was not kept, in the volunteer's words. */
export const PHOTO_REFUSAL_KEYS: Record<PhotoRefusal, MessageKey> = {
  too_big: 'photo_too_big',
  not_an_image: 'only_photos',
  failed: 'photo_failed',
};

/** One line per kind of refused file (three files too big say it once). */
export function photoRefusalMessages(t: Translate, refused: readonly PhotoRefusal[], mb: number): string[] {
  return [...new Set(refused)].map((r) => t(PHOTO_REFUSAL_KEYS[r], { mb }));
}
