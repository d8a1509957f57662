// The campaign workflow: one run per campaign and occurrence of its wildlife day. It waits for a comms
// lead's approval of the current revision, sleeps until each audience's local send time, posts through
// activities (each audience on its own, so a failing channel never holds up the others), records every
// delivery and reports a summary. Edits and cancellation are accepted until the posts go out.
// Deterministic code only: every side effect is an activity; this file imports types and Temporal only.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { CampaignContent, Platform, Variant } from '../../shared/campaigns/model.ts';
import type { PlannedSend } from '../../shared/campaigns/plan.ts';
import type { CampaignActivities } from './activities.ts';

export type { PlannedSend };

export type RunPhase =
  | 'starting'
  | 'awaiting_approval'
  | 'changes_requested'
  | 'scheduled'
  | 'completed'
  | 'cancelled'
  | 'expired'
  | 'duplicate'
  | 'skipped';

export interface DeliveryResult {
  audienceKey: string;
  platform: Platform;
  target: string;
  language: string;
  status: 'sent' | 'failed' | 'missed';
  messageId?: string;
  error?: string;
  attempts: number;
  at: number;
}

/** A post that failed and will be tried again: shown on the card while it happens. */
export interface RetryingPost {
  audienceKey: string;
  platform: Platform;
  target: string;
  /** The attempt that just failed. */
  attempt: number;
  error: string;
  nextInMs: number;
  nextAttemptAt: number;
}

export interface SlackRef {
  channel: string;
  ts: string;
}

export interface CampaignRunState {
  campaignId: string;
  occurrenceDate: string;
  phase: RunPhase;
  content: CampaignContent;
  revision: number;
  approvedRevision: number | null;
  approvedBy?: string;
  approvers: string[];
  createdBy: string;
  changesRequested?: { actor: string; note: string; revision: number };
  cancelled?: { actor: string; reason: string };
  plan: PlannedSend[];
  deliveries: DeliveryResult[];
  /** Posts between a failed attempt and the next one, by audience key. */
  retrying?: Record<string, RetryingPost>;
  preview?: SlackRef;
}

export interface RetryOptions {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
}

export interface CampaignRunInput {
  campaignId: string;
  /** The occurrence (YYYY-MM-DD); by default the next date of the campaign's day, from today (UTC). */
  date?: string;
  /** How long after its send time a post may still go out (late approval, a worker outage). */
  lateGraceMs?: number;
  /** Retry policy of each post; platform rate limits can shorten or lengthen the wait. */
  postRetry?: RetryOptions;
  /** How long before the first send the leads are reminded while the campaign is unapproved. */
  approvalRemindersMs?: number[];
}

/** Why the leads are being asked: a new card, or a reminder as the first send time approaches. */
export interface ApprovalAsk {
  kind: 'ask' | 'reminder';
  /** Until the first audience's send time. */
  firstSendInMs: number;
}

export interface ApproveInput {
  actor: string;
  /** The revision the approver saw; a stale preview cannot approve newer content. */
  revision: number;
}
export interface RequestChangesInput {
  actor: string;
  note: string;
}
export interface EditInput {
  actor: string;
  content: CampaignContent;
}
export interface CancelInput {
  actor: string;
  reason?: string;
  /** Cancels this occurrence only (a skipped year); the campaign and its yearly series go on. */
  occurrenceOnly?: boolean;
}

export const approveCampaignUpdate = defineUpdate<CampaignRunState, [ApproveInput]>('approveCampaign');
export const requestChangesUpdate = defineUpdate<CampaignRunState, [RequestChangesInput]>(
  'requestCampaignChanges',
);
export const editCampaignUpdate = defineUpdate<CampaignRunState, [EditInput]>('editCampaign');
export const cancelCampaignUpdate = defineUpdate<CampaignRunState, [CancelInput]>('cancelCampaign');
export const campaignStateQuery = defineQuery<CampaignRunState>('campaignState');

export const DEFAULT_LATE_GRACE_MS = 6 * 60 * 60 * 1000;
export const DEFAULT_APPROVAL_REMINDERS_MS = [24 * 60 * 60 * 1000, 60 * 60 * 1000];
export const DEFAULT_POST_RETRY: RetryOptions = {
  initialIntervalMs: 10_000,
  maximumIntervalMs: 10 * 60_000,
  maximumAttempts: 8,
};

