import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebClient } from '../../../bots/slack/app.ts';
import { createRoleDirectory } from '../../../bots/slack/roles.ts';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.ts';

describe('review roles', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack({ token: 'xoxb-t', userGroups: { SREV: ['U3', 'U1'], SLEAD: ['L2'] } });
  });
  afterAll(() => slack.close());

  it('merges configured users with the members of Slack user groups', async () => {
    const roles = createRoleDirectory(
      { reviewers: ['U1', 'U2'], leads: ['L1'], reviewerGroups: ['SREV'], leadGroups: ['SLEAD'] },
      createWebClient('xoxb-t', slack.apiUrl),
    );
    expect(await roles.resolve()).toEqual({ reviewers: ['U1', 'U2', 'U3'], leads: ['L1', 'L2'] });
  });

  it('caches group members for a while and keeps the last answer when Slack fails', async () => {
    let now = 0;
    const roles = createRoleDirectory(
      { reviewers: [], leads: [], reviewerGroups: ['SREV'] },
      createWebClient('xoxb-t', slack.apiUrl),
      { cacheMs: 1000, now: () => now },
    );
    const calls = () => slack.callsTo('usergroups.users.list').length;
    await roles.resolve();
    const after = calls();
    await roles.resolve();
    expect(calls()).toBe(after);
    now = 5000;
    slack.failNext('usergroups.users.list', 'ratelimited', 10);
    expect((await roles.resolve()).reviewers).toEqual(['U3', 'U1']);
  });

  it('answers only the configured users when Slack is not configured', async () => {
    const roles = createRoleDirectory({ reviewers: ['U1'], leads: [], reviewerGroups: ['SREV'] });
    expect(await roles.resolve()).toEqual({ reviewers: ['U1'], leads: [] });
  });
});
