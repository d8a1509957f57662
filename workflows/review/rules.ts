// Who may do what to a case, and when. Pure functions over the workflow's state: the workflow's update
// validators call them (so the rules hold whatever the front end), and tests call them directly.
import { moveRefusal } from './moves.ts';
import type { SlaOverrides } from './sla.ts';

export type CaseStatus =
  | 'open'
  | 'pending_second_approval'
  | 'approved'
  | 'rejected'
  | 'taken_down'
  | 'takedown_failed'
  | 'restored';

/** What an approving reviewer asks the platform to do. Every approval removes the listing. */
export const APPROVE_ACTIONS = ['remove_listing', 'warn_seller', 'suspend_seller'] as const;
export type ApproveAction = (typeof APPROVE_ACTIONS)[number];
/** What the platform is asked to do: the approve actions, and restoring a listing (undo, appeal). */
export type TakedownAction = ApproveAction | 'restore_listing';
/** Account-level actions need a second approval from a different lead (four eyes). */
export const FOUR_EYES_ACTIONS: readonly ApproveAction[] = ['suspend_seller'];

export const REJECT_REASONS = {
  not_wildlife: 'Not a wildlife product',
  legal_trade: 'Legal trade (permit, captive-bred, non-CITES)',
  imitation: 'Imitation or replica',
  insufficient_evidence: 'Insufficient evidence',
  duplicate: 'Duplicate of another case',
  other: 'Other',
} as const;
export type RejectReason = keyof typeof REJECT_REASONS;

export type DecisionKind = 'approve' | 'reject' | 'escalate' | 'request_info';

export interface DecisionInput {
  actor: string;
  decision: DecisionKind;
  /** For approve: what to do on the platform (default remove_listing). */
  action?: ApproveAction;
  /** For reject: why. */
  reasonCode?: RejectReason;
  /** Free text: a note with the decision, or the question when asking for information. */
  reason?: string;
}

export interface CaseInput {
  caseId: string;
  platformId: string;
  externalId: string;
  /** Slack user ids allowed to decide; merged with the configured reviewers and user groups. */
  reviewers: string[];
  /** Slack user ids of leads, merged with the configured ones. */
  leads?: string[];
  /** Deadlines and windows; tests inject seconds here. */
  sla?: SlaOverrides;
}

export interface Approval {
  actor: string;
  action: ApproveAction;
  at: number;
}

export interface TakedownResult {
  action: TakedownAction;
  reference?: string;
  error?: string;
  confirmed?: boolean;
}

export interface CaseState {
  caseId: string;
  status: CaseStatus;
  priority: number;
  /** Ids of volunteer reports on this listing. */
  reports: string[];
  /** The decision that closed the review (approve or reject). */
  decision?: DecisionInput;
  /** Approvals so far (two for four-eyes actions). */
  approvals: Approval[];
  /** When the case is due for a decision (epoch ms); escalation follows. */
  dueAt?: number;
  escalated?: { by: string; at: number; reason: string };
  reminders: number;
  infoRequests: { actor: string; question: string; at: number }[];
  /** Volunteers' answers to those requests (stored before the signal), newest last. */
  infoAnswers?: { reportId: string; answerId: string; at: number }[];
  claimedBy?: string;
  notes: number;
  /** The first takedown (remove_listing), kept for readers of the thin path. */
  takedown?: TakedownResult;
  takedowns: TakedownResult[];
  /** Until when the takedown can be undone (epoch ms). */
  undoUntil?: number;
  undone?: { actor: string; at: number; reason?: string };
  appeal?: {
    appealId: string;
    statement: string;
    status: 'pending' | 'restored' | 'upheld';
    decidedBy?: string;
    reason?: string;
  };
  /** Set as the workflow ends: it accepts nothing more, so the last card offers no moves. */
  closed?: boolean;
}

export interface Roles {
  reviewers: readonly string[];
  leads: readonly string[];
}

export function initialState(caseId: string): CaseState {
  return {
    caseId,
    status: 'open',
    priority: 2,
    reports: [],
    approvals: [],
    reminders: 0,
    infoRequests: [],
    notes: 0,
    takedowns: [],
  };
}

export const isReviewing = (s: CaseState) => s.status === 'open' || s.status === 'pending_second_approval';
const isAuthorised = (roles: Roles, actor: string) =>
  roles.reviewers.includes(actor) || roles.leads.includes(actor);
const isLead = (roles: Roles, actor: string) => roles.leads.includes(actor);

function notAuthorised(actor: string) {
  return `${actor} is not an authorised reviewer`;
}

