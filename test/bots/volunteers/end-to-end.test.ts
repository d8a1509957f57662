// The volunteer journey end to end as the composition root wires it: startVolunteerBots (Telegram by
// webhook on an HTTP server, Discord over the gateway), the real case workflow whose outcome activity uses
// volunteerDeliveries, and case cards posted through Bolt's WebClient to the local Slack server. A Telegram
// volunteer's report opens a case, a Discord volunteer reports the same listing, a reviewer decides with
// decideCase, and both reporters are told.

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InteractionType } from 'discord-api-types/v10';
import type { Message, Update } from 'grammy/types';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiDeps, createApiServer } from '../../../api/server.ts';
import { createInbox } from '../../../bots/inbox.ts';
import { createWebClient } from '../../../bots/slack/app.ts';
import { caseCard } from '../../../bots/slack/case-card.ts';
import { createSlackReviewNotifier } from '../../../bots/slack/review-notifier.ts';
import { mountTelegramWebhook, TELEGRAM_WEBHOOK_PATH } from '../../../bots/telegram/transport.ts';
import {
  type RunningVolunteerBots,
  startVolunteerBots,
  volunteerDeliveries,
} from '../../../bots/volunteers/start.ts';
import { pdqHashImage } from '../../../detectors/image/hash-image.ts';
import { loadConfig } from '../../../shared/config.ts';
import { photoLinkSigner } from '../../../shared/photo-links.ts';
import { caseStateQuery } from '../../../workflows/case-workflow.ts';
import { loadCaseView } from '../../../workflows/use-cases/case-view.ts';
import { decideCase } from '../../../workflows/use-cases/decide-case.ts';
import {
  attachGateway,
  type FakeDiscordGateway,
  startFakeDiscordGateway,
  type VolunteerBotRoutes,
} from '../../fakes/discord-gateway.ts';
import { botMessage, type FakeDiscord, fakeSnowflake, startFakeDiscord } from '../../fakes/discord-rest.ts';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.ts';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-bot-api.ts';
import { recordCaseHistory } from '../../support/histories.ts';
import { eventually } from '../../support/temporal.ts';
import { REVIEWER, startVolunteerHarness, type VolunteerHarness } from './harness.ts';

const TELEGRAM_TOKEN = '7000000002:end-to-end-token';
const DISCORD_TOKEN = 'discord.end-to-end.token';
const SECRET = 'e2e_webhook_secret';
const SLACK_TOKEN = 'xoxb-volunteer-e2e';
const REVIEW_CHANNEL = 'C0REVIEW';
const PHOTO_SECRET = 'photo-link-test-secret';

