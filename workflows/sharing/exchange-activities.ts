// Activities of the share fetch run. Each is idempotent: a fetch applies a page and moves the cursor in one
// transaction, so a retry after a crash asks for the same page and applies it once.
import { ApplicationFailure } from '@temporalio/common';
import { type FetchDeps, type FetchSummary, fetchablePeers, fetchPeer, PeerFetchError } from './fetch.ts';

export interface ShareExchangeActivities {
  listFetchablePeers(): Promise<string[]>;
  fetchSharePeer(origin: string): Promise<FetchSummary>;
}

/** Without sharing configured (no origin or key) there is nothing to fetch: the run finds no peers. */
export function createShareExchangeActivities(
  deps: FetchDeps | { pool: FetchDeps['pool'] },
): ShareExchangeActivities {
  return {
    listFetchablePeers: async () => ('key' in deps ? fetchablePeers(deps.pool) : []),
    async fetchSharePeer(origin) {
      if (!('key' in deps))
        throw ApplicationFailure.nonRetryable(
          'sharing is not configured (SHARE_ORIGIN, SHARE_SIGNING_KEY_FILE)',
          'PeerRefused',
        );
      try {
        return await fetchPeer(deps, origin);
      } catch (err) {
        // A refusal (bad signature, unknown key, not trusted there) does not change by retrying now.
        if (err instanceof PeerFetchError && err.permanent)
          throw ApplicationFailure.nonRetryable(err.message, 'PeerRefused');
        throw err;
      }
    },
  };
}
