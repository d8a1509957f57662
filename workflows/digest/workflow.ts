// The weekly digest: started by a Temporal Schedule every Monday; covers the seven whole UTC days before
// the run (or an explicit period) and posts it through one idempotent activity. And the scheduled refreshes
// of the metrics rollup (nightly) and of the re-listing matches (every 15 minutes), and the nightly
// retention run that turns expired allowed listings into counts.
import { proxyActivities } from '@temporalio/workflow';
import type { PurgeResult } from '../../shared/db/retention.ts';
import type { DigestActivities, DigestSummary } from './activities.ts';

export interface DigestInput {
  channel: string;
  /** End of the period (exclusive, ISO); defaults to the start of the current UTC day. */
  to?: string;
  days?: number;
}

const { postWeeklyDigest } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});
const { refreshMetricsRollup, refreshCaseFacts, purgeExpiredAllowedListings } =
  proxyActivities<DigestActivities>({
    startToCloseTimeout: '30 minutes',
    retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
  });

const DAY = 24 * 3600 * 1000;

export async function weeklyDigestWorkflow(input: DigestInput): Promise<DigestSummary> {
  const to = input.to ? Date.parse(input.to) : Math.floor(Date.now() / DAY) * DAY;
  const from = to - (input.days ?? 7) * DAY;
  return postWeeklyDigest({
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    channel: input.channel,
  });
}

/** Nightly: recounts the recent days of the screened-listings rollup from the stored events. */
export async function metricsRollupWorkflow(): Promise<{ from: string; to: string }> {
  return refreshMetricsRollup();
}

/** Every 15 minutes: recomputes the re-listing matches (the other case figures are live). */
export async function caseFactsRefreshWorkflow(): Promise<void> {
  await refreshCaseFacts();
}

/** Nightly: counts and deletes the allowed listings kept past their platform's retention period. */
export async function allowedListingRetentionWorkflow(): Promise<PurgeResult[]> {
  return purgeExpiredAllowedListings();
}
