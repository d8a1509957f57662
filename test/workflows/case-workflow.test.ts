import { describe, expect, it } from 'vitest';
import { type CaseInput, type CaseState, decisionRefusal } from '../../workflows/case-workflow.ts';

const input: CaseInput = { caseId: 'c', platformId: 'p', externalId: 'e', reviewers: ['U1', 'U2'] };
const open: CaseState = { caseId: 'c', status: 'open', reports: [] };

describe('case decisions', () => {
  it('accepts a configured reviewer on an open case', () => {
    expect(decisionRefusal(input, open, { actor: 'U1', decision: 'approve' })).toBeUndefined();
    expect(decisionRefusal(input, open, { actor: 'U2', decision: 'reject' })).toBeUndefined();
  });

  it('refuses anyone else', () => {
    expect(decisionRefusal(input, open, { actor: 'U9', decision: 'approve' })).toMatch(
      /not an authorised reviewer/,
    );
    expect(
      decisionRefusal({ ...input, reviewers: [] }, open, { actor: 'U1', decision: 'approve' }),
    ).toBeDefined();
  });

  it('refuses a second decision', () => {
    const decided: CaseState = { ...open, status: 'approved' };
    expect(decisionRefusal(input, decided, { actor: 'U1', decision: 'reject' })).toMatch(/already approved/);
  });

  it('refuses an unknown decision', () => {
    expect(decisionRefusal(input, open, { actor: 'U1', decision: 'delete' as 'approve' })).toMatch(/unknown/);
  });
});