const OPEN_PHASES: RunPhase[] = ['awaiting_approval', 'changes_requested', 'scheduled'];

function isOpen(state: CampaignRunState): boolean {
  return OPEN_PHASES.includes(state.phase);
}

function untouched(state: CampaignRunState): boolean {
  return state.deliveries.length === 0;
}

// Pure guards used by the update validators (and tested directly).
export function approveRefusal(state: CampaignRunState, a: ApproveInput): string | undefined {
  if (!state.approvers.includes(a.actor)) return `${a.actor} is not a comms lead for this campaign`;
  if (!isOpen(state)) return `campaign run is ${state.phase}`;
  if (a.revision !== state.revision)
    return `revision ${a.revision} is out of date; the campaign is at revision ${state.revision}`;
  if (state.approvedRevision === state.revision) return `revision ${state.revision} is already approved`;
  return undefined;
}

export function requestChangesRefusal(state: CampaignRunState, r: RequestChangesInput): string | undefined {
  if (!state.approvers.includes(r.actor)) return `${r.actor} is not a comms lead for this campaign`;
  if (!isOpen(state)) return `campaign run is ${state.phase}`;
  if (!untouched(state)) return 'posts have already gone out';
  if (!r.note.trim()) return 'say what should change';
  return undefined;
}

export function editRefusal(state: CampaignRunState, e: EditInput): string | undefined {
  if (e.actor !== state.createdBy && !state.approvers.includes(e.actor))
    return `${e.actor} may not edit this campaign`;
  if (!isOpen(state)) return `campaign run is ${state.phase}`;
  if (!untouched(state)) return 'posts have already gone out';
  if (e.content.dayId !== state.content.dayId) return 'the wildlife day cannot change; create a new campaign';
  const [before, after] = [state.content.when, e.content.when];
  if (
    before &&
    after &&
    (before.kind !== after.kind ||
      (before.kind === 'date' && after.kind === 'date' && before.date !== after.date))
  )
    return 'when it posts (day, date or now) cannot change for this run; create a new campaign';
  return undefined;
}

export function cancelRefusal(state: CampaignRunState, c: CancelInput): string | undefined {
  if (c.actor !== state.createdBy && !state.approvers.includes(c.actor))
    return `${c.actor} may not cancel this campaign`;
  if (!isOpen(state)) return `campaign run is ${state.phase}`;
  return undefined;
}

function pickVariant(content: CampaignContent, language: string): Variant | undefined {
  return content.variants[language] ?? content.variants[language.split('-')[0]!];
}

function errorMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** What a failed attempt says about the next one: whether to retry, and how long the platform asks to wait. */
function failureOf(err: unknown): { message: string; retryable: boolean; retryAfterMs?: number } {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (cause instanceof ApplicationFailure) {
    const detail = cause.details?.[0] as { retryAfterMs?: number } | undefined;
    return {
      message: cause.message,
      retryable: !cause.nonRetryable,
      ...(typeof detail?.retryAfterMs === 'number' ? { retryAfterMs: detail.retryAfterMs } : {}),
    };
  }
  // Timeouts and worker crashes: worth another attempt.
  return { message: errorMessage(err), retryable: true };
}

/** The wait before the attempt after `attempt`, as Temporal's own retry policy would compute it. */
export function retryDelayMs(retry: RetryOptions, attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  return Math.min(retry.initialIntervalMs * 2 ** (attempt - 1), retry.maximumIntervalMs);
}

function attemptsOf(err: unknown, fallback: number): number {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (cause instanceof ApplicationFailure) {
    const detail = cause.details?.[0] as { attempt?: number } | undefined;
    if (typeof detail?.attempt === 'number') return detail.attempt;
  }
  return fallback;
}

type RunEvent =
  | { kind: 'approved'; actor: string; revision: number }
  | { kind: 'changes_requested'; actor: string; note: string }
  | { kind: 'edited'; actor: string; revision: number }
  | { kind: 'cancelled'; actor: string; reason: string; occurrenceOnly?: boolean }
  | { kind: 'retrying'; problem: RetryingPost }
  | { kind: 'ask'; ask: ApprovalAsk };

