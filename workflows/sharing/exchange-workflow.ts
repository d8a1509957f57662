// The receiver's fetch run, started by a Temporal Schedule: each trusted peer with a URL is fetched in its
// own activity, so one peer that is down (retried with backoff, then given up until the next run) does not
// hold back the others. Deterministic: activities do all I/O.
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ShareExchangeActivities } from './exchange-activities.ts';
import type { FetchSummary } from './fetch.ts';

const { listFetchablePeers } = proxyActivities<ShareExchangeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 5 },
});
const { fetchSharePeer } = proxyActivities<ShareExchangeActivities>({
  startToCloseTimeout: '10 minutes',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '1 minute',
    maximumAttempts: 4,
    nonRetryableErrorTypes: ['PeerRefused'],
  },
});

export type PeerRunResult =
  | { origin: string; ok: true; summary: FetchSummary }
  | { origin: string; ok: false; error: string };

export async function shareFetchWorkflow(): Promise<PeerRunResult[]> {
  const results: PeerRunResult[] = [];
  for (const origin of await listFetchablePeers()) {
    try {
      results.push({ origin, ok: true, summary: await fetchSharePeer(origin) });
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const message =
        cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
      results.push({ origin, ok: false, error: message });
    }
  }
  return results;
}
