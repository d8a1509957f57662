// The rules the workflow's update validators apply, and the run summary, as pure functions.
import { describe, expect, it } from 'vitest';
import { summarize } from '../../../workflows/campaigns/summary.ts';
import {
  approveRefusal,
  type CampaignRunState,
  cancelRefusal,
  editRefusal,
  requestChangesRefusal,
} from '../../../workflows/campaigns/workflow.ts';

function state(overrides: Partial<CampaignRunState> = {}): CampaignRunState {
  return {
    campaignId: 'c1',
    occurrenceDate: '2027-02-20',
    phase: 'awaiting_approval',
    content: {
      dayId: 'world-pangolin-day',
      name: 'P',
      audiences: [],
      variants: {},
      sendTime: '09:00',
      when: { kind: 'day', repeat: 'once', daysBefore: 0 },
    },
    revision: 2,
    approvedRevision: null,
    approvers: ['ULEAD'],
    createdBy: 'UCOMMS',
    plan: [
      {
        audienceKey: 'slack:C1',
        platform: 'slack',
        target: 'C1',
        language: 'en',
        timeZone: 'UTC',
        sendAt: 1,
      },
      {
        audienceKey: 'telegram:@x',
        platform: 'telegram',
        target: '@x',
        language: 'id',
        timeZone: 'UTC',
        sendAt: 2,
      },
    ],
    deliveries: [],
    ...overrides,
  };
}

const sent = {
  audienceKey: 'slack:C1',
  platform: 'slack',
  target: 'C1',
  language: 'en',
  attempts: 1,
  at: 5,
} as const;

describe('campaign update guards', () => {
  it('lets only a comms lead approve the current, unapproved revision of an open run', () => {
    expect(approveRefusal(state(), { actor: 'ULEAD', revision: 2 })).toBeUndefined();
    expect(approveRefusal(state(), { actor: 'UCOMMS', revision: 2 })).toBe(
      'UCOMMS is not a comms lead for this campaign',
    );
    expect(approveRefusal(state(), { actor: 'ULEAD', revision: 1 })).toMatch(/out of date/);
    expect(approveRefusal(state({ approvedRevision: 2 }), { actor: 'ULEAD', revision: 2 })).toMatch(
      /already approved/,
    );
    for (const phase of ['starting', 'cancelled', 'completed', 'expired'] as const) {
      expect(approveRefusal(state({ phase }), { actor: 'ULEAD', revision: 2 })).toBe(
        `campaign run is ${phase}`,
      );
    }
  });

  it('takes change requests and edits only before anything went out', () => {
    const posted = state({ phase: 'scheduled', deliveries: [{ ...sent, status: 'sent' }] });
    expect(requestChangesRefusal(state(), { actor: 'ULEAD', note: 'shorter' })).toBeUndefined();
    expect(requestChangesRefusal(state(), { actor: 'ULEAD', note: '  ' })).toBe('say what should change');
    expect(requestChangesRefusal(posted, { actor: 'ULEAD', note: 'x' })).toBe('posts have already gone out');
    const content = state().content;
    expect(editRefusal(state(), { actor: 'UCOMMS', content })).toBeUndefined();
    expect(editRefusal(state(), { actor: 'ULEAD', content })).toBeUndefined();
    expect(editRefusal(state(), { actor: 'UOTHER', content })).toBe('UOTHER may not edit this campaign');
    expect(editRefusal(posted, { actor: 'UCOMMS', content })).toBe('posts have already gone out');
  });

  it('lets the drafter or a lead cancel while the run is open, even mid-way', () => {
    expect(
      cancelRefusal(state({ phase: 'scheduled', deliveries: [{ ...sent, status: 'sent' }] }), {
        actor: 'UCOMMS',
      }),
    ).toBeUndefined();
    expect(cancelRefusal(state(), { actor: 'UOTHER' })).toBe('UOTHER may not cancel this campaign');
    expect(cancelRefusal(state({ phase: 'completed' }), { actor: 'ULEAD' })).toBe(
      'campaign run is completed',
    );
  });
});

describe('run summary', () => {
  it('counts deliveries and names the run status', () => {
    expect(summarize(state({ phase: 'completed', deliveries: [{ ...sent, status: 'sent' }] }))).toEqual({
      runStatus: 'partially_sent',
      counts: { audiences: 2, sent: 1, failed: 0, missed: 0, notSent: 1 },
    });
    expect(
      summarize(state({ phase: 'expired', deliveries: [{ ...sent, status: 'missed' }] })).runStatus,
    ).toBe('expired');
    expect(summarize(state({ phase: 'cancelled' })).runStatus).toBe('cancelled');
    expect(
      summarize(state({ phase: 'completed', deliveries: [{ ...sent, status: 'failed' }] })).runStatus,
    ).toBe('failed');
    const all = [
      { ...sent, status: 'sent' as const },
      { ...sent, audienceKey: 'telegram:@x', status: 'sent' as const },
    ];
    expect(summarize(state({ phase: 'completed', deliveries: all })).runStatus).toBe('sent');
  });
});
