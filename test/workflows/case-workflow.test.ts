import { describe, expect, it } from 'vitest';
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
    expect(decisionRefusal(roles, decided, { actor: 'U1', decision: 'reject' })).toMatch(/already approved/);
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
});