describe('volunteer journey end to end: Telegram and Discord reports, one case, a decision, both told', () => {
  let h: VolunteerHarness;
  let telegram: FakeTelegram;
  let discord: FakeDiscord;
  let gateway: FakeDiscordGateway;
  let routes: VolunteerBotRoutes;
  let server: Server;
  let bots: RunningVolunteerBots;
  let slack: FakeSlack;
  let publicUrl: string;

  beforeAll(async () => {
    // Stands in for the API server the webhook is mounted on.
    server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    slack = await startFakeSlack({ token: SLACK_TOKEN });
    [h, telegram, discord] = await Promise.all([
      startVolunteerHarness({
        reviewNotifier: createSlackReviewNotifier(
          createWebClient(SLACK_TOKEN, slack.apiUrl),
          REVIEW_CHANNEL,
          photoLinkSigner({ secret: PHOTO_SECRET, baseUrl: publicUrl }),
        ),
      }),
      startFakeTelegram({ token: TELEGRAM_TOKEN }),
      startFakeDiscord({ token: DISCORD_TOKEN }),
    ]);
    gateway = await startFakeDiscordGateway({
      token: DISCORD_TOKEN,
      applicationId: discord.applicationId,
      botUserId: discord.botUserId,
    });
    routes = attachGateway(discord, gateway);
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: publicUrl,
      DISCORD_BOT_TOKEN: DISCORD_TOKEN,
      DISCORD_API_URL: discord.apiUrl,
    });
    Object.assign(h.deliveries, volunteerDeliveries(config));
    bots = await startVolunteerBots(config, {
      pool: h.db.pool,
      temporal: h.temporal,
      taskQueue: h.taskQueue,
      reviewers: [REVIEWER],
      inbox: createInbox({ pool: h.db.pool }),
    });
    expect(bots.telegramWebhook).toBeDefined();
    mountTelegramWebhook(server, bots.telegramWebhook!);
  });

  afterAll(async () => {
    await bots?.stop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await gateway?.close();
    await Promise.all([telegram?.close(), discord?.close(), slack?.close()]);
    await h?.close();
  });

  const tgUser = 8001;
  const tgText = (body: string, user = tgUser): Omit<Update, 'update_id'> => ({
    message: {
      message_id: Math.floor(Math.random() * 1e6),
      date: Math.floor(Date.now() / 1000),
      chat: { id: user, type: 'private', first_name: 'Tran' },
      from: { id: user, is_bot: false, first_name: 'Tran', language_code: 'vi' },
      text: body,
      ...(body.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: body.length }] }
        : {}),
    } as NonNullable<Update['message']>,
  });
  const tgPress = (data: string, user = tgUser): Omit<Update, 'update_id'> => ({
    callback_query: {
      id: `cq-${Math.random()}`,
      from: { id: user, is_bot: false, first_name: 'Tran', language_code: 'vi' },
      chat_instance: 'ci',
      data,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: user, type: 'private', first_name: 'Tran' },
      } as Message,
    },
  });
  const tgSent = (user = tgUser) => (telegram.sent.get(String(user)) ?? []).map((m) => m.text ?? '');
  /** The HTML the bot sent, before Telegram renders it. */
  const tgHtml = () =>
    telegram
      .callsTo('sendMessage')
      .filter((c) => String(c.params.chat_id) === String(tgUser))
      .map((c) => String(c.params.text));

  let caseId: string;

  /** The case's card as it stands in the review channel (posted, then updated, through Bolt's WebClient). */
  const slackCard = (id: string) =>
    [...slack.messages.values()]
      .filter((m) => m.channel === REVIEW_CHANNEL && JSON.stringify(m.blocks).includes(id))
      .map((m) => JSON.stringify(m.blocks))
      .at(-1);

  it('a Telegram volunteer reports through the webhook and a case opens', async () => {
    expect(telegram.myCommands.get('')?.map((c) => c.command)).toEqual([
      'report',
      'mystats',
      'learn',
      'language',
      'cancel',
      'forgetme',
    ]);
    expect(telegram.myCommands.get('vi')?.[0]?.description).toBe('Báo cáo tin đăng đáng ngờ');
    expect(telegram.webhook()).toEqual({
      url: expect.stringMatching(new RegExp(`${TELEGRAM_WEBHOOK_PATH}$`)),
      secretToken: SECRET,
    });
    for (const u of [
      tgPress('lang:vi'),
      tgPress('consent:yes'),
      tgText('/report'),
      tgText('https://shop.example/items/E2E-1'),
      tgPress('sp:pangolin'),
      tgPress('ph:done'),
      tgText('Người bán nói <hàng thật> & giao nhanh *gấp*'),
      tgPress('rep:send'),
    ])
      await telegram.pushUpdate(u);
    expect(telegram.webhookDeliveries.every((d) => d.status === 200)).toBe(true);
    const done = await eventually(async () => tgSent().find((t) => t.includes('hồ sơ')), 'the confirmation');
    caseId = /(case-[0-9a-f]{24})/.exec(done)![1]!;
    // What the volunteer typed was shown back escaped in the confirmation step.
    expect(tgHtml().some((t) => t.includes('&lt;hàng thật&gt; &amp; giao nhanh'))).toBe(true);
    expect(tgSent().some((t) => t.includes('<hàng thật> & giao nhanh'))).toBe(true);
    const { rows } = await h.db.pool.query('SELECT status FROM cases WHERE id = $1', [caseId]);
    expect(rows[0].status).toBe('open');
    // Reviewers see the note as typed: no markup of Slack's own (a *bold* stays literal).
    const card = await eventually(
      async () => slackCard(caseId)?.includes('giao nhanh') && slackCard(caseId),
      'the case card in Slack',
    );
    expect(card).toContain('Người bán nói &lt;hàng thật&gt; &amp; giao nhanh ∗gấp∗');
    expect(card).not.toContain('*gấp*');
  });

  it('a Discord volunteer reports the same listing: same case, both reports recorded', async () => {
    const user = { id: '9001', username: 'ana', discriminator: '0', global_name: 'Ana', avatar: null };
    const dispatch = (type: InteractionType, data: unknown, extra = {}) => {
      const id = fakeSnowflake();
      gateway.dispatch('INTERACTION_CREATE', {
        id,
        application_id: discord.applicationId,
        type,
        token: `tok-${id}`,
        version: 1,
        data,
        channel_id: '99001',
        channel: { id: '99001', type: 1 },
        user,
        locale: 'pt-BR',
        app_permissions: '0',
        entitlements: [],
        authorizing_integration_owners: { '1': user.id },
        context: 1,
        ...extra,
      });
      return id;
    };
    const first = dispatch(InteractionType.ApplicationCommand, {
      id: fakeSnowflake(),
      name: 'report',
      type: 1,
    });
    await eventually(async () => routes.callbacks.find((c) => c.interactionId === first), 'the privacy note');
    const agree = dispatch(
      InteractionType.MessageComponent,
      { custom_id: 'consent:yes', component_type: 2 },
      {
        message: botMessage(discord.botUserId, { channel_id: '99001', components: [] }),
      },
    );
    await eventually(async () => routes.callbacks.find((c) => c.interactionId === agree), 'the consent');
    const submit = dispatch(InteractionType.ModalSubmit, {
      custom_id: 'report_modal',
      components: [
        { type: 1, components: [{ type: 4, custom_id: 'link', value: 'shop.example/items/E2E-1' }] },
        { type: 1, components: [{ type: 4, custom_id: 'species', value: 'escamas de pangolim' }] },
        { type: 1, components: [{ type: 4, custom_id: 'note', value: '' }] },
      ],
    });
    const edit = await eventually(
      async () => routes.edits.find((e) => e.token === `tok-${submit}`),
      'the reply',
    );
    expect(String(edit.body.content)).toContain(caseId.replace('-', '\\-'));
    await eventually(async () => {
      const s = await h.temporal.workflow.getHandle(caseId).query(caseStateQuery);
      return s.reports.length === 2 ? true : undefined;
    }, 'both reports on the case');
  });

  it('a reviewer’s question reaches the reporter, whose text and photo answers go back to the case', async () => {
    // Another volunteer (each account has its own rate limit).
    const ana = 8002;
    const start = tgSent(ana).length;
    for (const u of [
      tgPress('lang:vi', ana),
      tgPress('consent:yes', ana),
      tgText('/report', ana),
      tgText('https://shop.example/items/E2E-ASK', ana),
      tgPress('sp:tiger', ana),
      tgPress('ph:done', ana),
      tgPress('note:skip', ana),
      tgPress('rep:send', ana),
    ])
      await telegram.pushUpdate(u);
    const done = await eventually(
      async () =>
        tgSent(ana)
          .slice(start)
          .find((t) => t.includes('hồ sơ') && t.includes('case-')),
      'the confirmation',
    );
    const asked = /(case-[0-9a-f]{24})/.exec(done)![1]!;
    const question = 'Is the <seller> the same as last week? *bold*';
    const result = await decideCase(h.temporal, {
      caseId: asked,
      actor: REVIEWER,
      decision: 'request_info',
      reason: question,
      requestId: 'e2e-ask',
    });
    expect(result.ok).toBe(true);
    const call = await eventually(
      async () =>
        telegram
          .callsTo('sendMessage')
          .find(
            (c) =>
              String(c.params.chat_id) === String(ana) &&
              String(c.params.text).includes(asked) &&
              String(c.params.text).includes('Câu hỏi'),
          ),
      'the question',
    );
    // The reviewer's words, escaped for Telegram's HTML, with a button to answer.
    expect(String(call.params.text)).toContain(
      'Câu hỏi: Is the &lt;seller&gt; the same as last week? *bold*',
    );
    const button = (call.params.reply_markup as { inline_keyboard: { callback_data: string }[][] })
      .inline_keyboard[0]![0]!;
    const { rows: reports } = await h.db.pool.query('SELECT id FROM reports WHERE case_id = $1', [asked]);
    expect(button.callback_data).toBe(`ans:${reports[0].id}`);

    const before = tgSent(ana).length;
    await telegram.pushUpdate(tgPress(button.callback_data, ana));
    await eventually(async () => (tgSent(ana).length > before ? true : undefined), 'the prompt');
    expect(tgSent(ana).at(-1)).toBe('Hãy gửi câu trả lời bằng tin nhắn hoặc ảnh.');
    await telegram.pushUpdate(tgText('Yes, same <b>phone</b> number', ana));
    const thanks = await eventually(
      async () => tgSent(ana).find((t) => t.startsWith('Cảm ơn! Câu trả lời')),
      'the thanks',
    );
    expect(thanks).toContain(asked);

    // A photo answers too: downloaded through getFile, hashed and kept with the report.
    await telegram.pushUpdate(tgPress(button.callback_data, ana));
    // A real picture (a gradient), so it has a PDQ hash as well as a sha256.
    const pixels = Buffer.alloc(64 * 64 * 3);
    for (let i = 0; i < pixels.length; i += 1) pixels[i] = ((i / 3) % 64) * 4 + (i % 3) * 20;
    const jpeg = await sharp(pixels, { raw: { width: 64, height: 64, channels: 3 } })
      .png()
      .toBuffer();
    const file = telegram.addFile(jpeg);
    await telegram.pushUpdate({
      message: {
        message_id: 77,
        date: Math.floor(Date.now() / 1000),
        chat: { id: ana, type: 'private', first_name: 'Tran' },
        from: { id: ana, is_bot: false, first_name: 'Tran', language_code: 'vi' },
        photo: [{ ...file, width: 10, height: 10 }],
      } as NonNullable<Update['message']>,
    });
    const state = await eventually(async () => {
      const s = await h.temporal.workflow.getHandle(asked).query(caseStateQuery);
      return s.infoAnswers?.length === 2 ? s : undefined;
    }, 'both answers signalled to the workflow');
    const view = (await loadCaseView(h.db.pool, asked))!;
    expect(view.answers.map((a) => [a.text, a.photo?.sha256 ?? null])).toEqual([
      ['Yes, same <b>phone</b> number', null],
      [null, createHash('sha256').update(jpeg).digest('hex')],
    ]);
    const sha = createHash('sha256').update(jpeg).digest('hex');
    const { hash: pdq } = await pdqHashImage(jpeg, undefined, { maxSide: 512 });
    expect(view.photos).toEqual([
      expect.objectContaining({ sha256: sha, pdq, mimeType: 'image/png', answer: true }),
    ]);
    // The card shows them, escaped, and each photo with a signed link, its sha256 and its PDQ hash.
    // The card in Slack (through Bolt's WebClient) shows the answers, escaped, and the photo's hashes.
    const posted = await eventually(
      async () => slackCard(asked)?.includes('(answer)') && slackCard(asked),
      'the refreshed card in Slack',
    );
    expect(posted).toContain('A reporter answered: Yes, same &lt;b&gt;phone&lt;/b&gt; number');
    expect(posted).toContain(`|photo 1 (answer)> · sha256 \`${sha}\` · PDQ \`${pdq}\``);
    expect(posted).toContain(`<${publicUrl}/v1/report-photos/${view.photos[0]!.id}?`);
    const secret = PHOTO_SECRET;
    const api = createApiServer({
      pool: h.db.pool,
      temporal: h.temporal,
      taskQueue: h.taskQueue,
      photoLinkSecret: secret,
    } as ApiDeps);
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      const card = JSON.stringify(
        caseCard(view, state, Date.now(), photoLinkSigner({ secret, baseUrl: base })).blocks,
      );
      expect(card).toContain('A reporter answered: Yes, same &lt;b&gt;phone&lt;/b&gt; number');
      expect(card).toContain(['sha256 `', sha, '` · PDQ `', pdq, '`'].join(''));
      const texts = (JSON.parse(card) as { text?: { text: string } }[]).map((b) => b.text?.text ?? '');
      const link = /<(http:[^|>]+)\|photo 1 \(answer\)>/.exec(texts.join('\n'))![1]!;
      const served = await fetch(link);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await served.arrayBuffer()).equals(jpeg)).toBe(true);
      // Another photo id under the same signature, a changed signature, or an expired link: refused.
      expect(
        (await fetch(link.replace(`/${view.photos[0]!.id}?`, `/${Number(view.photos[0]!.id) + 1}?`))).status,
      ).toBe(403);
      expect((await fetch(link.replace(/sig=[0-9a-f]{64}/, `sig=${'f'.repeat(64)}`))).status).toBe(403);
      const expired = photoLinkSigner({
        secret,
        baseUrl: base,
        now: () => Date.now() - 8 * 24 * 3600 * 1000,
      });
      expect((await fetch(expired(view.photos[0]!.id))).status).toBe(403);
    } finally {
      api.closeAllConnections();
      await new Promise((r) => api.close(r));
    }
    // Answering again once the case was decided is refused politely.
    await h.decide(asked, 'reject');
    await eventually(async () => {
      const { rows } = await h.db.pool.query('SELECT outcome FROM reports WHERE case_id = $1', [asked]);
      return rows[0].outcome === 'rejected' ? true : undefined;
    }, 'the decision');
    await telegram.pushUpdate(tgPress(button.callback_data, ana));
    await telegram.pushUpdate(tgText('one more thing', ana));
    await eventually(
      async () => tgSent(ana).find((t) => t === 'Hồ sơ này không còn chờ câu trả lời. Cảm ơn!'),
      'the refusal',
    );
    await recordCaseHistory(h.temporal, asked, 'volunteer-answers-reject');
  });

  it('at the approval both reporters hear "confirmed, removal requested"; "removed" only once the platform did it', async () => {
    // The platform's first two answers are transient (503): the takedown is retried, not yet done.
    h.platform.failNext(503, 2);
    const result = await decideCase(h.temporal, {
      caseId,
      actor: REVIEWER,
      decision: 'approve',
      requestId: 'e2e-approve',
    });
    expect(result.ok).toBe(true);
    const requested = await eventually(
      async () => tgSent().find((t) => t.includes('Đã xác nhận, đã yêu cầu gỡ')),
      'the Telegram confirmation',
    );
    expect(requested).toContain(caseId);
    await eventually(async () => (h.platform.requests.length >= 1 ? true : undefined), 'a takedown request');
    // The platform has not removed the listing yet, so nobody was told it is removed.
    expect(h.platform.performed.size).toBe(0);
    expect(tgSent().some((t) => t.includes('Tin đăng đã bị gỡ'))).toBe(false);

    const removed = await eventually(
      async () => tgSent().find((t) => t.includes('Tin đăng đã bị gỡ')),
      'the Telegram "removed"',
    );
    expect(h.platform.performed.size).toBe(1);
    expect(removed).toContain(caseId);
    expect(tgHtml().some((t) => t.startsWith('<b>Tin đăng đã bị gỡ.</b>'))).toBe(true);
    expect(tgSent().indexOf(requested)).toBeLessThan(tgSent().indexOf(removed));
    const dms = await eventually(async () => {
      const channel = routes.dmChannelOf('9001');
      const list = channel ? discord.messages.get(channel) : undefined;
      return list && list.length >= 2 ? list : undefined;
    }, 'both Discord DMs');
    expect(dms.map((m) => String(m.content).split('**')[1])).toEqual([
      'Confirmado, remoção solicitada.',
      'Anúncio removido.',
    ]);
    const { rows } = await h.db.pool.query(
      'SELECT outcome, notified_outcome FROM reports WHERE case_id = $1 ORDER BY id',
      [caseId],
    );
    expect(rows).toEqual([
      { outcome: 'confirmed', notified_outcome: 'removed' },
      { outcome: 'confirmed', notified_outcome: 'removed' },
    ]);
    await recordCaseHistory(h.temporal, caseId, 'takedown-retried-removed');
  });

  it('a takedown the platform refuses (404) is told honestly: never "removed"', async () => {
    const start = tgSent().length;
    for (const u of [
      tgText('/report'),
      tgText('https://shop.example/items/E2E-GONE'),
      tgPress('sp:ivory'),
      tgPress('ph:done'),
      tgPress('note:skip'),
      tgPress('rep:send'),
    ])
      await telegram.pushUpdate(u);
    const done = await eventually(
      async () =>
        tgSent()
          .slice(start)
          .find((t) => t.includes('hồ sơ') && t.includes('case-')),
      'the second confirmation',
    );
    const second = /(case-[0-9a-f]{24})/.exec(done)![1]!;
    h.platform.failNext(404);
    const result = await decideCase(h.temporal, {
      caseId: second,
      actor: REVIEWER,
      decision: 'approve',
      requestId: 'e2e-approve-404',
    });
    expect(result.ok).toBe(true);
    const failed = await eventually(
      async () => tgSent().find((t) => t.includes('Chưa gỡ được tin') && t.includes(second)),
      'the honest failure',
    );
    expect(failed).toContain('nền tảng không thực hiện yêu cầu gỡ');
    const toThisCase = tgSent().filter((t) => t.includes(second));
    expect(toThisCase.some((t) => t.includes('Đã xác nhận, đã yêu cầu gỡ'))).toBe(true);
    expect(toThisCase.some((t) => t.includes('Tin đăng đã bị gỡ'))).toBe(false);
    const { rows } = await h.db.pool.query('SELECT status FROM cases WHERE id = $1', [second]);
    expect(rows[0].status).toBe('takedown_failed');
    const report = await h.db.pool.query('SELECT notified_outcome FROM reports WHERE case_id = $1', [second]);
    expect(report.rows).toEqual([{ notified_outcome: 'removal_failed' }]);
    await recordCaseHistory(h.temporal, second, 'takedown-refused');
  });
});
