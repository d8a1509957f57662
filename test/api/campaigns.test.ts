// The campaign API for a comms team's automation, end to end: HTTP requests with the team's token reach the
// same use case as the Slack modal and the CLI, on the real Temporal dev server and PostgreSQL; the run posts
// its card through the real Bolt WebClient, and once a lead approves, the posts go out through the real SDKs
// to the local Slack, Discord and Telegram servers. Campaigns for no wildlife day are shown too.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiDeps, createApiServer } from '../../api/server.ts';
import { createSlackCampaignNotifier } from '../../bots/slack/campaigns.ts';
import { addDays } from '../../shared/campaigns/plan.ts';
import { getCampaign } from '../../shared/campaigns/repository.ts';
import { localDate, zonedTimeToEpochMs } from '../../shared/campaigns/time.ts';
import { type CampaignUseCases, createCampaignUseCases } from '../../workflows/campaigns/use-cases.ts';
import { campaignStateQuery } from '../../workflows/campaigns/workflow.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually, installTestRuntime } from '../support/temporal.ts';
import {
  bundleCampaignWorkflow,
  COMMS,
  LEAD,
  type Platforms,
  startCampaignWorker,
  startPlatforms,
  type TemporalHarness,
  uniqueDigits,
} from '../workflows/campaigns/helpers.ts';

const TOKEN = 'comms-team-automation-token-0123456789';
/** These servers screen no listings. */
const noListings: ApiDeps['policy'] = () => Promise.reject(new Error('no listings in this test'));

