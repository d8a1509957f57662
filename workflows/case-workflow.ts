// The case workflow: one per flagged listing (id derived from platform + external id). It posts the
// review card, waits for an authorised decision under a per-priority deadline (escalating to leads and
// reminding them until someone decides), asks a second lead for account-level actions, performs each
// takedown action at most once, keeps an undo window, and lets a different reviewer decide a seller's
// appeal. Deterministic code only: all I/O is in activities, and the rules live in review/rules.ts.
import {
  type ActivityOptions,
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { CaseActivities, CaseEvent, CaseEventBody } from './activities/case-activities.ts';
import {
  type AppealDecisionInput,
  type AppealInput,
  type ApproveAction,
  appealDecisionRefusal,
  appealRefusal,
  applyDecision,
  type CaseInput,
  type CaseState,
  type ClaimInput,
  claimRefusal,
  type DecisionInput,
  decisionRefusal,
  initialState,
  isReviewing,
  type Roles,
  type TakedownAction,
  type UndoInput,
  undoRefusal,
} from './review/rules.ts';
import { mergeSla, reviewDeadlineMs } from './review/sla.ts';

export type {
  AppealDecisionInput,
  AppealInput,
  ApproveAction,
  CaseInput,
  CaseState,
  CaseStatus,
  ClaimInput,
  DecisionInput,
  RejectReason,
  TakedownAction,
  UndoInput,
} from './review/rules.ts';

/** A volunteer's report attached to the case (the report row is stored before the signal is sent). */
export interface VolunteerReportSignal {
  reportId: string;
  /** The priority the report raised the case to (already stored), if it did. */
  priority?: number;
}

export const decideUpdate = defineUpdate<CaseState, [DecisionInput]>('decide');
export const claimUpdate = defineUpdate<CaseState, [ClaimInput]>('claim');
export const undoUpdate = defineUpdate<CaseState, [UndoInput]>('undo');
/** A seller's appeal, forwarded by the platform through the API (stored before it is sent). */
export const appealUpdate = defineUpdate<CaseState, [AppealInput]>('appeal');
export const decideAppealUpdate = defineUpdate<CaseState, [AppealDecisionInput]>('decideAppeal');
export const caseStateQuery = defineQuery<CaseState>('caseState');
/** Sent with signal-with-start: many volunteers reporting one link make one case. */
export const volunteerReportSignal = defineSignal<[VolunteerReportSignal]>('volunteerReport');
/** A reporter answered a reviewer's question (the answer is already stored): show it on the card. */
export const volunteerAnswerSignal =
  defineSignal<[{ reportId: string; answerId: string }]>('volunteerAnswer');
/** The platform confirmed a takedown through the callback endpoint (already stored). */
export const takedownConfirmedSignal =
  defineSignal<[{ action: string; reference: string }]>('takedownConfirmed');
/** Something shown on the card changed in the database (a note was added): refresh the card. */
export const caseChangedSignal = defineSignal('caseChanged');
/**
 * The case's priority was raised (already stored) by something found after it opened, such as a photo
 * seen in removed listings: a running review's deadline moves forward.
 */
export const priorityRaisedSignal = defineSignal<[{ priority: number }]>('priorityRaised');

const RETRY_BASE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
  },
};
const activities = proxyActivities<CaseActivities>(RETRY_BASE);
/**
 * The review's setup reads and writes one row each: as local activities they run inside the first
 * workflow task, which saves the Temporal server two task round trips per new case (cases/s at ingest).
 */
const setupActivities = proxyLocalActivities<Pick<CaseActivities, 'prepareReview' | 'recordDueAt'>>({
  startToCloseTimeout: '10 seconds',
  retry: RETRY_BASE.retry,
});

/**
 * Retry policy per takedown action: removing (or restoring) the listing keeps trying for longer than a
 * warning; a suspension is retried with a slower backoff. A 4xx answer is final and never retried.
 */
