// The /campaign flow end to end: Bolt behind its signature check, the Slack Web API (local server), the
// campaign use cases on the real Temporal dev server and PostgreSQL, and posts through the real SDKs.
import { createServer, type Server } from 'node:http';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../../bots/inbox.ts';
import { createSlackApp } from '../../../bots/slack/app.ts';
import {
  ACTION_CAMPAIGN_APPROVE,
  ACTION_CAMPAIGN_CANCEL,
  ACTION_CAMPAIGN_CHANGES,
  type CampaignHandlerUseCases,
  createSlackCampaignNotifier,
  parseAudiences,
  parseVariants,
  registerCampaignHandlers,
} from '../../../bots/slack/campaigns.ts';
import { calendarForYear } from '../../../shared/campaigns/calendar.ts';
import { addDays } from '../../../shared/campaigns/plan.ts';
import { getCampaign, listDeliveries } from '../../../shared/campaigns/repository.ts';
import { localDate } from '../../../shared/campaigns/time.ts';
import { scheduleIdFor } from '../../../workflows/campaigns/schedules.ts';
import { type CampaignUseCases, createCampaignUseCases } from '../../../workflows/campaigns/use-cases.ts';
import type { CampaignRunInput, campaignWorkflow } from '../../../workflows/campaigns/workflow.ts';
import type { SlackCall } from '../../fakes/slack-api.ts';
import { postSigned, sendBlockAction } from '../../fakes/slack-interactions.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { eventually, installTestRuntime } from '../../support/temporal.ts';
import {
  bundleCampaignWorkflow,
  COMMS,
  LEAD,
  type Platforms,
  SLACK_TOKEN,
  sendTimeAt,
  startCampaignWorker,
  startPlatforms,
  type TemporalHarness,
  uniqueDigits,
  zonesSharingDate,
} from '../../workflows/campaigns/helpers.ts';

const SIGNING_SECRET = 'campaign-signing-secret';

/** The parts of an opened modal the tests read. */
type ModalView = Record<string, unknown> & {
  blocks: {
    block_id: string;
    element: { initial_value?: string; initial_option?: { value: string } };
  }[];
};
const COMMS_CHANNEL = 'C0COMMS';