/** Why a decision is refused, or undefined when it may be applied. */
export function decisionRefusal(roles: Roles, state: CaseState, d: DecisionInput): string | undefined {
  if (!d || typeof d.actor !== 'string') return 'malformed decision';
  if (!isAuthorised(roles, d.actor)) return notAuthorised(d.actor);
  if (!['approve', 'reject', 'escalate', 'request_info'].includes(d.decision)) return 'unknown decision';
  if (d.decision === 'approve' && d.action !== undefined && !APPROVE_ACTIONS.includes(d.action))
    return `unknown action ${String(d.action)}`;
  if (d.decision === 'reject' && d.reasonCode !== undefined && !(d.reasonCode in REJECT_REASONS))
    return `unknown reason ${String(d.reasonCode)}`;
  if (d.reason !== undefined && (typeof d.reason !== 'string' || d.reason.length > 3000))
    return 'the note is too long';

  const stateRefusal = moveRefusal(state, d.decision, Date.now());
  if (stateRefusal) return stateRefusal;
  if (state.status === 'pending_second_approval') {
    const first = state.approvals[0]!;
    if (d.decision === 'approve') {
      if ((d.action ?? 'remove_listing') !== first.action)
        return `the case awaits a second approval of ${first.action}`;
      if (!isLead(roles, d.actor)) return 'a second approval must come from a lead';
      if (d.actor === first.actor) return 'the second approval must come from a different lead';
      return undefined;
    }
    return isLead(roles, d.actor) ? undefined : 'only a lead can decline this';
  }
  if (state.claimedBy && state.claimedBy !== d.actor && !isLead(roles, d.actor))
    return `case is claimed by ${state.claimedBy}`;
  if (d.decision === 'request_info' && !d.reason?.trim()) return 'say what information is needed';
  return undefined;
}

/** Applies an accepted decision; returns the new status. */
export function applyDecision(state: CaseState, d: DecisionInput, now: number): void {
  if (d.decision === 'escalate') {
    state.escalated = { by: d.actor, at: now, reason: d.reason ?? 'escalated by a reviewer' };
    return;
  }
  if (d.decision === 'request_info') {
    state.infoRequests.push({ actor: d.actor, question: d.reason ?? '', at: now });
    return;
  }
  if (d.decision === 'reject') {
    state.decision = d;
    state.status = 'rejected';
    return;
  }
  const action = d.action ?? 'remove_listing';
  state.approvals.push({ actor: d.actor, action, at: now });
  if (FOUR_EYES_ACTIONS.includes(action) && state.approvals.length < 2) {
    state.status = 'pending_second_approval';
    return;
  }
  state.decision = { ...d, action };
  state.status = 'approved';
}

export interface ClaimInput {
  actor: string;
  claim: boolean;
}

export function claimRefusal(roles: Roles, state: CaseState, c: ClaimInput): string | undefined {
  if (!c || typeof c.actor !== 'string') return 'malformed claim';
  if (!isAuthorised(roles, c.actor)) return notAuthorised(c.actor);
  if (c.claim && state.claimedBy === c.actor && state.status === 'open') return 'you already hold this case';
  const stateRefusal = moveRefusal(state, c.claim ? 'claim' : 'release', Date.now());
  if (stateRefusal) return stateRefusal;
  if (!c.claim && state.claimedBy !== c.actor && !isLead(roles, c.actor))
    return `case is claimed by ${state.claimedBy}`;
  return undefined;
}

export interface UndoInput {
  actor: string;
  reason?: string;
}

export function undoRefusal(roles: Roles, state: CaseState, u: UndoInput, now: number): string | undefined {
  if (!u || typeof u.actor !== 'string') return 'malformed undo';
  if (!isAuthorised(roles, u.actor)) return notAuthorised(u.actor);
  return moveRefusal(state, 'undo', now);
}

export interface AppealInput {
  appealId: string;
  statement: string;
}

export function appealRefusal(state: CaseState, a: AppealInput, appealOpen: boolean): string | undefined {
  if (!a || typeof a.appealId !== 'string' || typeof a.statement !== 'string') return 'malformed appeal';
  if (state.status !== 'taken_down') return `case is ${state.status}: there is no takedown to appeal`;
  if (state.appeal) return `an appeal was already made (${state.appeal.status})`;
  if (!appealOpen) return 'the appeal window has closed';
  return undefined;
}

export interface AppealDecisionInput {
  actor: string;
  outcome: 'restore' | 'uphold';
  reason?: string;
}

export function appealDecisionRefusal(
  roles: Roles,
  state: CaseState,
  d: AppealDecisionInput,
): string | undefined {
  if (!d || typeof d.actor !== 'string') return 'malformed appeal decision';
  if (!isAuthorised(roles, d.actor)) return notAuthorised(d.actor);
  if (d.outcome !== 'restore' && d.outcome !== 'uphold') return 'unknown appeal outcome';
  const stateRefusal = moveRefusal(state, 'decide_appeal', Date.now());
  if (stateRefusal) return stateRefusal;
  if (state.approvals.some((a) => a.actor === d.actor))
    return 'an appeal must be decided by a reviewer who did not approve the takedown';
  return undefined;
}
