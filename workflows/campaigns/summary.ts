// What a run delivered, in numbers and as a run status for the database.
import type { RunStatus } from '../../shared/campaigns/repository.ts';
import type { CampaignRunState } from './workflow.ts';

export interface RunSummary {
  runStatus: Exclude<RunStatus, 'running'>;
  counts: { audiences: number; sent: number; failed: number; missed: number; notSent: number };
}

export function summarize(state: CampaignRunState): RunSummary {
  const count = (s: string) => state.deliveries.filter((d) => d.status === s).length;
  const sent = count('sent');
  const failed = count('failed');
  const missed = count('missed');
  const audiences = state.plan.length;
  const notSent = audiences - sent - failed - missed;
  let runStatus: RunSummary['runStatus'];
  if (state.phase === 'cancelled') runStatus = 'cancelled';
  else if (state.phase === 'expired' && sent === 0) runStatus = 'expired';
  else if (sent === audiences) runStatus = 'sent';
  else if (sent > 0) runStatus = 'partially_sent';
  else runStatus = 'failed';
  return { runStatus, counts: { audiences, sent, failed, missed, notSent } };
}
