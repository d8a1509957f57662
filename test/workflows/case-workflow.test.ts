import { describe, expect, it } from 'vitest';
import { availableMoves, moveRefusal } from '../../workflows/review/moves.ts';
import {
  appealDecisionRefusal,
  appealRefusal,
  applyDecision,
  type CaseState,
  claimRefusal,
  decisionRefusal,
  initialState,
  type Roles,
  undoRefusal,
} from '../../workflows/review/rules.ts';

const roles: Roles = { reviewers: ['U1', 'U2'], leads: ['L1', 'L2'] };
const open = (): CaseState => initialState('c');

describe('case decisions', () => {
  it('accepts a configured reviewer or lead on an open case', () => {
    expect(decisionRefusal(roles, open(), { actor: 'U1', decision: 'approve' })).toBeUndefined();
    expect(
      decisionRefusal(roles, open(), { actor: 'U2', decision: 'reject', reasonCode: 'imitation' }),
    ).toBeUndefined();
    expect(decisionRefusal(roles, open(), { actor: 'L1', decision: 'escalate' })).toBeUndefined();
  });

  it('refuses anyone else', () => {
    expect(decisionRefusal(roles, open(), { actor: 'U9', decision: 'approve' })).toMatch(
      /not an authorised reviewer/,
    );
    expect(
      decisionRefusal({ reviewers: [], leads: [] }, open(), { actor: 'U1', decision: 'approve' }),
    ).toBeDefined();
  });

  it('refuses a second decision, unknown decisions, actions and reasons', () => {
    const decided: CaseState = { ...open(), status: 'approved' };
    expect(decisionRefusal(roles, decided, { actor: 'U1', decision: 'reject' })).toMatch(
      /already decided: the takedown was approved/,
    );
    expect(decisionRefusal(roles, open(), { actor: 'U1', decision: 'delete' as 'approve' })).toMatch(
      /unknown/,
    );
    expect(
      decisionRefusal(roles, open(), { actor: 'U1', decision: 'approve', action: 'burn' as 'warn_seller' }),
    ).toMatch(/unknown action/);
    expect(
      decisionRefusal(roles, open(), { actor: 'U1', decision: 'reject', reasonCode: 'meh' as 'other' }),
    ).toMatch(/unknown reason/);
  });

  it('asks for a question when requesting information, and escalates once', () => {
    expect(decisionRefusal(roles, open(), { actor: 'U1', decision: 'request_info', reason: ' ' })).toMatch(
      /what information/,
    );
    const s = open();
    applyDecision(s, { actor: 'U1', decision: 'escalate' }, 1);
    expect(s.status).toBe('open');
    expect(decisionRefusal(roles, s, { actor: 'U2', decision: 'escalate' })).toMatch(/already escalated/);
  });

  it('needs a second, different lead to suspend a seller', () => {
    const s = open();
    applyDecision(s, { actor: 'L1', decision: 'approve', action: 'suspend_seller' }, 1);
    expect(s.status).toBe('pending_second_approval');
    const again = { actor: 'L1', decision: 'approve', action: 'suspend_seller' } as const;
    expect(decisionRefusal(roles, s, again)).toBe('the second approval must come from a different lead');
    expect(decisionRefusal(roles, s, { ...again, actor: 'U2' })).toMatch(/must come from a lead/);
    expect(decisionRefusal(roles, s, { ...again, action: 'warn_seller' })).toMatch(
      /awaits a second approval/,
    );
    expect(decisionRefusal(roles, s, { actor: 'U1', decision: 'reject' })).toMatch(/only a lead/);
    expect(decisionRefusal(roles, s, { ...again, actor: 'L2' })).toBeUndefined();
    applyDecision(s, { ...again, actor: 'L2' }, 2);
    expect(s.status).toBe('approved');
    expect(s.approvals.map((a) => a.actor)).toEqual(['L1', 'L2']);
  });

  it('approves removal and warnings with one approval', () => {
    const s = open();
    applyDecision(s, { actor: 'U1', decision: 'approve', action: 'warn_seller' }, 1);
    expect(s.status).toBe('approved');
    expect(s.decision?.action).toBe('warn_seller');
  });
});