const TAKEDOWN_RETRY: Record<TakedownAction, ActivityOptions['retry']> = {
  remove_listing: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 30,
  },
  restore_listing: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 30,
  },
  suspend_seller: {
    initialInterval: '2 seconds',
    backoffCoefficient: 3,
    maximumInterval: '10 minutes',
    maximumAttempts: 15,
  },
  warn_seller: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
  },
};
type Takedown = Pick<CaseActivities, 'requestTakedown'>;
// Longer than the HTTP adapter's 10 s request timeout; short enough that a takedown whose worker died
// is retried within seconds.
const takedownProxy = (action: TakedownAction): Takedown =>
  proxyActivities<Takedown>({ startToCloseTimeout: '20 seconds', retry: TAKEDOWN_RETRY[action] });
const takedownActivities: Record<TakedownAction, Takedown> = {
  remove_listing: takedownProxy('remove_listing'),
  restore_listing: takedownProxy('restore_listing'),
  suspend_seller: takedownProxy('suspend_seller'),
  warn_seller: takedownProxy('warn_seller'),
};

const union = (...lists: (readonly string[] | undefined)[]) => [...new Set(lists.flatMap((l) => l ?? []))];

export async function caseWorkflow(input: CaseInput): Promise<CaseState> {
  const { caseId } = input;
  const state: CaseState = initialState(caseId);
  let roles: Roles = { reviewers: input.reviewers, leads: input.leads ?? [] };
  let cardStale = false;
  let appealOpen = true;
  let restoreRequested = false;
  const outbox: CaseEvent[] = [];
  let seq = 0;
  const emit = (event: CaseEventBody) => {
    seq += 1;
    outbox.push({ ...event, key: `${caseId}:${seq}` });
  };
  const reject = (refusal: string | undefined) => {
    if (refusal) throw new Error(refusal);
  };
  /** Set once the review's deadline is known; until then a raised priority is read from the database. */
  let raisePriority: (priority: number) => void = () => {};
  let deadlineMoved = false;

  setHandler(caseStateQuery, () => state);
  setHandler(volunteerReportSignal, ({ reportId, priority }) => {
    if (!state.reports.includes(reportId)) {
      state.reports.push(reportId);
      cardStale = true;
    }
    if (priority !== undefined) raisePriority(priority);
  });
  setHandler(volunteerAnswerSignal, ({ reportId, answerId }) => {
    state.infoAnswers ??= [];
    if (state.infoAnswers.some((a) => a.answerId === answerId)) return;
    state.infoAnswers.push({ reportId, answerId, at: Date.now() });
    cardStale = true;
  });
  setHandler(caseChangedSignal, () => {
    cardStale = true;
  });
  setHandler(priorityRaisedSignal, ({ priority }) => {
    raisePriority(priority);
    cardStale = true;
  });
  setHandler(takedownConfirmedSignal, ({ action, reference }) => {
    const t = state.takedowns.find((x) => x.action === action && x.reference === reference);
    if (t && !t.confirmed) {
      t.confirmed = true;
      cardStale = true;
    }
  });
  setHandler(
    decideUpdate,
    (d) => {
      const stage = state.status === 'pending_second_approval' ? 'second' : 'first';
      applyDecision(state, d, Date.now());
      emit({ kind: 'decision', decision: d, stage, status: state.status });
      return state;
    },
    { validator: (d) => reject(decisionRefusal(roles, state, d)) },
  );
  setHandler(
    claimUpdate,
    (c) => {
      state.claimedBy = c.claim ? c.actor : undefined;
      emit({ kind: 'claim', actor: c.actor, claim: c.claim });
      return state;
    },
    { validator: (c) => reject(claimRefusal(roles, state, c)) },
  );
  setHandler(
    undoUpdate,
    (u) => {
      state.undone = { actor: u.actor, at: Date.now(), reason: u.reason };
      restoreRequested = true;
      emit({ kind: 'undo', actor: u.actor, reason: u.reason });
      return state;
    },
    { validator: (u) => reject(undoRefusal(roles, state, u, Date.now())) },
  );
  setHandler(
    appealUpdate,
    (a) => {
      state.appeal = { appealId: a.appealId, statement: a.statement, status: 'pending' };
      emit({ kind: 'appeal', appealId: a.appealId });
      return state;
    },
    { validator: (a) => reject(appealRefusal(state, a, appealOpen)) },
  );
  setHandler(
    decideAppealUpdate,
    (d) => {
      const appeal = state.appeal!;
      appeal.status = d.outcome === 'restore' ? 'restored' : 'upheld';
      appeal.decidedBy = d.actor;
      appeal.reason = d.reason;
      if (d.outcome === 'restore') restoreRequested = true;
      emit({
        kind: 'appeal_decision',
        actor: d.actor,
        appealId: appeal.appealId,
        outcome: d.outcome,
        reason: d.reason,
      });
      return state;
    },
    { validator: (d) => reject(appealDecisionRefusal(roles, state, d)) },
  );

  const refreshRoles = async () => {
    const r = await activities.resolveRoles();
    roles = { reviewers: union(input.reviewers, r.reviewers), leads: union(input.leads, r.leads) };
  };
  const postCard = async () => {
    cardStale = false;
    await activities.postReviewCard({ caseId, state });
  };
  /** Records every queued event (idempotently) and sends what follows from it. */
  const drain = async () => {
    while (outbox.length > 0) {
      const event = outbox.shift()!;
      await activities.recordCaseEvent({ caseId, event });
      cardStale = true;
      if (event.kind === 'decision') {
        const d = event.decision;
        if (d.decision === 'escalate')
          await activities.notifyLeads({ caseId, reason: 'escalated', leads: [...roles.leads] });
        if (d.decision === 'request_info')
          await activities.recordReportOutcomes({ caseId, outcome: 'more_info' });
        if (event.status === 'pending_second_approval')
          await activities.notifyLeads({ caseId, reason: 'second_approval', leads: [...roles.leads] });
      }
      if (event.kind === 'appeal') await activities.notifyLeads({ caseId, reason: 'appeal', leads: [] });
    }
  };

  // ---- Review: until a decision, with the SLA clock running -------------------------------------
  // Cases opened before the setup ran locally replay it as ordinary activities, hence the patch marker.
  const setupBy = patched('review-setup-local') ? setupActivities : activities;
  const setup = await setupBy.prepareReview({ caseId });
  roles = { reviewers: union(input.reviewers, setup.reviewers), leads: union(input.leads, setup.leads) };
  const sla = mergeSla(setup.sla, input.sla);
  const reviewStart = Date.now();
  state.priority = setup.priority;
  state.dueAt = reviewStart + reviewDeadlineMs(sla, setup.priority);
  // A priority raised while the review runs (a strong reporter) brings the deadline forward to what a case
  // of that priority would have had. Raised before this point, it was read from the database above.
  raisePriority = (priority) => {
    if (!isReviewing(state) || priority >= state.priority) return;
    state.priority = priority;
    state.dueAt = Math.min(state.dueAt!, reviewStart + reviewDeadlineMs(sla, priority));
    deadlineMoved = true;
    cardStale = true;
  };
  await setupBy.recordDueAt({ caseId, dueAt: state.dueAt });
  await postCard();

  let alarm = state.dueAt;
  while (isReviewing(state)) {
    const wait = alarm - Date.now();
    const woke =
      wait > 0 && (await condition(() => !isReviewing(state) || outbox.length > 0 || cardStale, wait));
    await drain();
    if (deadlineMoved) {
      deadlineMoved = false;
      if (!state.escalated) {
        alarm = state.dueAt!;
        await activities.recordDueAt({ caseId, dueAt: state.dueAt! });
        continue; // the loop waits again, up to the new deadline (or escalates at once if it has passed)
      }
    }
    if (!woke && isReviewing(state)) {
      await refreshRoles();
      if (!state.escalated) {
        state.escalated = { by: 'system:sla', at: Date.now(), reason: 'no decision within the deadline' };
        emit({ kind: 'sla', stage: 'escalated', reminders: 0 });
      } else {
        state.reminders += 1;
        emit({ kind: 'sla', stage: 'reminder', reminders: state.reminders });
      }
      await drain();
      await activities.notifyLeads({
        caseId,
        reason: state.reminders === 0 ? 'sla' : 'reminder',
        leads: [...roles.leads],
      });
      alarm = Date.now() + sla.reminderMs;
    }
    if (cardStale) await postCard();
  }

  // ---- Decided ------------------------------------------------------------------------------------
  // A decision that arrived while the loop was awaiting (posting the card, say) is still in the outbox:
  // record it before anything acts on it. Earlier histories went straight on, hence the patch marker.
  if (patched('record-decision-before-takedown')) await drain();
  const decision = state.decision!;
  // Reporters learn the outcome and their accuracy moves with it.
  await activities.recordReportOutcomes({
    caseId,
    outcome: decision.decision === 'approve' ? 'confirmed' : 'rejected',
  });
  if (decision.decision === 'approve') {
    const actions: ApproveAction[] = ['remove_listing'];
    if (decision.action && decision.action !== 'remove_listing') actions.push(decision.action);
    for (const action of actions) {
      const result = await takedownActivities[action].requestTakedown({
        caseId,
        action,
        decidedBy: decision.actor,
      });
      state.takedowns.push({ action, ...result });
    }
    state.takedown = state.takedowns[0];
    state.status = state.takedowns.every((t) => t.reference) ? 'taken_down' : 'takedown_failed';
    // The undo window opens with the takedown (a reviewer may click Undo as soon as the card says so).
    if (state.status === 'taken_down') state.undoUntil = Date.now() + sla.undoWindowMs;
    await activities.recordCaseStatus({ caseId, status: state.status });
    // Reporters heard "confirmed, removal requested" at the approval; now they hear what the platform did
    // with the listing. Histories recorded before this step replay without it, hence the patch marker.
    if (patched('tell-reporters-takedown-result')) {
      await activities.notifyTakedownResult({
        caseId,
        result: state.takedowns[0]?.reference ? 'removed' : 'removal_failed',
      });
    }
  }
  if (state.status === 'taken_down') {
    const appealUntil = Date.now() + sla.appealWindowMs;
    await postCard();
    // ---- Undo window, then appeals ----------------------------------------------------------------
    for (;;) {
      const undoOpen = state.undoUntil !== undefined && Date.now() < state.undoUntil && !state.undone;
      const next = undoOpen ? state.undoUntil! : appealUntil;
      const wait = next - Date.now();
      const wake = () => outbox.length > 0 || cardStale || restoreRequested;
      // A pending appeal outlives the appeal window: it waits for its decision without a deadline.
      const woke =
        wait > 0
          ? await condition(wake, wait)
          : state.appeal?.status === 'pending' && (await condition(wake).then(() => true));
      await drain();
      if (restoreRequested) {
        const result = await takedownActivities.restore_listing.requestTakedown({
          caseId,
          action: 'restore_listing',
          decidedBy: state.undone?.actor ?? state.appeal?.decidedBy ?? 'unknown',
        });
        state.takedowns.push({ action: 'restore_listing', ...result });
        if (result.reference) {
          state.status = 'restored';
          await activities.recordCaseStatus({ caseId, status: 'restored' });
        }
        break;
      }
      if (state.appeal?.status === 'upheld') break;
      if (!woke) {
        if (undoOpen) {
          state.undoUntil = undefined; // the window closed: the card drops its Undo button
          cardStale = true;
        } else if (Date.now() >= appealUntil) {
          appealOpen = false;
          if (state.appeal?.status !== 'pending') break;
        }
      }
      if (cardStale) await postCard();
    }
  }

  // Nothing is accepted from here on: the last card offers no moves (state only, no new commands).
  state.closed = true;
  await postCard();
  await condition(allHandlersFinished);
  return state;
}