describe('Slack: /campaign, preview, approve, request changes, cancel', () => {
  let db: TestDatabase;
  let platforms: Platforms;
  let bundle: WorkflowBundleWithSourceMap;
  let temporal: TemporalHarness;
  let server: Server;
  let url: string;
  let current: CampaignUseCases;

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
      notifier: createSlackCampaignNotifier(platforms.clients.slack, COMMS_CHANNEL),
    });
    const inbox = createInbox({ pool: db.pool });
    const { app, receiver } = createSlackApp({
      token: SLACK_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: platforms.slack.apiUrl,
      useCases: { decideCase: async () => ({ ok: false, reason: 'not in this test' }) },
      inbox,
    });
    // Each test sets `current` with its own occurrence date; the handlers reach it through this object.
    const useCases: CampaignHandlerUseCases = {
      draftFor: (...a) => current.draftFor(...a),
      createCampaign: (i) => current.createCampaign(i),
      editCampaign: (i) => current.editCampaign(i),
      approveCampaign: (i) => current.approveCampaign(i),
      requestChanges: (i) => current.requestChanges(i),
      cancelCampaign: (i) => current.cancelCampaign(i),
      findCampaign: (id) => current.findCampaign(id),
      overview: () => current.overview(),
      skipOccurrence: (i) => current.skipOccurrence(i),
      calendar: (d) => current.calendar(d),
      addDestination: (i) => current.addDestination(i),
      listDestinations: () => current.listDestinations(),
    };
    registerCampaignHandlers(app, { useCases, inbox });
    server = createServer(receiver.requestListener);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/slack/events`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await temporal?.stop();
    await platforms?.close();
    await db?.drop();
  });

  function useCasesFor(
    date: string,
    postRetry = { initialIntervalMs: 200, maximumIntervalMs: 500, maximumAttempts: 3 },
    runInput: Omit<Partial<CampaignRunInput>, 'campaignId' | 'date' | 'postRetry'> = {},
  ) {
    current = createCampaignUseCases({
      pool: db.pool,
      temporal: temporal.client,
      taskQueue: temporal.taskQueue,
      commsLeads: [LEAD],
      runInput: { date, postRetry, ...runInput },
    });
  }

  const slashCommand = (text: string, userId = COMMS) =>
    postSigned(
      url,
      new URLSearchParams({
        token: 'legacy',
        team_id: 'T0TEST',
        team_domain: 'wild-sentinel-test',
        channel_id: COMMS_CHANNEL,
        channel_name: 'comms',
        user_id: userId,
        user_name: userId.toLowerCase(),
        command: '/campaign',
        text,
        api_app_id: 'A0TEST',
        response_url: `${platforms.slack.url}/respond`,
        trigger_id: `trigger-${Date.now()}`,
      }).toString(),
      'application/x-www-form-urlencoded',
      { signingSecret: SIGNING_SECRET },
    );

  let viewCounter = 0;
  const submitView = (view: Record<string, unknown>, values: Record<string, unknown>, userId = COMMS) => {
    viewCounter += 1;
    const payload = {
      type: 'view_submission',
      team: { id: 'T0TEST', domain: 'wild-sentinel-test' },
      user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0TEST' },
      api_app_id: 'A0TEST',
      token: 'legacy',
      trigger_id: `trigger-view-${viewCounter}`,
      view: {
        ...view,
        id: `V${viewCounter}`,
        hash: `hash-${viewCounter}`,
        team_id: 'T0TEST',
        state: { values },
      },
      response_urls: [],
    };
    return postSigned(
      url,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
      {
        signingSecret: SIGNING_SECRET,
      },
    );
  };

  const modalValues = (fields: {
    day: string;
    name: string;
    time: string;
    audiences: string;
    messages: string;
    when?: string;
    daysBefore?: string;
    date?: string;
  }) => ({
    ...(fields.when
      ? { when: { value: { type: 'static_select', selected_option: { value: fields.when } } } }
      : {}),
    ...(fields.daysBefore
      ? { days_before: { value: { type: 'number_input', value: fields.daysBefore } } }
      : {}),
    ...(fields.date ? { date: { value: { type: 'datepicker', selected_date: fields.date } } } : {}),
    // An optional select left empty arrives with a null option.
    day: {
      value: {
        type: 'static_select',
        selected_option: fields.day
          ? { value: fields.day, text: { type: 'plain_text', text: fields.day } }
          : null,
      },
    },
    name: { value: { type: 'plain_text_input', value: fields.name } },
    send_time: { value: { type: 'timepicker', selected_time: fields.time } },
    audiences: { value: { type: 'plain_text_input', value: fields.audiences } },
    messages: { value: { type: 'plain_text_input', value: fields.messages } },
  });

  const lastViewOpened = async (after: number) =>
    eventually(async () => platforms.slack.callsTo('views.open').slice(after).at(-1), 'views.open');

  /** The newest version of the campaign card for a campaign (posted, then updated). */
  function card(
    campaignName: string,
  ): { call: SlackCall; text: string; buttons: Record<string, string> } | undefined {
    const calls = platforms.slack.calls.filter(
      (c) =>
        (c.method === 'chat.postMessage' || c.method === 'chat.update') &&
        String(c.args.text).startsWith(
          `Campaign: ${campaignName.replace(/</g, '&lt;').replace(/>/g, '&gt;')}`,
        ),
    );
    const call = calls.at(-1);
    if (!call) return undefined;
    const blocks = call.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[];
    const buttons = Object.fromEntries(
      (blocks.find((b) => b.type === 'actions')?.elements ?? []).map((e) => [e.action_id, e.value]),
    );
    return { call, text: JSON.stringify(blocks), buttons };
  }

  function audienceLines(firstMs: number) {
    const first = Date.now() + firstMs;
    const { date, zones } = zonesSharingDate(first, first + 1000);
    const slackChannel = `C0${uniqueDigits('A')}`;
    const discordChannel = uniqueDigits('30000');
    const telegramChat = `-100${uniqueDigits('')}`;
    const lines = [
      `slack ${slackChannel} ${zones[0]} en ${sendTimeAt(first, zones[0]!)}`,
      `discord ${discordChannel} ${zones[1]} fr ${sendTimeAt(first + 1000, zones[1]!)}`,
      `telegram ${telegramChat} ${zones[2]} id ${sendTimeAt(first + 1000, zones[2]!)}`,
    ].join('\n');
    return { date, lines, slackChannel, discordChannel, telegramChat };
  }

  it('parses audience lines and [language] messages', () => {
    expect(
      parseAudiences('slack C0ABC Europe/London en\n\ntelegram @wild Asia/Jakarta id 10:00').audiences,
    ).toEqual([
      { platform: 'slack', target: 'C0ABC', timeZone: 'Europe/London', language: 'en' },
      { platform: 'telegram', target: '@wild', timeZone: 'Asia/Jakarta', language: 'id', sendTime: '10:00' },
    ]);
    expect(parseAudiences('pigeon x UTC en').errors).toEqual([
      'line 1: platform must be one of slack, discord, telegram',
    ]);
    expect(
      parseVariants('[en]\nHello\nworld\nimage: https://example.org/a.jpg\n\n[fr]\nBonjour').variants,
    ).toEqual({
      en: { text: 'Hello\nworld', imageUrl: 'https://example.org/a.jpg' },
      fr: { text: 'Bonjour' },
    });
    expect(parseVariants('Hello').errors).toHaveLength(1);
  });

  it('lists the wildlife days of a year', async () => {
    useCasesFor('2026-02-21');
    const res = await slashCommand('days 2026');
    const body = (await res.json()) as { text: string };
    expect(body.text).toContain('2026-02-21  World Pangolin Day  `world-pangolin-day`');
  });

  it('plans, previews, approves and posts a campaign, then reports what was delivered', async () => {
    const a = audienceLines(9000);
    useCasesFor(a.date);

    const opened = platforms.slack.callsTo('views.open').length;
    expect((await slashCommand('world-pangolin-day en,fr,id')).status).toBe(200);
    const view = (await lastViewOpened(opened)).args.view as ModalView;
    expect(view.callback_id).toBe('campaign_modal');
    const blocks = Object.fromEntries(view.blocks.map((b) => [b.block_id, b.element]));
    expect(blocks.day?.initial_option?.value).toBe('world-pangolin-day');
    expect(blocks.messages?.initial_value).toMatch(/^\[en\]\nToday is World Pangolin Day\./);
    expect(blocks.messages?.initial_value).toContain(
      "[fr]\nAujourd'hui, c'est la Journée mondiale du pangolin.",
    );
    expect(blocks.messages?.initial_value).toContain('[id]\nHari ini adalah Hari Trenggiling Sedunia.');

    // A bad audience list is refused inline, next to the field.
    const refused = await submitView(
      view,
      modalValues({
        day: 'world-pangolin-day',
        name: 'Pangolin Day',
        time: '09:00',
        audiences: 'slack #general UTC en',
        messages: '[en]\nhello',
      }),
    );
    const refusal = (await refused.json()) as { response_action: string; errors: Record<string, string> };
    expect(refusal.response_action).toBe('errors');
    expect(refusal.errors.audiences).toMatch(
      /audience 1 \(target\): slack target must be a Slack channel id/,
    );

    const name = `Pangolin Day ${a.date} <b>`;
    const escaped = `Pangolin Day ${a.date} &lt;b&gt;`;
    const messages = [
      '[en]',
      'Never buy pangolin scales <!channel> & report: https://example.org/report',
      '[fr]',
      "N'achetez jamais d'écailles de pangolin",
      '[id]',
      'Jangan membeli sisik trenggiling',
      'image: https://example.org/pangolin.jpg',
    ].join('\n');
    const saved = await submitView(
      view,
      modalValues({
        day: 'world-pangolin-day',
        name,
        time: '09:00',
        audiences: a.lines,
        messages,
        when: 'day_yearly',
      }),
    );
    expect(saved.status).toBe(200);

    const preview = await eventually(async () => card(name), 'the campaign card');
    expect(preview.call.args.channel).toBe(COMMS_CHANNEL);
    expect(preview.text).toContain('Waiting for a comms lead to approve revision 1');
    expect(preview.text).toContain('&lt;!channel&gt; &amp; report'); // escaped on the card
    expect(Object.keys(preview.buttons)).toEqual([
      ACTION_CAMPAIGN_APPROVE,
      ACTION_CAMPAIGN_CHANGES,
      ACTION_CAMPAIGN_CANCEL,
    ]);
    const { c: campaignId, w: workflowId } = JSON.parse(preview.buttons[ACTION_CAMPAIGN_APPROVE]!);

    // Only a comms lead may approve: the drafter gets an ephemeral refusal.
    const ephemerals = platforms.slack.callsTo('chat.postEphemeral').length;
    await sendBlockAction(
      url,
      {
        actionId: ACTION_CAMPAIGN_APPROVE,
        value: preview.buttons[ACTION_CAMPAIGN_APPROVE]!,
        userId: COMMS,
        channel: COMMS_CHANNEL,
      },
      { signingSecret: SIGNING_SECRET },
    );
    const refusedApproval = await eventually(
      async () => platforms.slack.callsTo('chat.postEphemeral').slice(ephemerals)[0],
      'refusal',
    );
    expect(refusedApproval.args).toMatchObject({
      user: COMMS,
      text: 'Not approved: UCOMMS is not a comms lead for this campaign',
    });

    await sendBlockAction(
      url,
      {
        actionId: ACTION_CAMPAIGN_APPROVE,
        value: preview.buttons[ACTION_CAMPAIGN_APPROVE]!,
        userId: LEAD,
        channel: COMMS_CHANNEL,
      },
      { signingSecret: SIGNING_SECRET },
    );
    await eventually(async () => card(name)!.text.includes('Approved by <@ULEAD>'), 'the approved card');
    expect(Object.keys(card(name)!.buttons)).toEqual([ACTION_CAMPAIGN_CANCEL]);
    // Chosen "every year": a schedule starts each next year's run two weeks ahead, to be approved again.
    expect(preview.text).toContain('every year (approved again each year)');
    const schedule = await temporal.client.schedule.getHandle(scheduleIdFor(campaignId)).describe();
    expect(schedule.spec.calendars?.[0]?.comment).toBe(
      '14 days before the post for third Saturday of February',
    );

    // The summary lands in the card's thread once every audience has been posted to.
    const summary = await eventually(
      async () =>
        platforms.slack
          .callsTo('chat.postMessage')
          .find((c) => String(c.args.text).includes('audiences reached')),
      'the delivery summary',
      60_000,
    );
    expect(summary.args.text).toBe(
      `*Pangolin Day ${a.date} &lt;b&gt;* (${a.date}): 3 of 3 audiences reached`,
    );
    const cardTs = platforms.slack
      .callsTo('chat.update')
      .find((c) => String(c.args.text).startsWith(`Campaign: ${escaped}`))!.args.ts;
    expect(summary.args).toMatchObject({ channel: COMMS_CHANNEL, thread_ts: cardTs });
    expect(card(name)!.text).toContain(':white_check_mark: Sent');

    const slackPost = platforms.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === a.slackChannel)!;
    expect(slackPost.args.text).toBe(
      'Never buy pangolin scales &lt;!channel&gt; &amp; report: https://example.org/report',
    );
    expect(platforms.discord.messages.get(a.discordChannel)![0]!.content).toBe(
      "N'achetez jamais d'écailles de pangolin",
    );
    expect(platforms.telegram.sent.get(a.telegramChat)![0]!.caption).toBe('Jangan membeli sisik trenggiling');
    const deliveries = await listDeliveries(db.pool, { workflowId });
    expect(deliveries.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect((await getCampaign(db.pool, campaignId)).status).toBe('sent');
    const list = (await (await slashCommand('list')).json()) as { text: string };
    expect(list.text).toContain(
      `*${escaped}* \`${campaignId}\` · sent\n    ${a.date}: sent, 3/3 audiences reached`,
    );
    await temporal.client.schedule.getHandle(scheduleIdFor(campaignId)).delete();
  });

  it('requests changes, edits in the modal, then cancels: nothing is posted', async () => {
    const a = audienceLines(25_000);
    useCasesFor(a.date);
    const name = `Cancelled pangolin ${Date.now()}`;
    const opened = platforms.slack.callsTo('views.open').length;
    await slashCommand('');
    const view = (await lastViewOpened(opened)).args.view as Record<string, unknown>;
    await submitView(
      view,
      modalValues({
        day: 'world-pangolin-day',
        name,
        time: '09:00',
        audiences: a.lines,
        messages: '[en]\nv1\n[fr]\nv1\n[id]\nv1',
      }),
    );
    const preview = await eventually(async () => card(name), 'the campaign card');
    const value = preview.buttons[ACTION_CAMPAIGN_CHANGES]!;
    const { c: campaignId, w: workflowId } = JSON.parse(value);

    const beforeChanges = platforms.slack.callsTo('views.open').length;
    await sendBlockAction(
      url,
      { actionId: ACTION_CAMPAIGN_CHANGES, value, userId: LEAD, channel: COMMS_CHANNEL },
      { signingSecret: SIGNING_SECRET },
    );
    const changesView = (await lastViewOpened(beforeChanges)).args.view as Record<string, unknown>;
    expect(changesView.callback_id).toBe('campaign_changes_modal');
    await submitView(
      changesView,
      { note: { value: { type: 'plain_text_input', value: 'Add the <report> link' } } },
      LEAD,
    );
    await eventually(
      async () => card(name)!.text.includes('Changes requested by <@ULEAD>: Add the &lt;report&gt; link'),
      'changes requested',
    );

    const beforeEdit = platforms.slack.callsTo('views.open').length;
    await slashCommand(`edit ${campaignId}`);
    const editView = (await lastViewOpened(beforeEdit)).args.view as ModalView;
    const editBlocks = Object.fromEntries(editView.blocks.map((b) => [b.block_id, b.element]));
    expect(editBlocks.audiences?.initial_value).toBe(a.lines);
    await submitView(
      editView,
      modalValues({
        day: 'world-pangolin-day',
        name,
        time: '09:00',
        audiences: a.lines,
        messages: '[en]\nv2 https://example.org/report\n[fr]\nv2\n[id]\nv2',
      }),
    );
    await eventually(
      async () => card(name)!.text.includes('Waiting for a comms lead to approve revision 2'),
      'revision 2',
    );

    await sendBlockAction(
      url,
      {
        actionId: ACTION_CAMPAIGN_CANCEL,
        value: card(name)!.buttons[ACTION_CAMPAIGN_CANCEL]!,
        userId: COMMS,
        channel: COMMS_CHANNEL,
      },
      { signingSecret: SIGNING_SECRET },
    );
    const final = await temporal.client.workflow.getHandle(workflowId).result();
    expect(final.phase).toBe('cancelled');
    expect(card(name)!.text).toContain('Cancelled by <@UCOMMS>');
    expect(card(name)!.buttons).toEqual({});
    expect(
      platforms.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === a.slackChannel),
    ).toEqual([]);
    expect(platforms.discord.messages.get(a.discordChannel)).toBeUndefined();
    expect(platforms.telegram.sent.get(a.telegramChat)).toBeUndefined();
    const stored = await getCampaign(db.pool, campaignId);
    expect(stored).toMatchObject({ status: 'cancelled', revision: 2 });
    expect(stored.variants.en!.text).toBe('v2 https://example.org/report');
    await expect(
      temporal.client.schedule.getHandle(scheduleIdFor(campaignId)).describe(),
    ).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('shows a failing audience on the card and in the thread while it is retried, and ends as partially sent', async () => {
    const a = audienceLines(4000);
    // Retries 3 s apart: the card shows each failure only until the next attempt, and a loaded CI machine
    // missed a 1 s window.
    useCasesFor(a.date, { initialIntervalMs: 3000, maximumIntervalMs: 5000, maximumAttempts: 3 });
    // Telegram fails twice (then works); the Discord channel does not exist (no retry can help).
    platforms.telegram.failNext({ errorCode: 500, chatId: a.telegramChat }, 2, 'sendMessage');
    platforms.discord.unknownChannels.add(a.discordChannel);
    const name = `Failing pangolin ${Date.now()}`;
    const created = await current.createCampaign({
      actor: COMMS,
      content: {
        dayId: 'world-pangolin-day',
        name,
        audiences: parseAudiences(a.lines).audiences,
        variants: { en: { text: 'en' }, fr: { text: 'fr' }, id: { text: 'id' } },
      },
    });
    if (!created.ok) throw new Error(created.reason);
    const preview = await eventually(async () => card(name), 'the campaign card');
    await sendBlockAction(
      url,
      {
        actionId: ACTION_CAMPAIGN_APPROVE,
        value: preview.buttons[ACTION_CAMPAIGN_APPROVE]!,
        userId: LEAD,
        channel: COMMS_CHANNEL,
      },
      { signingSecret: SIGNING_SECRET },
    );

    // The first failure shows on the card before the second attempt is made.
    await eventually(
      async () =>
        card(name)!.text.includes('retrying, attempt 2, next in 3 s (attempt 1 failed: telegram: 500'),
      'the retrying card',
    );
    expect(platforms.telegram.sent.get(a.telegramChat)).toBeUndefined();
    const cardTs = card(name)!.call.args.ts;
    const thread = await eventually(async () => {
      const found = platforms.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === cardTs && String(c.args.text).includes('retrying'));
      return found.length > 0 ? found : undefined;
    }, 'the thread message');
    expect(thread[0]!.args.text).toMatch(
      new RegExp(`^:warning: Telegram \`${a.telegramChat}\`: retrying, attempt 2, next in 3 s`),
    );
    await eventually(async () => card(name)!.text.includes('retrying, attempt 3, next in 5 s'), 'attempt 3');

    const final = await temporal.client.workflow
      .getHandle<typeof campaignWorkflow>(created.value.workflowId)
      .result();
    expect(final.deliveries.find((d) => d.platform === 'telegram')).toMatchObject({
      status: 'sent',
      attempts: 3,
    });
    expect(final.deliveries.find((d) => d.platform === 'discord')).toMatchObject({
      status: 'failed',
      attempts: 1,
    });
    // Only the first failure of an audience goes to the thread; the card is not "Sent".
    expect(
      platforms.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === cardTs && String(c.args.text).includes('retrying')),
    ).toHaveLength(1);
    const finalCard = await eventually(
      async () => (card(name)!.text.includes('Partially sent') ? card(name) : undefined),
      'the final card',
    );
    expect(finalCard.text).toContain(':warning: Partially sent: 2 of 3 audiences reached');
    expect(finalCard.text).not.toContain(':white_check_mark: Sent');
    expect(finalCard.text).not.toContain('retrying');
    // A campaign for this year only has no yearly schedule.
    await expect(
      temporal.client.schedule.getHandle(scheduleIdFor(created.value.campaign.id)).describe(),
    ).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('refuses in the modal a message too long, after escaping, for a chosen audience', async () => {
    const a = audienceLines(60_000);
    useCasesFor(a.date);
    const opened = platforms.slack.callsTo('views.open').length;
    await slashCommand('');
    const view = (await lastViewOpened(opened)).args.view as Record<string, unknown>;
    // 1,800 characters as written; Discord's escaping of - and _ makes it 2,700.
    const french = 'a-b_'.repeat(450);
    const values = (audiences: string) =>
      modalValues({
        day: 'world-pangolin-day',
        name: `Long ${Date.now()}`,
        time: '09:00',
        audiences,
        messages: `[en]\nshort\n[fr]\n${french}\n[id]\nshort`,
      });
    const refused = await submitView(view, values(a.lines));
    const body = (await refused.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors.messages).toBe(
      `[fr] is 2,700 characters on Discord after escaping (limit 2,000, for discord:${a.discordChannel}): shorten it by 700 characters`,
    );
    // The same French text is fine for a Slack audience: the limit is the chosen audience's.
    const slackOnly = `slack ${a.slackChannel} UTC fr\ntelegram ${a.telegramChat} UTC id`;
    const accepted = await submitView(view, values(slackOnly));
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toBe('');
  });

  it('posts a Telegram message of 4,000 characters and a Slack one of 3,500 whole, and refuses 4,097 before approval', async () => {
    const a = audienceLines(5000);
    useCasesFor(a.date);
    const english = Array.from({ length: 7 }, (_, i) => `${i} ${'Never buy ivory. '.repeat(29)}`.trim()).join(
      '\n\n',
    );
    const indonesian = 'Jangan membeli sisik trenggiling. '.repeat(118).slice(0, 4000).trim();
    const content = {
      dayId: 'world-pangolin-day',
      name: `Long posts ${Date.now()}`,
      audiences: parseAudiences(a.lines).audiences,
      variants: { en: { text: english }, fr: { text: 'court' }, id: { text: indonesian } },
    };
    const tooLong = await current.createCampaign({
      actor: COMMS,
      content: { ...content, variants: { ...content.variants, id: { text: 'x'.repeat(4097) } } },
    });
    expect(tooLong).toEqual({
      ok: false,
      reason: 'a message is too long for a platform it goes to',
      fields: {
        'variants.id.text': `[id] is 4,097 characters on Telegram (limit 4,096, for telegram:${a.telegramChat}): shorten it by 1 character`,
      },
    });

    const created = await current.createCampaign({ actor: COMMS, content });
    if (!created.ok) throw new Error(created.reason);
    await eventually(async () => card(content.name), 'the campaign card');
    const approval = await current.approveCampaign({
      workflowId: created.value.workflowId,
      actor: LEAD,
      revision: 1,
      requestId: `approve-${created.value.workflowId}`,
    });
    expect(approval.ok).toBe(true);
    const final = await temporal.client.workflow
      .getHandle<typeof campaignWorkflow>(created.value.workflowId)
      .result();
    expect(final.deliveries.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect(platforms.telegram.sent.get(a.telegramChat)![0]!.text).toBe(indonesian);
    const slackPost = platforms.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === a.slackChannel)!;
    expect(slackPost.args.text).toBe(english);
    expect(String(slackPost.args.mrkdwn)).toBe('false');
    expect(slackPost.args.blocks).toBeUndefined();
    // A campaign for this year only has no yearly schedule.
    await expect(
      temporal.client.schedule.getHandle(scheduleIdFor(created.value.campaign.id)).describe(),
    ).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('asks the comms leads by name and DM, and reminds them while unapproved as the send time nears', async () => {
    const a = audienceLines(9000);
    useCasesFor(a.date, undefined, { approvalRemindersMs: [6000, 2000] });
    const name = `Ask the leads ${Date.now()}`;
    const dmsBefore = platforms.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === `D${LEAD}`).length;
    const created = await current.createCampaign({
      actor: COMMS,
      content: {
        dayId: 'world-pangolin-day',
        name,
        audiences: parseAudiences(a.lines).audiences,
        variants: { en: { text: 'en' }, fr: { text: 'fr' }, id: { text: 'id' } },
      },
    });
    if (!created.ok) throw new Error(created.reason);
    const dms = () =>
      platforms.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === `D${LEAD}`)
        .slice(dmsBefore)
        .map((c) => String(c.args.text));
    const preview = await eventually(async () => card(name), 'the campaign card');
    expect(preview.text).toContain('Waiting for a comms lead to approve revision 1: <@ULEAD>');
    const [asked] = await eventually(async () => (dms().length ? dms() : undefined), 'the DM to the lead');
    expect(asked).toMatch(
      new RegExp(
        `^:wave: <@UCOMMS> asks you to approve \\*${name}\\* \\(World Pangolin Day, ${a.date}\\), revision 1; the first post is due in \\d s\\. The card is in <#C0COMMS>\\.$`,
      ),
    );

    // 6 s before the first post, still unapproved: a reminder in the thread, naming the leads, and a DM.
    const cardTs = [...platforms.slack.messages.values()].find((m) =>
      String(m.text).startsWith(`Campaign: ${name}`),
    )!.ts;
    expect(cardTs).toBeDefined();
    const reminders = () =>
      platforms.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === cardTs && String(c.args.text).startsWith(':alarm_clock:'));
    const [reminder] = await eventually(
      async () => (reminders().length ? reminders() : undefined),
      'a reminder',
    );
    expect(reminder!.args.text).toMatch(
      /is still not approved and the first post is due in \d s: <@ULEAD>\.$/,
    );
    // The DM follows the thread message (one activity, two calls).
    await eventually(async () => dms().length === 2, 'the reminder DM');
    expect(dms()).toHaveLength(2);

    // Approved: no reminder at 2 s before.
    await sendBlockAction(
      url,
      {
        actionId: ACTION_CAMPAIGN_APPROVE,
        value: preview.buttons[ACTION_CAMPAIGN_APPROVE]!,
        userId: LEAD,
        channel: COMMS_CHANNEL,
      },
      { signingSecret: SIGNING_SECRET },
    );
    const final = await temporal.client.workflow
      .getHandle<typeof campaignWorkflow>(created.value.workflowId)
      .result();
    expect(final.phase).toBe('completed');
    expect(reminders()).toHaveLength(1);
    expect(dms()).toHaveLength(2);
    // A campaign for this year only has no yearly schedule.
    await expect(
      temporal.client.schedule.getHandle(scheduleIdFor(created.value.campaign.id)).describe(),
    ).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('plans a one-off date, a yearly day (skipping a year) and "post now"; /campaign calendar shows what is planned', async () => {
    current = createCampaignUseCases({
      pool: db.pool,
      temporal: temporal.client,
      taskQueue: temporal.taskQueue,
      commsLeads: [LEAD],
      runInput: { postRetry: { initialIntervalMs: 200, maximumIntervalMs: 500, maximumAttempts: 3 } },
    });
    const today = localDate(Date.now(), 'UTC');
    const thisYear = Number(today.slice(0, 4));
    // A wildlife day 20 to 80 days away, whatever today is.
    const upcoming = [...calendarForYear(thisYear), ...calendarForYear(thisYear + 1)].find(
      (d) => d.date >= addDays(today, 20) && d.date <= addDays(today, 80),
    )!;
    const slackChannel = `C0${uniqueDigits('K')}`;
    const open = async () => {
      const before = platforms.slack.callsTo('views.open').length;
      await slashCommand('');
      return (await lastViewOpened(before)).args.view as Record<string, unknown>;
    };

    // A one-off date, ten days from now.
    const onDate = addDays(today, 10);
    const dateName = `On a date ${Date.now()}`;
    await submitView(
      await open(),
      modalValues({
        day: upcoming.id,
        name: dateName,
        time: '09:00',
        audiences: `slack ${slackChannel} UTC en`,
        messages: '[en]\nOn a date',
        when: 'date',
        date: onDate,
      }),
    );
    const dateCard = await eventually(async () => card(dateName), 'the one-off card');
    expect(dateCard.text).toContain(`*When*\\non ${onDate}`);
    expect(dateCard.text).toContain(`${onDate} 09:00 UTC`);

    // A one-off post for no wildlife day: the day is left empty, the card names the date alone.
    const view = await open();
    const daylessName = `No day ${Date.now()}`;
    const dayless = (when: string) =>
      modalValues({
        day: '',
        name: daylessName,
        time: '16:45',
        audiences: `slack C0${uniqueDigits('N')} Asia/Tokyo en`,
        messages: '[en]\nA post of our own',
        when,
        date: addDays(today, 12),
      });
    const needsDay = (await (await submitView(view, dayless('day_once'))).json()) as {
      errors: Record<string, string>;
    };
    expect(needsDay.errors).toEqual({ day: 'pick the wildlife day it is for, or post it on a date or now' });
    expect((await submitView(view, dayless('date'))).status).toBe(200);
    const daylessCard = await eventually(async () => card(daylessName), 'the dayless card');
    expect(daylessCard.text).toContain(`*Date*\\n${addDays(today, 12)}`);
    expect(daylessCard.text).not.toContain('*Day*');
    expect(daylessCard.text).toContain(`${addDays(today, 12)} 16:45 Asia/Tokyo`);
    const { c: daylessId } = JSON.parse(daylessCard.buttons[ACTION_CAMPAIGN_CANCEL]!);
    expect(daylessId).toMatch(new RegExp(`^post-${addDays(today, 12)}-[0-9a-f]{6}$`));
    expect((await getCampaign(db.pool, daylessId)).dayId).toBeUndefined();
    await current.cancelCampaign({ campaignId: daylessId, actor: COMMS, requestId: `cleanup-${daylessId}` });

    // A teaser three days before the day, this year only: planned for that earlier date.
    const teaserName = `Teaser ${Date.now()}`;
    await submitView(
      await open(),
      modalValues({
        day: upcoming.id,
        name: teaserName,
        time: '08:15',
        audiences: `slack C0${uniqueDigits('T')} UTC en`,
        messages: '[en]\nThree days to go',
        when: 'teaser_once',
        daysBefore: '3',
      }),
    );
    const teaserCard = await eventually(async () => card(teaserName), 'the teaser card');
    expect(teaserCard.text).toContain('*When*\\n3 days before the day (teaser), this year only');
    expect(teaserCard.text).toContain(`${addDays(upcoming.date, -3)} 08:15 UTC`);
    const { c: teaserId } = JSON.parse(teaserCard.buttons[ACTION_CAMPAIGN_CANCEL]!);
    await current.cancelCampaign({ campaignId: teaserId, actor: COMMS, requestId: `cleanup-${teaserId}` });

    // Yearly on the upcoming day: this year's run starts now; then one year is skipped.
    const yearlyName = `Every year ${Date.now()}`;
    await submitView(
      await open(),
      modalValues({
        day: upcoming.id,
        name: yearlyName,
        time: '10:00',
        audiences: `slack ${slackChannel} UTC en`,
        messages: '[en]\nEvery year',
        when: 'day_yearly',
      }),
    );
    const yearlyCard = await eventually(async () => card(yearlyName), 'the yearly card');
    const { c: yearlyId } = JSON.parse(yearlyCard.buttons[ACTION_CAMPAIGN_CANCEL]!);
    const calendar = ((await (await slashCommand('calendar')).json()) as { text: string }).text;
    const mine = calendar.split('\n').filter((l) => l.includes(slackChannel));
    expect(mine).toEqual([
      `${onDate} 09:00 UTC · Slack \`${slackChannel}\` · *${dateName}* \`${JSON.parse(dateCard.buttons[ACTION_CAMPAIGN_CANCEL]!).c}\` · awaiting approval`,
      `${upcoming.date} 10:00 UTC · Slack \`${slackChannel}\` · *${yearlyName}* \`${yearlyId}\` · awaiting approval`,
    ]);

    const ephemerals = platforms.slack.callsTo('chat.postEphemeral').length;
    await slashCommand(`skip ${yearlyId} ${upcoming.date.slice(0, 4)}`);
    const told = await eventually(
      async () => platforms.slack.callsTo('chat.postEphemeral').slice(ephemerals)[0],
      'the skip answer',
    );
    expect(told.args.text).toBe(`Skipped ${upcoming.date}; the yearly series goes on.`);
    await eventually(
      async () => card(yearlyName)!.text.includes('Cancelled by <@UCOMMS>: skipped'),
      'the run cancelled',
    );
    expect((await getCampaign(db.pool, yearlyId)).status).toBe('pending_approval');
    const afterSkip = ((await (await slashCommand('calendar')).json()) as { text: string }).text;
    expect(afterSkip).toContain(
      `${upcoming.date} 10:00 UTC · Slack \`${slackChannel}\` · *${yearlyName}* \`${yearlyId}\` · skipped`,
    );

    // "Post now": posted as soon as a lead approves.
    const nowName = `Now ${Date.now()}`;
    await submitView(
      await open(),
      modalValues({
        day: upcoming.id,
        name: nowName,
        time: '09:00',
        audiences: `slack ${slackChannel} UTC en`,
        messages: '[en]\nRight now',
        when: 'now',
      }),
    );
    const nowCard = await eventually(async () => card(nowName), 'the post-now card');
    expect(nowCard.text).toContain('as soon as a lead approves');
    const asked = await eventually(
      async () =>
        platforms.slack
          .callsTo('chat.postMessage')
          .find((c) => c.args.channel === `D${LEAD}` && String(c.args.text).includes(nowName)),
      'the DM asking the lead',
    );
    expect(asked.args.text).toMatch(
      /revision 1; it posts as soon as you approve\. The card is in <#C0COMMS>\.$/,
    );
    await sendBlockAction(
      url,
      {
        actionId: ACTION_CAMPAIGN_APPROVE,
        value: nowCard.buttons[ACTION_CAMPAIGN_APPROVE]!,
        userId: LEAD,
        channel: COMMS_CHANNEL,
      },
      { signingSecret: SIGNING_SECRET },
    );
    const posted = await eventually(
      async () =>
        platforms.slack
          .callsTo('chat.postMessage')
          .find((c) => c.args.channel === slackChannel && c.args.text === 'Right now'),
      'the post',
    );
    expect(posted).toBeDefined();
    await eventually(async () => card(nowName)!.text.includes(':white_check_mark: Sent'), 'sent');
    await current.cancelCampaign({ campaignId: yearlyId, actor: COMMS, requestId: `cleanup-${yearlyId}` });
  });

  it('sorts the day picker by next date, and says plainly when a language has no template', async () => {
    const today = localDate(Date.now(), 'UTC');
    useCasesFor(today);
    const opened = platforms.slack.callsTo('views.open').length;
    const responded = platforms.slack.callsTo('/respond').length;
    await slashCommand('world-elephant-day en,sw');
    type Option = { text: { text: string }; value: string };
    const view = (await lastViewOpened(opened)).args.view as Record<string, unknown> & {
      blocks: { block_id: string; element: { options?: Option[]; initial_value?: string } }[];
    };
    const blocks = Object.fromEntries(view.blocks.map((b) => [b.block_id, b.element]));
    const dates = blocks.day!.options!.map((o: Option) => o.text.text.slice(0, 10));
    expect(dates.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d >= today)).toBe(true);
    expect(dates).toEqual([...dates].sort());
    const elephant = blocks.day!.options!.find((o) => o.value === 'world-elephant-day')!;
    expect(elephant.text.text).toMatch(/^\d{4}-08-12 · World Elephant Day \(12 August\)$/);
    // English is not passed off as Swahili: the [sw] section is empty, and the drafter is told why.
    const messages = blocks.messages!.initial_value!;
    expect(messages).toMatch(/^\[en\]\nToday is World Elephant Day\./);
    expect(messages.endsWith('\n\n[sw]\n')).toBe(true);
    expect(messages.match(/Today is/g)).toHaveLength(1);
    const told = await eventually(
      async () => platforms.slack.callsTo('/respond').slice(responded)[0],
      'the note',
    );
    expect(told.args.text).toBe(
      'There is no template in [sw]: write that message in the empty section of the form. Templates exist in en, es, fr, pt, id, zh.',
    );
    const refused = await submitView(
      view,
      modalValues({
        day: 'world-elephant-day',
        name: 'Elephants',
        time: '09:00',
        audiences: 'telegram @wildlife_ke Africa/Nairobi sw',
        messages,
      }),
    );
    const body = (await refused.json()) as { errors: Record<string, string> };
    expect(body.errors.messages).toMatch(/^\[sw\]: /);
  });

  it('picks Slack channels in a conversations picker and registered Telegram/Discord destinations by name', async () => {
    useCasesFor(localDate(Date.now(), 'UTC'));
    const telegramChat = `@wild${uniqueDigits('').slice(-8)}`;
    const ephemerals = platforms.slack.callsTo('chat.postEphemeral').length;
    const name = `tg-${uniqueDigits('').slice(-6)}`;
    expect(
      (await slashCommand(`channels add ${name} telegram ${telegramChat} Africa/Nairobi sw`)).status,
    ).toBe(200);
    const told = await eventually(
      async () => platforms.slack.callsTo('chat.postEphemeral').slice(ephemerals)[0],
      'the registration answer',
    );
    expect(told.args.text).toBe(
      `Registered ${name}: telegram ${telegramChat} (Africa/Nairobi, sw). Pick it in /campaign.`,
    );
    // A bad one is refused with the reason, and nothing is registered.
    await slashCommand('channels add tg-bad telegram not-a-chat Mars/Base sw');
    const refused = await eventually(
      async () => platforms.slack.callsTo('chat.postEphemeral').slice(ephemerals)[1],
      'the refusal',
    );
    expect(refused.args.text).toBe(
      'Not registered: not a valid destination; timeZone: must be an IANA time zone such as Europe/London; target: telegram target must be a Telegram chat id such as -1001234567890 or a public @channelname',
    );
    const listed = ((await (await slashCommand('channels')).json()) as { text: string }).text;
    expect(listed).toContain(`\`${name}\` · Telegram \`${telegramChat}\` · Africa/Nairobi · sw`);
    expect(listed).not.toContain('tg-bad');

    const opened = platforms.slack.callsTo('views.open').length;
    await slashCommand('');
    const view = (await lastViewOpened(opened)).args.view as Record<string, unknown> & {
      blocks: { block_id: string; element: { type: string; options?: { value: string }[] } }[];
    };
    const blocks = Object.fromEntries(view.blocks.map((b) => [b.block_id, b.element]));
    expect(blocks.slack_channels!.type).toBe('multi_conversations_select');
    expect(blocks.destinations!.options!.map((o) => o.value)).toContain(name);

    const picked = `C0${uniqueDigits('P')}`;
    const campaignName = `Picked ${Date.now()}`;
    const values = {
      ...modalValues({
        day: 'world-pangolin-day',
        name: campaignName,
        time: '09:00',
        audiences: '',
        messages: '[en]\nhello\n[sw]\nhabari',
      }),
      slack_channels: { value: { type: 'multi_conversations_select', selected_conversations: [picked] } },
      destinations: { value: { type: 'multi_static_select', selected_options: [{ value: name }] } },
    };
    // Picked channels need their time zone and language.
    const missing = (await (await submitView(view, values)).json()) as { errors: Record<string, string> };
    expect(missing.errors.picked_settings).toMatch(/time zone and language of the picked Slack channels/);
    const saved = await submitView(view, {
      ...values,
      picked_settings: { value: { type: 'plain_text_input', value: 'Europe/London en' } },
    });
    expect(await saved.text()).toBe('');
    const preview = await eventually(async () => card(campaignName), 'the card');
    expect(preview.text).toContain(`Slack \`${picked}\` · en`);
    expect(preview.text).toContain('Europe/London');
    expect(preview.text).toContain(`Telegram \`${telegramChat}\` · sw`);
    expect(preview.text).toContain('Africa/Nairobi');
    const { c: campaignId } = JSON.parse(preview.buttons[ACTION_CAMPAIGN_CANCEL]!);
    await current.cancelCampaign({ campaignId, actor: COMMS, requestId: `cleanup-${campaignId}` });
  });
});
