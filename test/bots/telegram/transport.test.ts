// The real grammY bot against the project's local Bot API server: long polling (offset and timeout
// honoured), webhook delivery with and without the right X-Telegram-Bot-Api-Secret-Token, and photo
// download through getFile with size limits.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bot } from 'grammy';
import type { Message, Update, UserFromGetMe } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type VolunteerContext } from '../../../bots/telegram/bot.ts';
import {
  type RunningTelegramBot,
  registerTelegramWebhook,
  startTelegramPolling,
  TELEGRAM_WEBHOOK_PATH,
  telegramWebhookListener,
} from '../../../bots/telegram/transport.ts';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-bot-api.ts';
import { eventually } from '../../support/temporal.ts';
import { startVolunteerHarness, type VolunteerHarness } from '../volunteers/harness.ts';

const TOKEN = '7000000001:local-fake-token';
const SECRET = 'webhook-secret_0123456789';
const MAX_PHOTO_BYTES = 2000;

const botInfo = (fake: FakeTelegram): UserFromGetMe =>
  ({
    ...fake.bot,
    is_bot: true,
    username: fake.bot.username!,
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  }) as UserFromGetMe;

function jpeg(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size, seed);
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return bytes;
}

describe('Telegram transports and photo download (local Bot API server)', () => {
  let h: VolunteerHarness;
  let fake: FakeTelegram;

  beforeAll(async () => {
    [h, fake] = await Promise.all([startVolunteerHarness(), startFakeTelegram({ token: TOKEN })]);
  });
  afterAll(async () => {
    await fake?.close();
    await h?.close();
  });

  const from = (id: number) => ({ id, is_bot: false, first_name: `User ${id}`, language_code: 'en' });
  const chat = (id: number) => ({ id, type: 'private' as const, first_name: `User ${id}` });
  const text = (userId: number, body: string): Omit<Update, 'update_id'> => ({
    message: {
      message_id: Math.floor(Math.random() * 1e6),
      date: Math.floor(Date.now() / 1000),
      chat: chat(userId),
      from: from(userId),
      text: body,
      ...(body.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: body.split(' ')[0]!.length }] }
        : {}),
    } as NonNullable<Update['message']>,
  });
  const press = (userId: number, data: string): Omit<Update, 'update_id'> => ({
    callback_query: {
      id: `cq-${Math.random()}`,
      from: from(userId),
      chat_instance: 'ci',
      data,
      message: { message_id: 1, date: 0, chat: chat(userId) } as Message,
    },
  });
  const photo = (
    userId: number,
    file: { file_id: string; file_unique_id: string; file_size: number },
  ): Omit<Update, 'update_id'> => ({
    message: {
      message_id: Math.floor(Math.random() * 1e6),
      date: Math.floor(Date.now() / 1000),
      chat: chat(userId),
      from: from(userId),
      photo: [{ ...file, width: 800, height: 600 }],
    } as NonNullable<Update['message']>,
  });
  const sentTo = (userId: number) => (fake.sent.get(String(userId)) ?? []).map((m) => m.text ?? '');
  const nextText = async (userId: number, count: number) =>
    eventually(
      async () => (sentTo(userId).length >= count ? sentTo(userId)[count - 1] : undefined),
      'a reply',
    );

  describe('long polling', () => {
    let bot: Bot<VolunteerContext>;
    let running: RunningTelegramBot;

    beforeAll(async () => {
      bot = createTelegramBot({
        token: TOKEN,
        apiRoot: fake.apiRoot,
        useCases: h.useCases,
        botInfo: botInfo(fake),
        maxPhotoBytes: MAX_PHOTO_BYTES,
        maxPhotos: 2,
      });
      running = await startTelegramPolling(bot);
    });
    afterAll(async () => {
      await running?.stop();
    });

    it('long-polls getUpdates and confirms each update with the next offset, handling it once', async () => {
      const id = await fake.pushUpdate(text(501, '/start'));
      expect(await nextText(501, 1)).toMatch(/Welcome to Wild Sentinel, User 501/);
      await eventually(
        async () => fake.callsTo('getUpdates').some((c) => Number(c.params.offset) === id + 1) || undefined,
        'the confirming offset',
      );
      const polls = fake.callsTo('getUpdates');
      expect(polls.every((c) => Number(c.params.timeout) > 0)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(sentTo(501)).toHaveLength(1);
    });

    it('downloads report photos through getFile within the size limit and attaches them to the report', async () => {
      const user = 502;
      await fake.pushUpdate(press(user, 'lang:en'));
      await fake.pushUpdate(press(user, 'consent:yes'));
      await nextText(user, 3);
      await fake.pushUpdate(text(user, '/report'));
      await fake.pushUpdate(text(user, 'https://shop.example/items/PH-1'));
      await fake.pushUpdate(press(user, 'sp:pangolin'));
      expect(await nextText(user, 6)).toMatch(/up to 2, 0 MB each|up to 2/);

      const good = jpeg(1500);
      const ok = fake.addFile(good);
      await fake.pushUpdate(photo(user, ok));
      expect(await nextText(user, 7)).toBe('Photo 1 saved.');

      // Announced too big: refused without downloading.
      const big = fake.addFile(jpeg(5000));
      await fake.pushUpdate(photo(user, big));
      expect(await nextText(user, 8)).toMatch(/^This photo is larger than/);
      expect(fake.fileDownloads.some((d) => d.path === big.file_path)).toBe(false);

      // Understated by the message and getFile: caught while reading the bytes.
      const liar = fake.addFile(jpeg(6000, 2), { announcedSize: 100 });
      await fake.pushUpdate(photo(user, liar));
      expect(await nextText(user, 9)).toMatch(/^This photo is larger than/);

      // Not an image at all.
      const exe = fake.addFile(Buffer.from('MZ this is not a picture'));
      await fake.pushUpdate(photo(user, exe));
      // Bytes that are no image: "only photos", not "try again".
      expect(await nextText(user, 10)).toMatch(/^Only photos \(JPEG, PNG or WebP\)/);

      await fake.pushUpdate(press(user, 'ph:done'));
      await fake.pushUpdate(press(user, 'note:skip'));
      expect(await nextText(user, 12)).toContain('Photos: 1');
      await fake.pushUpdate(press(user, 'rep:send'));
      expect(await nextText(user, 13)).toMatch(/recorded as case/);

      const { rows } = await h.db.pool.query(
        `SELECT p.sha256, p.size_bytes, p.mime_type, p.report_id IS NOT NULL AS attached
         FROM report_photos p JOIN volunteers v ON v.id = p.volunteer_id WHERE v.external_user_id = $1`,
        [String(user)],
      );
      expect(rows).toEqual([
        {
          sha256: createHash('sha256').update(good).digest('hex'),
          size_bytes: 1500,
          mime_type: 'image/jpeg',
          attached: true,
        },
      ]);
      // The token is in the download path only, never in what the bot says.
      expect(sentTo(user).join('\n')).not.toContain(TOKEN);
    });

    it('takes a photo sent before the link as the start of a report, and refuses a file that is no photo', async () => {
      const user = 503;
      await fake.pushUpdate(press(user, 'lang:en'));
      await fake.pushUpdate(press(user, 'consent:yes'));
      await nextText(user, 3);
      const first = jpeg(1200, 3);
      await fake.pushUpdate(photo(user, fake.addFile(first)));
      expect(await nextText(user, 4)).toBe(
        'Photo saved. Now send the link to the listing it shows (https://…).',
      );
      const pdf = fake.addFile(Buffer.from('%PDF-1.7 a receipt'));
      await fake.pushUpdate({
        message: {
          message_id: 9001,
          date: Math.floor(Date.now() / 1000),
          chat: chat(user),
          from: from(user),
          document: { ...pdf, file_name: 'receipt.pdf', mime_type: 'application/pdf' },
        } as NonNullable<Update['message']>,
      });
      expect(await nextText(user, 5)).toBe(
        'Only photos (JPEG, PNG or WebP) can be added to a report; this file was not saved.',
      );
      // Refused by its declared type: never downloaded.
      expect(fake.fileDownloads.some((d) => d.path === pdf.file_path)).toBe(false);
      await fake.pushUpdate(text(user, 'https://shop.example/items/PH-FIRST'));
      expect(await nextText(user, 6)).toMatch(/What is offered/);
      await fake.pushUpdate(press(user, 'sp:ivory'));
      await nextText(user, 7);
      await fake.pushUpdate(press(user, 'ph:done'));
      await fake.pushUpdate(press(user, 'note:skip'));
      expect(await nextText(user, 9)).toContain('Photos: 1');
      await fake.pushUpdate(press(user, 'rep:send'));
      expect(await nextText(user, 10)).toMatch(/recorded as case/);
      const { rows } = await h.db.pool.query(
        `SELECT p.sha256, r.listing_url FROM report_photos p JOIN reports r ON r.id = p.report_id
         JOIN volunteers v ON v.id = p.volunteer_id WHERE v.external_user_id = $1`,
        [String(user)],
      );
      expect(rows).toEqual([
        {
          sha256: createHash('sha256').update(first).digest('hex'),
          listing_url: 'https://shop.example/items/PH-FIRST',
        },
      ]);
    });
  });
  describe('webhook', () => {
    let server: Server;
    let url: string;

    beforeAll(async () => {
      const bot = createTelegramBot({
        token: TOKEN,
        apiRoot: fake.apiRoot,
        useCases: h.useCases,
        botInfo: botInfo(fake),
      });
      const listener = telegramWebhookListener(bot, SECRET);
      server = createServer((req, res) => {
        if (req.url === TELEGRAM_WEBHOOK_PATH) return void listener(req, res);
        res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await registerTelegramWebhook(bot, url, SECRET);
    });
    afterAll(async () => {
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
    });

    it('registers the webhook with its secret token; getUpdates is refused meanwhile', async () => {
      expect(fake.webhook()).toEqual({ url: `${url}${TELEGRAM_WEBHOOK_PATH}`, secretToken: SECRET });
      const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/getUpdates`);
      expect(res.status).toBe(409);
    });

    it('handles an update that carries the secret token', async () => {
      const id = await fake.pushUpdate(text(601, '/help'));
      expect(fake.webhookDeliveries.find((d) => d.updateId === id)?.status).toBe(200);
      expect(await nextText(601, 1)).toMatch(/\/report · Report a suspicious listing/);
    });

    it('refuses updates with a wrong or missing secret token and does nothing', async () => {
      await fetch(`${fake.apiRoot}/bot${TOKEN}/setWebhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${url}${TELEGRAM_WEBHOOK_PATH}`, secret_token: 'not-the-secret' }),
      });
      const id = await fake.pushUpdate(text(602, '/help'));
      expect(fake.webhookDeliveries.find((d) => d.updateId === id)?.status).toBe(401);

      const forged = await fetch(`${url}${TELEGRAM_WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ update_id: 99, ...text(602, '/help') }),
      });
      expect(forged.status).toBe(401);
      await new Promise((r) => setTimeout(r, 300));
      expect(sentTo(602)).toHaveLength(0);
      const { rows } = await h.db.pool.query(
        "SELECT count(*)::int AS n FROM volunteers WHERE external_user_id = '602'",
      );
      expect(rows[0].n).toBe(0);
    });

    it('never answers 200 for an update still being handled: past the timeout it answers 500', async () => {
      let finished = false;
      // The volunteer's record is stored slowly (a busy database): the handler outlives the timeout.
      const slow = createTelegramBot({
        token: TOKEN,
        apiRoot: fake.apiRoot,
        useCases: {
          ...h.useCases,
          enrol: async (account) => {
            await new Promise((r) => setTimeout(r, 600));
            const v = await h.useCases.enrol(account);
            finished = true;
            return v;
          },
        },
        botInfo: botInfo(fake),
      });
      const listener = telegramWebhookListener(slow, SECRET, { timeoutMs: 150 });
      const slowServer = createServer((req, res) => void listener(req, res));
      await new Promise<void>((resolve) => slowServer.listen(0, '127.0.0.1', resolve));
      try {
        const res = await fetch(`http://127.0.0.1:${(slowServer.address() as AddressInfo).port}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body: JSON.stringify({ update_id: 700, ...text(603, '/help') }),
        });
        expect(res.status).toBe(500);
        expect(finished).toBe(false);
        // The handler goes on and stores its write; Telegram's redelivery finds it done.
        await eventually(async () => finished || undefined, 'the slow handler');
        expect(await nextText(603, 1)).toMatch(/\/report · Report a suspicious listing/);
      } finally {
        slowServer.closeAllConnections();
        await new Promise((r) => slowServer.close(r));
      }
    });
  });
});