export async function campaignWorkflow(input: CampaignRunInput): Promise<CampaignRunState> {
  const { workflowId } = workflowInfo();
  const lateGraceMs = input.lateGraceMs ?? DEFAULT_LATE_GRACE_MS;
  const retry = input.postRetry ?? DEFAULT_POST_RETRY;

  const store = proxyActivities<CampaignActivities>({
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 30,
    },
  });
  // One attempt per activity: the workflow retries, so every failed attempt shows on the card at once.
  const attemptPoster = proxyActivities<CampaignActivities>({
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 1 },
  });
  const poster = proxyActivities<CampaignActivities>({
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: retry.maximumIntervalMs,
      maximumAttempts: retry.maximumAttempts,
    },
  });

  // Handlers are in place before the first activity: a query or click that arrives while the run loads
  // sees phase "starting" and is refused politely instead of hitting a missing handler.
  const state: CampaignRunState = {
    campaignId: input.campaignId,
    occurrenceDate: input.date ?? '',
    phase: 'starting',
    content: {
      dayId: '',
      name: '',
      audiences: [],
      variants: {},
      sendTime: '',
      when: { kind: 'day', repeat: 'once', daysBefore: 0 },
    },
    revision: 0,
    approvedRevision: null,
    approvers: [],
    createdBy: '',
    plan: [],
    deliveries: [],
    retrying: {},
  };
  const events: RunEvent[] = [];
  const inFlight = new Set<string>();
  let finishedPosts = 0;
  const approved = () => state.approvedRevision === state.revision;
  const delivered = (key: string) => state.deliveries.some((d) => d.audienceKey === key);

  setHandler(campaignStateQuery, () => state);
  setHandler(
    approveCampaignUpdate,
    (a) => {
      state.approvedRevision = a.revision;
      state.approvedBy = a.actor;
      state.changesRequested = undefined;
      state.phase = 'scheduled';
      events.push({ kind: 'approved', actor: a.actor, revision: a.revision });
      return state;
    },
    { validator: (a) => throwIf(approveRefusal(state, a)) },
  );
  setHandler(
    requestChangesUpdate,
    (r) => {
      state.changesRequested = { actor: r.actor, note: r.note, revision: state.revision };
      state.approvedRevision = state.approvedRevision === state.revision ? null : state.approvedRevision;
      state.phase = 'changes_requested';
      events.push({ kind: 'changes_requested', actor: r.actor, note: r.note });
      return state;
    },
    { validator: (r) => throwIf(requestChangesRefusal(state, r)) },
  );
  setHandler(
    editCampaignUpdate,
    (e) => {
      state.content = e.content;
      state.revision += 1;
      state.changesRequested = undefined;
      state.phase = 'awaiting_approval';
      events.push({ kind: 'edited', actor: e.actor, revision: state.revision });
      return state;
    },
    { validator: (e) => throwIf(editRefusal(state, e)) },
  );
  setHandler(
    cancelCampaignUpdate,
    (x) => {
      state.cancelled = { actor: x.actor, reason: x.reason ?? '' };
      state.phase = 'cancelled';
      events.push({
        kind: 'cancelled',
        actor: x.actor,
        reason: x.reason ?? '',
        ...(x.occurrenceOnly ? { occurrenceOnly: true } : {}),
      });
      return state;
    },
    { validator: (x) => throwIf(cancelRefusal(state, x)) },
  );

  const prepared = await store.prepareCampaignRun({
    campaignId: input.campaignId,
    workflowId,
    date: input.date,
  });
  const c = prepared.campaign;
  Object.assign(state, {
    occurrenceDate: prepared.occurrenceDate,
    phase: 'awaiting_approval',
    content: {
      dayId: c.dayId,
      name: c.name,
      audiences: c.audiences,
      variants: c.variants,
      sendTime: c.sendTime,
      when: c.when,
      reportChannel: c.reportChannel,
    },
    revision: c.revision,
    approvedRevision: c.approvedRevision,
    approvedBy: c.approvedBy ?? undefined,
    approvers: c.approvers,
    createdBy: c.createdBy,
    plan: prepared.plan,
  } satisfies Partial<CampaignRunState>);
  if (c.status === 'cancelled') {
    // A schedule that fired before it was deleted, or a run started after the cancellation.
    state.phase = 'cancelled';
    return state;
  }
  if (prepared.skipped) {
    // This year was skipped; the yearly series goes on.
    state.phase = 'skipped';
    return state;
  }
  if (!prepared.claimed) {
    // Another run already owns this occurrence (a schedule firing next to a hand-started run).
    state.phase = 'duplicate';
    return state;
  }

  async function showRun() {
    const ref = await store.showCampaignRun({ workflowId, state });
    if (ref) state.preview = ref;
  }

  async function handle(event: RunEvent) {
    switch (event.kind) {
      case 'approved':
        await store.recordCampaignApproval({
          campaignId: state.campaignId,
          revision: event.revision,
          actor: event.actor,
          occurrenceDate: state.occurrenceDate,
        });
        break;
      case 'changes_requested':
        await store.recordCampaignStatus({
          campaignId: state.campaignId,
          status: 'changes_requested',
          actor: event.actor,
          details: { note: event.note },
        });
        break;
      case 'edited': {
        const revised = await store.saveCampaignRevision({
          campaignId: state.campaignId,
          revision: event.revision,
          content: state.content,
          actor: event.actor,
          occurrenceDate: state.occurrenceDate,
        });
        // Only adopt the plan of the newest revision (edits may queue up behind this activity).
        if (event.revision === state.revision) state.plan = revised.plan;
        break;
      }
      case 'cancelled':
        if (event.occurrenceOnly) break; // the run records itself as cancelled; the campaign goes on
        await store.recordCampaignStatus({
          campaignId: state.campaignId,
          status: 'cancelled',
          actor: event.actor,
          details: { reason: event.reason, occurrenceDate: state.occurrenceDate },
        });
        break;
      case 'ask':
        await store.askCampaignApprovers({ workflowId, state, ask: event.ask });
        break;
      case 'retrying':
        // The thread hears of a failing audience once, at its first failure; the card shows every attempt.
        if (event.problem.attempt === 1) {
          await store.reportCampaignProblem({ workflowId, state, problem: event.problem });
        }
        break;
    }
  }

  type Attempted =
    | { ok: true; messageId: string; attempt: number }
    | { ok: false; error: string; attempts: number };

  /** Posts with retries driven here, so each failure is visible on the card while the next one waits. */
  async function postVisibly(p: PlannedSend, variant: Variant): Promise<Attempted> {
    state.retrying ??= {};
    const retrying = state.retrying;
    for (let attempt = 1; ; attempt++) {
      try {
        const posted = await attemptPoster.postCampaignMessage({
          workflowId,
          campaignId: state.campaignId,
          send: p,
          variant,
          attempt,
        });
        delete retrying[p.audienceKey];
        return { ok: true, messageId: posted.messageId, attempt };
      } catch (err) {
        const failure = failureOf(err);
        if (!failure.retryable || attempt >= retry.maximumAttempts || state.phase === 'cancelled') {
          delete retrying[p.audienceKey];
          return { ok: false, error: failure.message, attempts: attempt };
        }
        const nextInMs = retryDelayMs(retry, attempt, failure.retryAfterMs);
        const problem: RetryingPost = {
          audienceKey: p.audienceKey,
          platform: p.platform,
          target: p.target,
          attempt,
          error: failure.message,
          nextInMs,
          nextAttemptAt: Date.now() + nextInMs,
        };
        retrying[p.audienceKey] = problem;
        events.push({ kind: 'retrying', problem });
        // A cancellation stops the retries: what the team cancelled is not posted later.
        if (await condition(() => state.phase === 'cancelled', nextInMs)) {
          delete retrying[p.audienceKey];
          return {
            ok: false,
            error: `${failure.message}; not retried after the cancellation`,
            attempts: attempt,
          };
        }
      }
    }
  }

  async function deliver(p: PlannedSend, revision: number, missed = Date.now() > p.sendAt + lateGraceMs) {
    let result: DeliveryResult;
    const variant = pickVariant(state.content, p.language);
    if (missed) {
      const why = approved() ? 'the send time passed too long ago' : 'the campaign was not approved in time';
      result = { ...base(p), status: 'missed', error: why, attempts: 0 };
    } else if (!variant) {
      result = { ...base(p), status: 'failed', error: `no message in ${p.language}`, attempts: 0 };
    } else if (patched('campaign-visible-retries')) {
      const posted = await postVisibly(p, variant);
      result = posted.ok
        ? { ...base(p), status: 'sent', messageId: posted.messageId, attempts: posted.attempt }
        : { ...base(p), status: 'failed', error: posted.error, attempts: posted.attempts };
    } else {
      try {
        const posted = await poster.postCampaignMessage({
          workflowId,
          campaignId: state.campaignId,
          send: p,
          variant,
        });
        result = { ...base(p), status: 'sent', messageId: posted.messageId, attempts: posted.attempt };
      } catch (err) {
        result = {
          ...base(p),
          status: 'failed',
          error: errorMessage(err),
          attempts: attemptsOf(err, retry.maximumAttempts),
        };
      }
    }
    state.deliveries.push(result);
    await store.recordCampaignDelivery({
      workflowId,
      campaignId: state.campaignId,
      revision,
      send: p,
      result,
    });
  }

  function base(p: PlannedSend) {
    return {
      audienceKey: p.audienceKey,
      platform: p.platform,
      target: p.target,
      language: p.language,
      at: Date.now(),
    };
  }

  // The card goes up at once: for approval, or (standing approval) as notice that posts are coming,
  // with a button to cancel.
  if (approved()) state.phase = 'scheduled';
  await showRun();

  // The leads are asked when the card goes up, and reminded as the first send time approaches.
  const asksLeads = patched('campaign-ask-approvers');
  const firstSendAt = () =>
    Math.min(...state.plan.filter((p) => !delivered(p.audienceKey)).map((p) => p.sendAt));
  let reminders = [...(input.approvalRemindersMs ?? DEFAULT_APPROVAL_REMINDERS_MS)]
    .sort((a, b) => b - a)
    .filter((before) => firstSendAt() - before > Date.now());
  if (asksLeads && !approved() && state.plan.length > 0) {
    await handle({ kind: 'ask', ask: { kind: 'ask', firstSendInMs: firstSendAt() - Date.now() } });
  }

  for (;;) {
    while (events.length > 0) {
      const event = events.shift()!;
      await handle(event);
      await showRun();
    }
    if (state.phase === 'cancelled') break;

    const waiting = state.plan.filter((p) => !delivered(p.audienceKey) && !inFlight.has(p.audienceKey));
    if (waiting.length === 0 && inFlight.size === 0) {
      state.phase = 'completed';
      break;
    }

    let timeoutMs: number | undefined;
    if (approved()) {
      const due = waiting.filter((p) => p.sendAt <= Date.now());
      for (const p of due) {
        inFlight.add(p.audienceKey);
        deliver(p, state.revision)
          .catch((err) => {
            // Only recording can fail here (posting failures are results): keep the run going, and keep
            // the outcome already known for this audience.
            if (!delivered(p.audienceKey)) {
              state.deliveries.push({ ...base(p), status: 'failed', error: errorMessage(err), attempts: 0 });
            }
          })
          .finally(() => {
            inFlight.delete(p.audienceKey);
            finishedPosts += 1;
          });
      }
      const later = waiting.filter((p) => p.sendAt > Date.now());
      if (later.length > 0) timeoutMs = Math.min(...later.map((p) => p.sendAt)) - Date.now();
    } else if (waiting.length > 0) {
      const deadline = Math.max(...waiting.map((p) => p.sendAt)) + lateGraceMs;
      if (Date.now() >= deadline && inFlight.size === 0) {
        for (const p of waiting) await deliver(p, state.revision, true);
        state.phase = 'expired';
        break;
      }
      timeoutMs = Math.max(deadline - Date.now(), 1);
      if (asksLeads && state.phase !== 'changes_requested') {
        // One reminder for however many reminder times have passed (a worker outage sends one, not three).
        const first = firstSendAt();
        if (reminders.some((before) => first - before <= Date.now())) {
          reminders = reminders.filter((before) => first - before > Date.now());
          events.push({ kind: 'ask', ask: { kind: 'reminder', firstSendInMs: first - Date.now() } });
          continue;
        }
        if (reminders.length > 0)
          timeoutMs = Math.min(timeoutMs, Math.max(first - reminders[0]! - Date.now(), 1));
      }
    }
    const seen = finishedPosts;
    const woken = () => events.length > 0 || finishedPosts !== seen;
    if (timeoutMs === undefined) await condition(woken);
    else await condition(woken, timeoutMs);
  }

  // Posts already on their way are finished and recorded, even after a cancellation.
  await condition(() => inFlight.size === 0);
  await condition(allHandlersFinished);
  while (events.length > 0) await handle(events.shift()!);

  await store.finishCampaignRun({ workflowId, state });
  await showRun();
  await store.reportCampaignSummary({ workflowId, state });
  return state;
}

function throwIf(refusal: string | undefined): void {
  if (refusal) throw new Error(refusal);
}
