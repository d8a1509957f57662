// A Slack outage while showing the campaign card must not hold up the run: the activity logs and goes on.
import { describe, expect, it } from 'vitest';
import type { Pool } from '../../../shared/db/pool.ts';
import { createCampaignActivities } from '../../../workflows/campaigns/activities.ts';
import type { CampaignRunState } from '../../../workflows/campaigns/workflow.ts';

describe('campaign card failures', () => {
  it('keeps the last card reference and swallows summary failures', async () => {
    let calls = 0;
    const activities = createCampaignActivities({
      pool: {} as Pool, // not touched by these two activities
      channels: {},
      notifier: {
        async showRun() {
          calls += 1;
          throw new Error('slack is down');
        },
        async reportSummary() {
          calls += 1;
          throw new Error('slack is down');
        },
      },
    });
    const state = { campaignId: 'c1', preview: { channel: 'C0COMMS', ts: '1.0' } } as CampaignRunState;
    await expect(activities.showCampaignRun({ workflowId: 'w', state })).resolves.toEqual(state.preview);
    await expect(activities.reportCampaignSummary({ workflowId: 'w', state })).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
