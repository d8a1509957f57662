// The case workflow: one per flagged listing (id derived from platform + external id). It posts the
// review card, waits for an authorised decision, performs the takedown at most once, and keeps the card
// and the audit log current. Deterministic code only: all I/O is in activities.
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { CaseActivities } from './activities/case-activities.ts';

export type CaseStatus = 'open' | 'approved' | 'rejected' | 'taken_down' | 'takedown_failed';
export type TakedownAction = 'remove_listing';

export interface CaseInput {
  caseId: string;
  platformId: string;
  externalId: string;
  /** Slack user ids allowed to decide; checked by the update validator, not only the UI. */
  reviewers: string[];
}

export interface DecisionInput {
  actor: string;
  decision: 'approve' | 'reject';
  reason?: string;
}

/** A volunteer's report attached to the case (the report row is stored before the signal is sent). */
export interface VolunteerReportSignal {
  reportId: string;
}

export interface CaseState {
  caseId: string;
  status: CaseStatus;
  /** Ids of volunteer reports on this listing. */
  reports: string[];
  decision?: DecisionInput;
  takedown?: { action: TakedownAction; reference?: string; error?: string };
}

export const decideUpdate = defineUpdate<CaseState, [DecisionInput]>('decide');
export const caseStateQuery = defineQuery<CaseState>('caseState');
/** Sent with signal-with-start: many volunteers reporting one link make one case. */
export const volunteerReportSignal = defineSignal<[VolunteerReportSignal]>('volunteerReport');

const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
  },
});

/** Why a decision is refused, or undefined when it may be applied. Pure, so it is tested directly. */
export function decisionRefusal(input: CaseInput, state: CaseState, d: DecisionInput): string | undefined {
  if (!input.reviewers.includes(d.actor)) return `${d.actor} is not an authorised reviewer`;
  if (state.status !== 'open') return `case is already ${state.status}`;
  if (d.decision !== 'approve' && d.decision !== 'reject') return 'unknown decision';
  return undefined;
}

export async function caseWorkflow(input: CaseInput): Promise<CaseState> {
  const state: CaseState = { caseId: input.caseId, status: 'open', reports: [] };
  let cardStale = false;

  setHandler(caseStateQuery, () => state);
  setHandler(volunteerReportSignal, ({ reportId }) => {
    if (state.reports.includes(reportId)) return;
    state.reports.push(reportId);
    cardStale = true;
  });
  setHandler(
    decideUpdate,
    (d) => {
      state.decision = d;
      state.status = d.decision === 'approve' ? 'approved' : 'rejected';
      return state;
    },
    {
      validator: (d) => {
        const refusal = decisionRefusal(input, state, d);
        if (refusal) throw new Error(refusal);
      },
    },
  );

  await activities.postReviewCard({ caseId: input.caseId, state });
  while (state.status === 'open') {
    await condition(() => state.status !== 'open' || cardStale);
    if (cardStale && state.status === 'open') {
      cardStale = false;
      await activities.postReviewCard({ caseId: input.caseId, state });
    }
  }
  const decision = state.decision!;
  await activities.recordDecision({ caseId: input.caseId, decision });
  // Reporters learn the outcome and their accuracy moves with it.
  await activities.recordReportOutcomes({
    caseId: input.caseId,
    outcome: decision.decision === 'approve' ? 'confirmed' : 'rejected',
  });

  if (decision.decision === 'approve') {
    const action: TakedownAction = 'remove_listing';
    const result = await activities.requestTakedown({
      caseId: input.caseId,
      action,
      decidedBy: decision.actor,
    });
    state.takedown = { action, ...result };
    state.status = result.reference ? 'taken_down' : 'takedown_failed';
    await activities.recordCaseStatus({ caseId: input.caseId, status: state.status });
  }

  await activities.postReviewCard({ caseId: input.caseId, state });
  await condition(allHandlersFinished);
  return state;
}