describe('campaign HTTP API (list, calendar, create) for automation', () => {
  let db: TestDatabase;
  let platforms: Platforms;
  let bundle: WorkflowBundleWithSourceMap;
  let temporal: TemporalHarness;
  let useCases: CampaignUseCases;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    installTestRuntime();
    [db, platforms, bundle] = await Promise.all([
      createTestDatabase(),
      startPlatforms(),
      bundleCampaignWorkflow(),
    ]);
    temporal = await startCampaignWorker({
      bundle,
      pool: db.pool,
      platforms,
      notifier: createSlackCampaignNotifier(platforms.clients.slack, 'C0COMMS'),
    });
    // As `start` wires it: no test-only run input, so dates and times are the campaign's own.
    useCases = createCampaignUseCases({
      pool: db.pool,
      temporal: temporal.client,
      taskQueue: temporal.taskQueue,
      commsLeads: [LEAD],
    });
    server = createApiServer({
      pool: db.pool,
      temporal: temporal.client,
      taskQueue: temporal.taskQueue,
      policy: noListings,
      campaigns: { token: TOKEN, useCases },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await temporal?.stop();
    await platforms?.close();
    await db?.drop();
  });

  const call = (method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  const today = localDate(Date.now(), 'UTC');

  it('needs the comms team token, and does not exist without one configured', async () => {
    expect((await call('GET', '/v1/campaigns', undefined, null)).status).toBe(401);
    const wrong = await call('GET', '/v1/campaigns', undefined, `${TOKEN.slice(0, -1)}x`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'unauthorized' });
    expect((await call('POST', '/v1/campaigns', { actor: COMMS, content: {} }, 'short')).status).toBe(401);

    const off = createApiServer({
      pool: db.pool,
      temporal: temporal.client,
      taskQueue: temporal.taskQueue,
      policy: noListings,
    });
    await new Promise<void>((resolve) => off.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(off.address() as AddressInfo).port}/v1/campaigns`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { message: string }).message).toContain('CAMPAIGN_API_TOKEN');
    } finally {
      await new Promise((r) => off.close(r));
    }
  });

  it('refuses what the modal and the CLI refuse, naming the field, and stores nothing', async () => {
    const discordChannel = uniqueDigits('30000');
    const content = {
      name: 'Too long for Discord',
      when: { kind: 'date', date: addDays(today, 5) },
      audiences: [{ platform: 'discord', target: discordChannel, timeZone: 'Europe/Paris', language: 'fr' }],
      // 1,800 characters as written; Discord's escaping of - and _ makes it 2,700.
      variants: { fr: { text: 'a-b_'.repeat(450) } },
    };
    const tooLong = await call('POST', '/v1/campaigns', { actor: COMMS, content });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toEqual({
      error: 'invalid_campaign',
      message: 'a message is too long for a platform it goes to',
      details: [
        {
          path: 'content.variants.fr.text',
          message: `[fr] is 2,700 characters on Discord after escaping (limit 2,000, for discord:${discordChannel}): shorten it by 700 characters`,
        },
      ],
    });

    // "On the day" needs the day; a bad time zone and an audience without a message are named too.
    const noDay = await call('POST', '/v1/campaigns', {
      actor: COMMS,
      content: {
        name: 'No day',
        when: { kind: 'day' },
        audiences: [{ platform: 'telegram', target: '@wildnews', timeZone: 'Mars/Olympus', language: 'id' }],
        variants: { en: { text: 'hello' } },
      },
    });
    expect(noDay.status).toBe(400);
    const details = ((await noDay.json()) as { details: { path: string; message: string }[] }).details;
    expect(details.map((d) => d.path).sort()).toEqual([
      'content.audiences.0.language',
      'content.audiences.0.timeZone',
      'content.dayId',
    ]);
    expect(details.find((d) => d.path === 'content.dayId')!.message).toBe(
      'pick the wildlife day it is for, or post it on a date or now',
    );

    // The request itself: a Slack user as actor, no unknown fields, JSON only.
    const badActor = await call('POST', '/v1/campaigns', { actor: 'bob', content: {}, extra: 1 });
    expect(badActor.status).toBe(400);
    expect(
      ((await badActor.json()) as { details: { path: string }[] }).details.map((d) => d.path).sort(),
    ).toEqual(['', 'actor']);
    expect((await call('POST', '/v1/campaigns', '{"actor":')).status).toBe(400);
    expect((await call('GET', '/v1/campaigns/calendar?days=0')).status).toBe(400);
    const listed = (await (await call('GET', '/v1/campaigns')).json()) as { campaigns: unknown[] };
    expect(listed.campaigns).toEqual([]);
  });

  it('creates a one-off post on a date and time for no wildlife day; it is listed, on the calendar and asks the leads', async () => {
    const date = addDays(today, 20);
    const slackChannel = `C0${uniqueDigits('P')}`;
    const telegramChat = `-100${uniqueDigits('')}`;
    const created = await call('POST', '/v1/campaigns', {
      actor: COMMS,
      content: {
        name: 'Launch of our reporting hotline',
        when: { kind: 'date', date },
        sendTime: '10:30',
        audiences: [
          { platform: 'slack', target: slackChannel, timeZone: 'Asia/Tokyo', language: 'en' },
          { platform: 'telegram', target: telegramChat, timeZone: 'Asia/Jakarta', language: 'id' },
        ],
        variants: { en: { text: 'Our hotline is open.' }, id: { text: 'Hotline kami sudah dibuka.' } },
      },
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; status: string; workflowId: string };
    expect(body.id).toMatch(new RegExp(`^post-${date}-[0-9a-f]{6}$`));
    expect(body.status).toBe('pending_approval');
    expect(created.headers.get('location')).toBe(`/v1/campaigns/${body.id}`);
    expect((await getCampaign(db.pool, body.id)).dayId).toBeUndefined();

    // Each audience at 10:30 on that date in its own time zone.
    const state = await eventually(async () => {
      const s = await temporal.client.workflow.getHandle(body.workflowId).query(campaignStateQuery);
      return s.plan.length === 2 ? s : undefined;
    }, 'the planned run');
    expect(state.plan.map((p) => [p.platform, p.sendAt])).toEqual([
      ['slack', zonedTimeToEpochMs(date, '10:30', 'Asia/Tokyo')],
      ['telegram', zonedTimeToEpochMs(date, '10:30', 'Asia/Jakarta')],
    ]);
    // The card asks the leads in Slack, with the date in place of a day.
    const card = await eventually(
      async () =>
        platforms.slack
          .callsTo('chat.postMessage')
          .find((c) => String(c.args.text).startsWith('Campaign: Launch of our reporting hotline')),
      'the campaign card',
    );
    expect(JSON.stringify(card.args.blocks)).toContain(`*Date*\\n${date}`);
    expect(JSON.stringify(card.args.blocks)).toContain(`<@${LEAD}>`);

    const list = (await (await call('GET', '/v1/campaigns')).json()) as {
      campaigns: { id: string; runs: { workflowId: string; status: string }[] }[];
    };
    expect(list.campaigns.map((c) => [c.id, c.runs.map((r) => [r.workflowId, r.status])])).toEqual([
      [body.id, [[body.workflowId, 'running']]],
    ]);
    const calendar = (await (await call('GET', '/v1/campaigns/calendar?days=30')).json()) as {
      entries: { campaignId: string; platform: string; sendAt: string; status: string }[];
    };
    expect(
      calendar.entries.filter((e) => e.campaignId === body.id).map((e) => [e.platform, e.sendAt, e.status]),
    ).toEqual([
      ['slack', new Date(zonedTimeToEpochMs(date, '10:30', 'Asia/Tokyo')).toISOString(), 'awaiting approval'],
      [
        'telegram',
        new Date(zonedTimeToEpochMs(date, '10:30', 'Asia/Jakarta')).toISOString(),
        'awaiting approval',
      ],
    ]);
    await useCases.cancelCampaign({ campaignId: body.id, actor: COMMS, requestId: `cleanup-${body.id}` });
  });

  it('creates a "post now" campaign for no day that goes out on Discord and Telegram once a lead approves', async () => {
    const discordChannel = uniqueDigits('30000');
    const telegramChat = `-100${uniqueDigits('')}`;
    const created = await call('POST', '/v1/campaigns', {
      actor: COMMS,
      content: {
        name: 'Seizure update',
        when: { kind: 'now' },
        audiences: [
          { platform: 'discord', target: discordChannel, timeZone: 'UTC', language: 'en' },
          { platform: 'telegram', target: telegramChat, timeZone: 'UTC', language: 'en' },
        ],
        variants: { en: { text: 'Rangers seized 40 kg of pangolin scales today.' } },
      },
    });
    expect(created.status).toBe(201);
    const { workflowId, id } = (await created.json()) as { workflowId: string; id: string };
    // Nothing goes out before a lead approves.
    await new Promise((r) => setTimeout(r, 500));
    expect(platforms.discord.messages.get(discordChannel)).toBeUndefined();
    const approved = await useCases.approveCampaign({
      workflowId,
      actor: LEAD,
      revision: 1,
      requestId: `approve-${id}`,
    });
    expect(approved.ok).toBe(true);
    const posted = await eventually(
      async () => platforms.discord.messages.get(discordChannel)?.[0],
      'the Discord post',
    );
    expect(posted.content).toBe('Rangers seized 40 kg of pangolin scales today.');
    const telegram = await eventually(
      async () => platforms.telegram.sent.get(telegramChat)?.[0],
      'the Telegram post',
    );
    expect(telegram.text).toBe('Rangers seized 40 kg of pangolin scales today.');
    await eventually(
      async () => ((await getCampaign(db.pool, id)).status === 'sent' ? true : undefined),
      'sent',
    );
  });
});
