import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../../bots/inbox.ts';
import { createSlackApp, createWebClient } from '../../../bots/slack/app.ts';
import { botAuthorization } from '../../../bots/slack/authorize.ts';
import { freePort } from '../../../shared/net/free-port.ts';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.ts';
import { blockActionPayload, postSigned } from '../../fakes/slack-interactions.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const TOKEN = 'xoxb-auth-test';
const SECRET = 'auth-test-signing-secret';
const source = { teamId: 'T0TEST', enterpriseId: undefined, isEnterpriseInstall: false } as const;

describe('Slack bot authorization', () => {
  let slack: FakeSlack;
  let db: TestDatabase;
  beforeAll(async () => {
    [slack, db] = await Promise.all([
      startFakeSlack({ token: TOKEN, botUserId: 'UBOT' }),
      createTestDatabase(),
    ]);
  });
  afterAll(async () => {
    await slack?.close();
    await db?.drop();
  });

  it('asks auth.test on first use, retries after a failure and keeps a success', async () => {
    const authorize = botAuthorization(createWebClient(TOKEN, slack.apiUrl), TOKEN);
    const calls = () => slack.callsTo('auth.test').length;
    expect(calls()).toBe(0);
    slack.failNext('auth.test', 'service_unavailable');
    await expect(authorize(source)).rejects.toThrow(/service_unavailable/);
    await expect(authorize(source)).resolves.toMatchObject({ botToken: TOKEN, botUserId: 'UBOT' });
    await authorize(source);
    expect(calls()).toBe(2);
  });

  it('survives an unreachable Slack Web API at start and answers events once it is back', async () => {
    const decided: string[] = [];
    const decideCase = async (input: { caseId: string }) => {
      decided.push(input.caseId);
      return { ok: false as const, reason: 'test' };
    };
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const nowhere = `http://127.0.0.1:${await freePort()}/api/`;
      createSlackApp({
        token: TOKEN,
        signingSecret: SECRET,
        apiUrl: nowhere,
        useCases: { decideCase },
        inbox: createInbox({ pool: db.pool }),
      });
      // Longer than the client's retries (200 + 400 + 800 ms) against a closed port.
      await new Promise((r) => setTimeout(r, 3000));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }

    const { receiver } = createSlackApp({
      token: TOKEN,
      signingSecret: SECRET,
      apiUrl: slack.apiUrl,
      useCases: { decideCase },
      inbox: createInbox({ pool: db.pool }),
    });
    const server = createServer(receiver.requestListener);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const payload = blockActionPayload({ actionId: 'case_approve', value: 'case-1', userId: 'UREV' });
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const res = await postSigned(
        `http://127.0.0.1:${port}/slack/events`,
        body,
        'application/x-www-form-urlencoded',
        { signingSecret: SECRET },
      );
      expect(res.status).toBe(200);
      await expect.poll(() => decided).toEqual(['case-1']);
    } finally {
      server.close();
    }
  });
});
