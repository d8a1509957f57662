// The weekly term mining: started by a Temporal Schedule (Mondays); mines the candidates of the outcomes of
// the last weeks and proposes up to `limit` of them to the curators in Slack.
import { proxyActivities } from '@temporalio/workflow';
import type { MiningRunSummary, TermMiningActivities } from './activities.ts';

export interface TermMiningInput {
  /** Curators' channel; without one the candidates are stored and not posted. */
  channel?: string;
  limit?: number;
  minSupport?: number;
  /** How far back outcomes are read, in days (90 by default). */
  lookbackDays?: number;
  /** Names the run (one set of candidates per key); the UTC day of the run by default. */
  runKey?: string;
}

const { mineTermCandidates } = proxyActivities<TermMiningActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});
const { postTermCandidates } = proxyActivities<TermMiningActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});

const DAY = 24 * 3600 * 1000;

export async function termMiningWorkflow(
  input: TermMiningInput = {},
): Promise<MiningRunSummary & { posted: number }> {
  const today = Math.floor(Date.now() / DAY) * DAY;
  const runKey = input.runKey ?? `week-${new Date(today).toISOString().slice(0, 10)}`;
  const mined = await mineTermCandidates({
    runKey,
    since: new Date(today - (input.lookbackDays ?? 90) * DAY).toISOString(),
    limit: input.limit ?? 10,
    minSupport: input.minSupport ?? 3,
  });
  const posted = input.channel ? await postTermCandidates({ runKey, channel: input.channel }) : 0;
  return { ...mined, posted };
}
