// "A term your report helped find is now in the library": each volunteer whose report of a missed listing
// held an adopted term hears it once per proposal (term_adoption_notices records each report told), however
// often the approval is retried. How the message is written and sent is the bots' business (one delivery per channel).
import type { Pool } from '../../shared/db/pool.ts';
import { getReport } from '../../shared/db/reports.ts';
import { getVolunteer, type Volunteer, type VolunteerChannel } from '../../shared/db/volunteers.ts';
import { log } from '../../shared/logger.ts';

export interface TermAdoptedMessage {
  volunteer: Volunteer;
  reportId: string;
  listingUrl: string;
  term: string;
}

/** Sends one notice; `undeliverable` = retrying cannot help (the volunteer blocked the bot). */
export type TermAdoptedDelivery = (message: TermAdoptedMessage) => Promise<'sent' | 'undeliverable'>;
export type TermAdoptedDeliveries = Partial<Record<VolunteerChannel, TermAdoptedDelivery>>;

/** Tells every volunteer behind the reports once; throws (after giving the claim back) when a send may pass later. */
export async function tellVolunteersOfAdoption(
  pool: Pool,
  deliveries: TermAdoptedDeliveries,
  a: { proposalId: string; term: string; reportIds: readonly string[] },
): Promise<number> {
  if (a.reportIds.length === 0) return 0;
  await pool.query(
    `INSERT INTO term_adoption_notices (proposal_id, report_id)
     SELECT $1, r.id FROM reports r WHERE r.id = ANY($2::bigint[]) ON CONFLICT DO NOTHING`,
    [a.proposalId, a.reportIds],
  );
  // One message per volunteer, however many of their reports held the term.
  const byVolunteer = new Map<string, { reportId: string; listingUrl: string }[]>();
  for (const reportId of a.reportIds) {
    const report = await getReport(pool, reportId);
    if (!report) continue;
    const list = byVolunteer.get(report.volunteerId) ?? [];
    list.push({ reportId, listingUrl: report.listingUrl });
    byVolunteer.set(report.volunteerId, list);
  }
  let sent = 0;
  for (const [volunteerId, reports] of byVolunteer) {
    const volunteer = await getVolunteer(pool, volunteerId);
    if (!volunteer) continue;
    const deliver = deliveries[volunteer.channel];
    // No bot for that platform in this process: leave the notice unsent rather than lose it.
    if (!deliver && !volunteer.erasedAt) {
      log.warn('no bot configured to tell a volunteer of an adopted term', {
        volunteerId,
        channel: volunteer.channel,
      });
      continue;
    }
    const ids = reports.map((r) => r.reportId);
    const claimed = await pool.query(
      `UPDATE term_adoption_notices SET sent_at = now()
       WHERE proposal_id = $1 AND report_id = ANY($2::bigint[]) AND sent_at IS NULL RETURNING report_id`,
      [a.proposalId, ids],
    );
    // Someone who asked to be forgotten has no address any more.
    if (claimed.rowCount === 0 || volunteer.erasedAt || !deliver) continue;
    const claimedIds = claimed.rows.map((r) => String(r.report_id));
    const first = reports.find((r) => claimedIds.includes(r.reportId))!;
    try {
      const result = await deliver({
        volunteer,
        reportId: first.reportId,
        listingUrl: first.listingUrl,
        term: a.term,
      });
      if (result === 'sent') sent++;
      else log.warn('term adoption notice undeliverable', { volunteerId });
    } catch (err) {
      await pool.query(
        'UPDATE term_adoption_notices SET sent_at = NULL WHERE proposal_id = $1 AND report_id = ANY($2::bigint[])',
        [a.proposalId, claimedIds],
      );
      throw err;
    }
  }
  return sent;
}
