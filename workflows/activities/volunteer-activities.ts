// The volunteer side of the case activities: a VolunteerNotifier that tells each reporter the outcome at
// most once (reports.notified_at), whichever chat platform they use. How a message is written and sent is
// the bots' business (a Delivery per channel); this module only loads what they need and keeps the
// "told once" promise across activity retries (once per outcome: "more information needed", then final).

import type { Pool } from '../../shared/db/pool.ts';
import { latestQuestion } from '../../shared/db/report-answers.ts';
import { claimOutcomeNotification, getReport, releaseOutcomeNotification } from '../../shared/db/reports.ts';
import { getVolunteer, type Volunteer, type VolunteerChannel } from '../../shared/db/volunteers.ts';
import { log } from '../../shared/logger.ts';
import type { ReporterNotice, VolunteerNotifier } from './case-activities.ts';

export interface OutcomeMessage {
  volunteer: Volunteer;
  reportId: string;
  caseId: string;
  listingUrl: string;
  outcome: ReporterNotice;
  /** For "more information needed": the reviewer's question, which the volunteer can answer. */
  question?: string;
}

/** Sends one outcome message on one platform. `undeliverable` = retrying cannot help (user blocked the bot). */
export type OutcomeDelivery = (message: OutcomeMessage) => Promise<'sent' | 'undeliverable'>;

export function createVolunteerNotifier(deps: {
  pool: Pool;
  deliveries: Partial<Record<VolunteerChannel, OutcomeDelivery>>;
}): VolunteerNotifier {
  return {
    async notifyOutcome({ reportId, volunteerId, caseId, outcome }) {
      const [report, volunteer] = await Promise.all([
        getReport(deps.pool, reportId),
        getVolunteer(deps.pool, volunteerId),
      ]);
      if (!report || !volunteer) return;
      // Someone who asked to be forgotten has no address any more.
      if (volunteer.erasedAt) {
        await claimOutcomeNotification(deps.pool, reportId, outcome);
        return;
      }
      const deliver = deps.deliveries[volunteer.channel];
      if (!deliver) {
        log.warn('no bot configured to tell a volunteer the outcome', {
          reportId,
          channel: volunteer.channel,
        });
        return;
      }
      const claim = await claimOutcomeNotification(deps.pool, reportId, outcome);
      if (!claim) return;
      try {
        const question = outcome === 'more_info' ? await latestQuestion(deps.pool, caseId) : undefined;
        const result = await deliver({
          volunteer,
          reportId,
          caseId,
          listingUrl: report.listingUrl,
          outcome,
          ...(question ? { question } : {}),
        });
        if (result === 'undeliverable') log.warn('outcome message undeliverable', { reportId, caseId });
      } catch (err) {
        // Give the claim back so the activity's retry sends it.
        await releaseOutcomeNotification(deps.pool, reportId, claim.previous);
        throw err;
      }
    },
  };
}
