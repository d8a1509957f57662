// What a case, as it stands, lets reviewers do. One function answers it for both sides: the card shows a
// button exactly when its move is open here, and the workflow's validators refuse with the same words
// when a click arrives anyway (an old card, a second tab). Who may make a move (roles, claims, four eyes)
// is checked on top of this, per actor, in rules.ts. Pure and deterministic: workflow code calls it.
import type { CaseState } from './rules.ts';

/** The moves a reviewer makes on a case; each is one workflow update. */
export const CASE_MOVES = [
  'approve',
  'reject',
  'escalate',
  'request_info',
  'claim',
  'release',
  'undo',
  'decide_appeal',
] as const;
export type CaseMove = (typeof CASE_MOVES)[number];

/** How the case ended, in plain words, for refusals ("… nothing to undo"). */
export function outcomeWords(state: CaseState): string {
  const by = (actor: string | undefined) => (actor ? ` by ${actor}` : '');
  switch (state.status) {
    case 'open':
    case 'pending_second_approval':
      return 'the case is still under review';
    case 'approved':
      return `the takedown was approved${by(state.decision?.actor)} and is being sent to the platform`;
    case 'takedown_failed':
      return `the takedown was approved${by(state.decision?.actor)} but the platform refused it`;
    case 'rejected':
      return `the case was rejected${by(state.decision?.actor)}`;
    case 'taken_down':
      return state.appeal?.status === 'upheld'
        ? `the takedown was upheld on appeal${by(state.appeal.decidedBy)}`
        : `the listing was taken down (approved${by(state.decision?.actor)})`;
    case 'restored':
      return state.undone
        ? `the takedown was undone${by(state.undone.actor)}`
        : `the listing was restored on appeal${by(state.appeal?.decidedBy)}`;
  }
}

function decisionState(state: CaseState, move: 'approve' | 'reject' | 'escalate' | 'request_info') {
  if (state.status === 'pending_second_approval') {
    if (move === 'approve' || move === 'reject') return undefined;
    return 'the case awaits a second approval from a lead';
  }
  if (state.status !== 'open') return `the case was already decided: ${outcomeWords(state)}`;
  if (move === 'escalate' && state.escalated) return 'the case is already escalated to the leads';
  return undefined;
}

function undoState(state: CaseState, now: number): string | undefined {
  switch (state.status) {
    case 'open':
    case 'pending_second_approval':
      return 'the case has not been decided yet, nothing to undo';
    case 'approved':
      return 'the takedown is still being sent to the platform; it can be undone once it is done';
    case 'rejected':
    case 'takedown_failed':
    case 'restored':
      return `${outcomeWords(state)}, nothing to undo`;
    case 'taken_down':
      if (state.appeal?.status === 'upheld') return `${outcomeWords(state)}, nothing to undo`;
      if (state.undone) return 'the takedown is already being undone';
      if (state.undoUntil === undefined || now > state.undoUntil) return 'the undo window has closed';
      return undefined;
  }
}

function appealState(state: CaseState): string | undefined {
  const a = state.appeal;
  if (!a) return 'there is no pending appeal to decide';
  if (a.status === 'restored')
    return `the appeal was already granted${a.decidedBy ? ` by ${a.decidedBy}` : ''}`;
  if (a.status === 'upheld') return `${outcomeWords(state)}, the appeal is decided`;
  if (state.undone) return 'the takedown is already being undone';
  return undefined;
}

/**
 * Why nobody can make `move` on the case as it stands, in plain words; undefined when the move is open
 * (to whoever the roles allow). `now` is the workflow's clock in the validators, the wall clock on a card.
 */
export function moveRefusal(state: CaseState, move: CaseMove, now: number): string | undefined {
  const refusal = stateRefusal(state, move, now);
  // A finished workflow accepts nothing; the specific reason, when there is one, says more.
  if (state.closed) return refusal ?? `the case is closed: ${outcomeWords(state)}`;
  return refusal;
}

function stateRefusal(state: CaseState, move: CaseMove, now: number): string | undefined {
  switch (move) {
    case 'approve':
    case 'reject':
    case 'escalate':
    case 'request_info':
      return decisionState(state, move);
    case 'claim':
    case 'release': {
      // A claim reserves the first review; the second approval goes to whichever lead comes first.
      if (state.status === 'pending_second_approval')
        return 'the case awaits a second approval from a lead; claims are for the first review';
      if (state.status !== 'open')
        return `the case was already decided: ${outcomeWords(state)}, nothing to ${move}`;
      if (move === 'claim' && state.claimedBy) return `case is claimed by ${state.claimedBy}`;
      if (move === 'release' && !state.claimedBy) return 'case is not claimed';
      return undefined;
    }
    case 'undo':
      return undoState(state, now);
    case 'decide_appeal':
      return appealState(state);
  }
}

/** The moves open on the case now: what the card offers. */
export function availableMoves(state: CaseState, now: number): Set<CaseMove> {
  return new Set(CASE_MOVES.filter((m) => moveRefusal(state, m, now) === undefined));
}