describe('claims', () => {
  it('lets one reviewer hold a case; others are refused, leads may override', () => {
    const s = open();
    expect(claimRefusal(roles, s, { actor: 'U1', claim: true })).toBeUndefined();
    s.claimedBy = 'U1';
    expect(claimRefusal(roles, s, { actor: 'U2', claim: true })).toBe('case is claimed by U1');
    expect(decisionRefusal(roles, s, { actor: 'U2', decision: 'approve' })).toBe('case is claimed by U1');
    expect(decisionRefusal(roles, s, { actor: 'L1', decision: 'approve' })).toBeUndefined();
    expect(claimRefusal(roles, s, { actor: 'U2', claim: false })).toMatch(/claimed by U1/);
    expect(claimRefusal(roles, s, { actor: 'U1', claim: false })).toBeUndefined();
    expect(claimRefusal(roles, s, { actor: 'U9', claim: true })).toMatch(/not an authorised/);
  });
});

describe('undo and appeals', () => {
  const takenDown = (): CaseState => ({
    ...open(),
    status: 'taken_down',
    approvals: [{ actor: 'U1', action: 'remove_listing', at: 1 }],
    undoUntil: 100,
  });

  it('allows an undo only inside the window', () => {
    expect(undoRefusal(roles, takenDown(), { actor: 'U2' }, 50)).toBeUndefined();
    expect(undoRefusal(roles, takenDown(), { actor: 'U2' }, 101)).toMatch(/window has closed/);
    expect(undoRefusal(roles, open(), { actor: 'U2' }, 50)).toMatch(/nothing to undo/);
    expect(undoRefusal(roles, takenDown(), { actor: 'X' }, 50)).toMatch(/not an authorised/);
  });

  it('hears one appeal on a takedown, decided by someone who did not approve it', () => {
    const s = takenDown();
    expect(appealRefusal(s, { appealId: 'A1', statement: 'mine is resin' }, true)).toBeUndefined();
    expect(appealRefusal(s, { appealId: 'A1', statement: 'x' }, false)).toMatch(/window has closed/);
    expect(appealRefusal(open(), { appealId: 'A1', statement: 'x' }, true)).toMatch(/no takedown/);
    s.appeal = { appealId: 'A1', statement: 'x', status: 'pending' };
    expect(appealRefusal(s, { appealId: 'A2', statement: 'x' }, true)).toMatch(/already/);
    expect(appealDecisionRefusal(roles, s, { actor: 'U1', outcome: 'restore' })).toMatch(/did not approve/);
    expect(appealDecisionRefusal(roles, s, { actor: 'U2', outcome: 'restore' })).toBeUndefined();
    expect(appealDecisionRefusal(roles, takenDown(), { actor: 'U2', outcome: 'uphold' })).toMatch(
      /no pending/,
    );
  });

  it('refuses in plain words what the case no longer accepts, with the same words the card goes by', () => {
    const upheld: CaseState = {
      ...takenDown(),
      decision: { actor: 'U1', decision: 'approve' },
      appeal: { appealId: 'A1', statement: 'x', status: 'upheld', decidedBy: 'U2' },
    };
    // Inside the undo window by the clock, yet the appeal settled it.
    expect(undoRefusal(roles, upheld, { actor: 'U2' }, 50)).toBe(
      'the takedown was upheld on appeal by U2, nothing to undo',
    );
    expect(undoRefusal(roles, upheld, { actor: 'U2' }, 50)).toBe(moveRefusal(upheld, 'undo', 50));
    expect(appealDecisionRefusal(roles, upheld, { actor: 'U2', outcome: 'restore' })).toMatch(
      /upheld on appeal by U2, the appeal is decided/,
    );
    const undone: CaseState = { ...takenDown(), status: 'restored', undone: { actor: 'U2', at: 2 } };
    expect(undoRefusal(roles, undone, { actor: 'U1' }, 50)).toBe(
      'the takedown was undone by U2, nothing to undo',
    );
    const rejected: CaseState = {
      ...open(),
      status: 'rejected',
      decision: { actor: 'U2', decision: 'reject' },
    };
    expect(decisionRefusal(roles, rejected, { actor: 'U1', decision: 'approve' })).toBe(
      'the case was already decided: the case was rejected by U2',
    );
    expect(claimRefusal(roles, rejected, { actor: 'U1', claim: true })).toMatch(
      /rejected by U2, nothing to claim/,
    );
    // A finished workflow accepts nothing: its reason, or that it is closed.
    const closed: CaseState = { ...takenDown(), undoUntil: undefined, closed: true };
    expect(moveRefusal(closed, 'undo', 50)).toBe('the undo window has closed');
    expect(moveRefusal({ ...open(), closed: true }, 'approve', 50)).toBe(
      'the case is closed: the case is still under review',
    );
    expect(availableMoves(closed, 50).size).toBe(0);
    expect([...availableMoves(takenDown(), 50)]).toEqual(['undo']);
  });
});
