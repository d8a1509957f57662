import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../../bots/inbox.ts';
import { createSlackApp } from '../../../bots/slack/app.ts';
import { unsafeField } from '../../../bots/slack/request-guard.ts';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.ts';
import { blockActionPayload, postSigned } from '../../fakes/slack-interactions.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const TOKEN = 'xoxb-guard';
const SECRET = 'guard-signing-secret';

describe('Slack request guard', () => {
  let slack: FakeSlack;
  let db: TestDatabase;
  let server: Server;
  let url: string;
  const decided: string[] = [];

  beforeAll(async () => {
    [slack, db] = await Promise.all([startFakeSlack({ token: TOKEN }), createTestDatabase()]);
    const { receiver } = createSlackApp({
      inbox: createInbox({ pool: db.pool }),
      token: TOKEN,
      signingSecret: SECRET,
      apiUrl: slack.apiUrl,
      useCases: {
        decideCase: async (input) => {
          decided.push(input.caseId);
          return { ok: false, reason: 'test' };
        },
      },
    });
    server = createServer(receiver.requestListener);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await slack.close();
    await db.drop();
  });

  const click = (overrides: Partial<Parameters<typeof blockActionPayload>[0]>) => {
    const payload = blockActionPayload({
      actionId: 'case_approve',
      value: 'case-1',
      userId: 'UREV',
      ...overrides,
    });
    return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  };
  const post = (body: string, contentType = 'application/x-www-form-urlencoded') =>
    postSigned(url, body, contentType, { signingSecret: SECRET });

  it('answers a signed body that is JSON but not an object with 400 instead of leaving it hanging', async () => {
    for (const body of ['null', 'false', '[]', '"text"']) {
      const res = await post(body, 'application/json');
      expect(res.status, body).toBe(400);
    }
  });

  it('refuses envelopes whose fields Bolt or a handler would dereference as the wrong kind', async () => {
    const event = await post(JSON.stringify({ type: 'event_callback', event: null }), 'application/json');
    expect(event.status).toBe(400);
    expect(((await event.json()) as { message: string }).message).toMatch(/^event: /);
    const view = {
      type: 'view_submission',
      user: { id: 'UREV' },
      view: { callback_id: 'case_reject_modal' },
    };
    const submission = await post(new URLSearchParams({ payload: JSON.stringify(view) }).toString());
    expect(submission.status).toBe(400);
    expect(((await submission.json()) as { message: string }).message).toBe(
      'view.state is missing or of the wrong kind',
    );
    const command = await post(new URLSearchParams({ command: '/case', user_id: 'UREV' }).toString());
    expect(command.status).toBe(400);
  });

  it('refuses payload fields with NUL or lone surrogates, naming the field', async () => {
    const res = await post(click({ userId: 'U\u0000X' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      'user.id must not contain NUL characters or unpaired surrogates',
    );
    expect((await post(click({ value: 'case-\ud800' }))).status).toBe(400);
    expect(decided).toEqual([]);
  });

  it('passes good clicks on to the app, and leaves unsigned requests to its signature check', async () => {
    expect((await post(click({ value: 'case-2' }))).status).toBe(200);
    await expect.poll(() => decided).toEqual(['case-2']);
    const forged = await postSigned(url, click({}), 'application/x-www-form-urlencoded', {
      signingSecret: 'not-the-secret',
    });
    expect(forged.status).toBe(401);
  });

  it('finds unsafe strings anywhere in a payload', () => {
    expect(unsafeField({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toBe('a[1].c');
    expect(unsafeField({ 'k\ud800': 'v' })).toBe('(a key)');
    expect(unsafeField({ a: 'fine', n: 1, t: true, z: null })).toBeUndefined();
  });
});
