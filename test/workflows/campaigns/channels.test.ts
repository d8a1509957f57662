// The posting code with the real SDK clients (Slack WebClient, @discordjs/rest, grammY Api) against the
// local servers that speak each platform's wire protocol.
import { REST } from '@discordjs/rest';
import { webApi } from '@slack/bolt';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyDiscordError, postToDiscord } from '../../../workflows/campaigns/channels/discord.ts';
import { escapeDiscord } from '../../../workflows/campaigns/channels/escape.ts';
import { lengthProblems, sentLength } from '../../../workflows/campaigns/channels/limits.ts';
import { classifySlackError, postToSlack, splitText } from '../../../workflows/campaigns/channels/slack.ts';
import { classifyTelegramError, postToTelegram } from '../../../workflows/campaigns/channels/telegram.ts';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord-rest.ts';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.ts';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-bot-api.ts';

const hostile = 'Stop <@U123> & <!channel> **now** @everyone <b>x</b> "quoted" see https://example.org/a_b*c';

describe('campaign posts through the real SDKs', () => {
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let telegram: FakeTelegram;
  let slackClient: webApi.WebClient;
  let rest: REST;
  let api: Api;

  beforeAll(async () => {
    [slack, discord, telegram] = await Promise.all([
      startFakeSlack({ token: 'xoxb-test' }),
      startFakeDiscord({ token: 'discord-token' }),
      startFakeTelegram({ token: '123:telegram' }),
    ]);
    slackClient = new webApi.WebClient('xoxb-test', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    rest = new REST({
      api: discord.apiUrl,
      retries: 0,
      rejectOnRateLimit: (d) => d.retryAfter > 1000,
    }).setToken('discord-token');
    api = new Api('123:telegram', { apiRoot: telegram.apiRoot });
  });
  afterAll(async () => {
    await Promise.all([slack.close(), discord.close(), telegram.close()]);
  });

  it('posts a long message with an image to Slack whole, as several sections split at paragraph breaks', async () => {
    const paragraph = (i: number) =>
      `${i}: ${'Pangolin scales & <meat> are sold online. '.repeat(30)}`.trim();
    const text = Array.from({ length: 6 }, (_, i) => paragraph(i)).join('\n\n');
    expect(sentLength('slack', text)).toBeGreaterThan(7000);
    const ts = await postToSlack(slackClient, 'C0LONG', { text, imageUrl: 'https://example.org/p.jpg' });
    const message = slack.messages.get(`C0LONG/${ts}`)!;
    const sections = (message.blocks as { type: string; text: { text: string } }[])
      .filter((b) => b.type === 'section')
      .map((b) => b.text.text);
    expect(sections.length).toBeGreaterThan(2);
    expect(sections.every((t) => t.length <= 3000)).toBe(true);
    // Every piece ends where a paragraph ended, and nothing is lost.
    expect(sections.every((t) => /online\.$/.test(t))).toBe(true);
    expect(sections.join('\n\n')).toBe(message.text);
    expect(message.text).toHaveLength(sentLength('slack', text));
    // The local server refuses what Slack refuses: one 7,000-character section.
    await expect(
      slackClient.chat.postMessage({
        channel: 'C0LONG',
        text: 'x',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(7000) } }],
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
  });

  it('splits at line breaks or spaces when a paragraph alone is too long', () => {
    expect(splitText('aaaa bbbb\ncccc', 9)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('aaaa bbbb cccc', 9)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('counts each platform the way it counts: after escaping on Slack and Discord, as written on Telegram', () => {
    const text = `${'a-b_'.repeat(450)}`; // 1,800 characters; Discord escaping doubles - and _
    expect(sentLength('discord', text)).toBe(2700);
    expect(sentLength('telegram', '<b>&amp;')).toBe(8);
    expect(sentLength('slack', '<&>')).toBe('&lt;&amp;&gt;'.length);
    const content = {
      audiences: [
        { platform: 'slack' as const, target: 'C0ABC', timeZone: 'UTC', language: 'fr' },
        { platform: 'discord' as const, target: '123456789012345678', timeZone: 'UTC', language: 'fr-CA' },
        { platform: 'telegram' as const, target: '@wildlife', timeZone: 'UTC', language: 'en' },
      ],
      variants: { fr: { text }, en: { text: 'x'.repeat(4097) } },
    };
    expect(lengthProblems(content)).toEqual([
      {
        language: 'fr',
        platform: 'discord',
        audienceKey: 'discord:123456789012345678',
        length: 2700,
        limit: 2000,
      },
      { language: 'en', platform: 'telegram', audienceKey: 'telegram:@wildlife', length: 4097, limit: 4096 },
    ]);
  });

  it('posts plain text to Slack as plain as on the other platforms: escaped, formatting off, links intact', async () => {
    const plain = await postToSlack(slackClient, 'C0WILD', { text: hostile });
    const message = slack.messages.get(`C0WILD/${plain}`)!;
    expect(message.text).toBe(
      'Stop &lt;@U123&gt; &amp; &lt;!channel&gt; **now** @everyone &lt;b&gt;x&lt;/b&gt; "quoted" see https://example.org/a_b*c',
    );
    expect(String(message.mrkdwn)).toBe('false'); // form-encoded, as Slack receives it
    expect(message.blocks).toBeUndefined();

    // Next to an image the text must be mrkdwn: its * _ ~ ` are neutralised, the link is left whole.
    const ts = await postToSlack(slackClient, 'C0WILD', {
      text: '*bold* _it_ ~x~ `c` https://example.org/a_b*c',
      imageUrl: 'https://example.org/p.jpg',
    });
    const withImage = slack.messages.get(`C0WILD/${ts}`)!;
    expect(withImage.blocks).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '\u200b*bold\u200b* \u200b_it\u200b_ \u200b~x\u200b~ \u200b`c\u200b` https://example.org/a_b*c',
        },
      },
      { type: 'image', image_url: 'https://example.org/p.jpg', alt_text: 'campaign image' },
    ]);
  });

  it('classifies Slack errors: unknown channel is permanent, rate limits carry the wait', async () => {
    slack.failNext('chat.postMessage', 'channel_not_found');
    const err = await postToSlack(slackClient, 'C0GONE', { text: 'x' }).catch((e) => e);
    expect(classifySlackError(err)).toEqual({
      platform: 'slack',
      message: 'channel_not_found',
      permanent: true,
    });
    slack.failNext('chat.postMessage', 'internal_error');
    const transient = await postToSlack(slackClient, 'C0WILD', { text: 'x' }).catch((e) => e);
    expect(classifySlackError(transient).permanent).toBe(false);
  });

  it('posts to Discord with markdown escaped, no mentions, an embed image and a nonce', async () => {
    const id = await postToDiscord(
      rest,
      '123456789012345678',
      { text: hostile, imageUrl: 'https://example.org/p.jpg' },
      'nonce-1',
    );
    const [message] = discord.messages.get('123456789012345678')!;
    expect(message!.id).toBe(id);
    expect(message!.content).toBe(escapeDiscord(hostile));
    expect(message!.content).toContain('\\*\\*now\\*\\*');
    expect(message!.content).toContain('@\u200beveryone');
    expect(message!.content).toContain('https://example.org/a_b*c');
    expect(message!.embeds).toEqual([{ image: { url: 'https://example.org/p.jpg' } }]);
    const [call] = discord.callsTo('POST', /^\/channels\/123456789012345678\/messages$/);
    expect(call!.authorization).toBe('Bot discord-token');
    expect(call!.body).toMatchObject({
      allowed_mentions: { parse: [] },
      nonce: 'nonce-1',
      enforce_nonce: true,
    });
  });

  it('classifies Discord errors: 404 permanent, 500 transient, a short 429 waited out by the client', async () => {
    discord.unknownChannels.add('999999999999999999');
    const gone = await postToDiscord(rest, '999999999999999999', { text: 'x' }).catch((e) => e);
    expect(classifyDiscordError(gone)).toMatchObject({ permanent: true, message: '404 Unknown Channel' });
    discord.failNext({ status: 500 });
    const down = await postToDiscord(rest, '123456789012345678', { text: 'x' }).catch((e) => e);
    expect(classifyDiscordError(down).permanent).toBe(false);
    discord.failNext({ status: 429, retryAfter: 0.2 });
    const started = Date.now();
    await postToDiscord(rest, '123456789012345678', { text: 'after the limit' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    discord.failNext({ status: 429, retryAfter: 30 });
    const limited = await postToDiscord(rest, '123456789012345678', { text: 'x' }).catch((e) => e);
    const classified = classifyDiscordError(limited);
    expect(classified.permanent).toBe(false);
    // the client adds its small safety offset to Discord's Retry-After
    expect(classified.retryAfterMs).toBeGreaterThanOrEqual(30_000);
    expect(classified.retryAfterMs).toBeLessThan(31_000);
  });

  it('posts to Telegram as escaped HTML, with a photo and caption when there is an image', async () => {
    const id = await postToTelegram(api, '-1001234567890', { text: hostile });
    const [sent] = telegram.sent.get('-1001234567890')!;
    expect(String(sent!.message_id)).toBe(id);
    expect(sent!.text).toBe(hostile); // the server parsed our HTML back to exactly the text written
    const photoId = await postToTelegram(api, '@wildlife_news', {
      text: 'Caption & more',
      imageUrl: 'https://example.org/p.jpg',
    });
    const photo = telegram.sent.get('@wildlife_news')!.at(-1)!;
    expect(String(photo.message_id)).toBe(photoId);
    expect(photo.caption).toBe('Caption & more');
    expect(telegram.callsTo('sendPhoto')[0]!.params).toMatchObject({
      chat_id: '@wildlife_news',
      photo: 'https://example.org/p.jpg',
      caption: 'Caption &amp; more',
      parse_mode: 'HTML',
    });
  });

  it('rejects unescaped HTML the way Telegram does (so the escaping test above can fail)', async () => {
    const err = await api.sendMessage(1, 'a <script> b', { parse_mode: 'HTML' }).catch((e) => e);
    expect(classifyTelegramError(err)).toMatchObject({ permanent: true });
    expect(err.description).toMatch(/can't parse entities: Unsupported start tag "script"/);
  });

  it('classifies Telegram errors: chat not found permanent, 500 transient, 429 with retry_after', async () => {
    telegram.unknownChats.add('-100999');
    const gone = await postToTelegram(api, '-100999', { text: 'x' }).catch((e) => e);
    expect(classifyTelegramError(gone)).toMatchObject({
      permanent: true,
      message: '400 Bad Request: chat not found',
    });
    telegram.failNext({ errorCode: 500 });
    const down = await postToTelegram(api, '-1001234567890', { text: 'x' }).catch((e) => e);
    expect(classifyTelegramError(down).permanent).toBe(false);
    telegram.failNext({ errorCode: 429, retryAfter: 7 }, 1, 'sendMessage');
    const limited = await postToTelegram(api, '-1001234567890', { text: 'x' }).catch((e) => e);
    expect(classifyTelegramError(limited)).toMatchObject({ permanent: false, retryAfterMs: 7000 });
  });
});
