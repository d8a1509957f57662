// The weekly retraining of the learned scorer, started by a Temporal Schedule (schedule.ts): train a
// candidate on the base corpus plus reviewers' decisions, then the no-regression gate activates it or
// refuses it. The version is fixed when the run starts, so retries work on the same candidate.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { GateOutcome, ScorerActivities } from './activities.ts';

export interface ScorerRetrainInput {
  heldOutPath?: string;
  tolerance?: { recall: number; falsePositiveRate: number };
}

const { trainScorerCandidate, gateScorerCandidate } = proxyActivities<ScorerActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

export async function scorerRetrainWorkflow(input: ScorerRetrainInput = {}): Promise<GateOutcome> {
  const start = workflowInfo().startTime;
  const version = `auto-${start.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
  const args = { version, heldOutPath: input.heldOutPath, tolerance: input.tolerance };
  await trainScorerCandidate(args);
  return gateScorerCandidate(args);
}
