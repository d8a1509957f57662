// The real grammY bot against telegram-test-api (a third-party Bot API emulator): onboarding, the guided
// /report dialog, duplicates, unknown links, markup injection, outcomes, stats, quizzes and flooding.
// The emulator answers getUpdates at once and ignores offset/timeout, so instead of bot.start()'s tight
// loop the test pulls updates every few milliseconds with the bot's own API client and hands them to it.
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import telegramTestApi from 'telegram-test-api';
import type { TelegramServer as TelegramServerClass } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type VolunteerContext } from '../../../bots/telegram/bot.ts';
import { telegramOutcomeDelivery } from '../../../bots/telegram/outcome.ts';
import { caseLabel } from '../../../shared/case-ref.ts';
import { freePort } from '../../../shared/net/free-port.ts';
import { caseStateQuery } from '../../../workflows/case-workflow.ts';
import { eventually } from '../../support/temporal.ts';
import { startVolunteerHarness, type VolunteerHarness } from '../volunteers/harness.ts';

// The package's CommonJS module.exports is the class itself.
const TelegramServer = telegramTestApi as unknown as typeof TelegramServerClass;
const TOKEN = '7000000001:test-token-for-the-emulator';

interface BotMessage {
  chat_id: number | string;
  text: string;
  parse_mode?: string;
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
}

describe('Telegram volunteer bot (grammY against telegram-test-api)', () => {
  let h: VolunteerHarness;
  let server: TelegramServerClass;
  let bot: Bot<VolunteerContext>;
  let polling = true;
  let loop: Promise<void>;

  beforeAll(async () => {
    h = await startVolunteerHarness({
      useCases: { rateLimit: { capacity: 25, refillPerSecond: 0.01 } },
    });
    server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await server.start();
    bot = createTelegramBot({
      token: TOKEN,
      apiRoot: server.config.apiURL,
      useCases: h.useCases,
      botInfo: {
        id: 7000000001,
        is_bot: true,
        first_name: 'Wild Sentinel',
        username: 'wild_sentinel_bot',
        can_join_groups: false,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
        can_connect_to_business: false,
        has_main_web_app: false,
        has_topics_enabled: false,
        allows_users_to_create_topics: false,
        can_manage_bots: false,
        supports_join_request_queries: false,
      },
    });
    h.deliveries.telegram = telegramOutcomeDelivery(bot.api);
    loop = (async () => {
      while (polling) {
        const updates: Update[] = await bot.api.getUpdates({ timeout: 0 }).catch(() => []);
        for (const u of updates) await bot.handleUpdate(u);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
  });

  afterAll(async () => {
    polling = false;
    await loop;
    await server?.stop();
    await h?.close();
  });

  /** A volunteer's phone: sends messages, presses buttons and reads what the bot sent. */
  function volunteer(userId: number, firstName: string, languageCode?: string) {
    const client = server.getClient(TOKEN, { userId, chatId: userId, firstName, userName: firstName });
    const from = {
      id: userId,
      first_name: firstName,
      username: firstName,
      is_bot: false,
      language_code: languageCode,
    };
    const received: BotMessage[] = [];
    const read = async () => {
      const res = await fetch(`${server.config.apiURL}/getUpdates`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: TOKEN, chatId: userId }),
      });
      const body = (await res.json()) as { result: { message: BotMessage }[] };
      received.push(...body.result.map((u) => u.message));
    };
    return {
      received,
      async command(text: string) {
        await client.sendCommand(client.makeCommand(text, { from }));
      },
      /** A text message; `entities` as a Telegram client marks links up. */
      async say(text: string, entities?: { type: string; offset: number; length: number; url?: string }[]) {
        await client.sendMessage(client.makeMessage(text, { from, ...(entities ? { entities } : {}) }));
      },
      async press(data: string) {
        await client.sendCallback(client.makeCallbackQuery(data, { from }));
      },
      /** Waits for the bot's next n messages. */
      async next(n = 1): Promise<BotMessage[]> {
        const start = received.length;
        await eventually(
          async () => {
            await read();
            return received.length >= start + n ? true : undefined;
          },
          `${n} message(s) from the bot`,
          30_000,
        );
        return received.slice(start, start + n);
      },
      buttons(m: BotMessage): string[] {
        return (m.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data);
      },
    };
  }

  it('onboards a volunteer: language choice, privacy note and consent', async () => {
    const amelie = volunteer(1001, 'Amélie');
    await amelie.command('/start');
    const [pick] = await amelie.next();
    expect(pick!.text).toContain('Amélie');
    expect(amelie.buttons(pick!)).toEqual([
      'lang:en',
      'lang:fr',
      'lang:es',
      'lang:pt',
      'lang:zh',
      'lang:vi',
      'lang:id',
      'lang:th',
    ]);

    await amelie.press('lang:fr');
    const [set, privacy] = await amelie.next(2);
    expect(set!.text).toBe('Langue : français.');
    expect(privacy!.text).toContain('<b>Confidentialité.</b>');
    expect(privacy!.text).toContain('/forgetme');
    expect(amelie.buttons(privacy!)).toEqual(['consent:yes']);

    await amelie.command('/report');
    expect((await amelie.next())[0]!.text).toContain('accepter la note de confidentialité');

    await amelie.press('consent:yes');
    expect((await amelie.next())[0]!.text).toContain('Cyber Spotters');
    const { rows } = await h.db.pool.query(
      "SELECT language, consented_at IS NOT NULL AS consented FROM volunteers WHERE external_user_id = '1001'",
    );
    expect(rows[0]).toEqual({ language: 'fr', consented: true });
  });

  /** A volunteer who has chosen a language and agreed. */
  async function onboarded(userId: number, name: string, languageCode: string) {
    const v = volunteer(userId, name, languageCode);
    await v.command('/start');
    await v.next();
    await v.press(`lang:${languageCode}`);
    await v.next(2);
    await v.press('consent:yes');
    await v.next();
    return v;
  }

  it('answers text it cannot store (NUL, a lone surrogate) with a message, and the dialog goes on', async () => {
    const dara = await onboarded(1009, 'Dara', 'en');
    await dara.command('/report');
    await dara.next();
    await dara.say('https://shop.example/items/IV-9\u0000');
    expect((await dara.next())[0]!.text).toBe(
      'That message contains characters that cannot be read. Please type it again.',
    );
    await dara.say('https://shop.example/items/IV-9');
    expect((await dara.next())[0]!.text).toMatch(/What is offered/);
  });

  let caseRef: string;

  it('guides a report from link to confirmation, refusing bad and unknown links, with the note escaped', async () => {
    const ben = await onboarded(1002, 'Ben', 'en');
    await ben.command('/report');
    expect((await ben.next())[0]!.text).toMatch(/Send the link/);

    await ben.say('look at this!!');
    expect((await ben.next())[0]!.text).toMatch(/not a web link/);

    await ben.say('https://www.unknown-market.example/p/77');
    expect((await ben.next())[0]!.text).toBe(
      'We do not work with unknown-market.example yet, so we cannot act on this link. Thank you for looking out!',
    );

    await ben.command('/report');
    await ben.next();
    // The platform's home page is not a listing: the dialog waits for the listing's own link.
    await ben.say('https://shop.example/');
    expect((await ben.next())[0]!.text).toBe(
      'That link is shop.example’s home or search page, not one listing. Please open the listing itself and send its link.',
    );
    await ben.say('https://shop.example/items/IV-42');
    const [species] = await ben.next();
    expect(species!.text).toMatch(/What is offered/);
    expect(ben.buttons(species!)).toContain('sp:ivory');
    expect(ben.buttons(species!)).toHaveLength(8);

    await ben.press('sp:ivory');
    const [photos] = await ben.next();
    expect(photos!.text).toMatch(/up to 5, 5 MB each/);
    await ben.press('ph:done');
    expect((await ben.next())[0]!.text).toMatch(/short note/);

    const note = '<b>URGENT</b> & <a href="https://evil.example">click</a> seller says "real"';
    await ben.say(note);
    const [confirm] = await ben.next();
    expect(confirm!.parse_mode).toBe('HTML');
    expect(confirm!.text).toContain(
      '&lt;b&gt;URGENT&lt;/b&gt; &amp; &lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt;',
    );
    expect(confirm!.text).not.toContain('<a href');
    expect(confirm!.text).toContain('Species or product: Ivory');
    expect(ben.buttons(confirm!)).toEqual(['rep:send', 'rep:cancel']);

    await ben.press('rep:send');
    const [done] = await ben.next();
    // The reference to read aloud, beside the internal id.
    const match = /case <b>(WS-[0-9A-Z]{5}) \((case-[0-9a-f]{24})\)<\/b>/.exec(done!.text);
    expect(match).not.toBeNull();
    caseRef = match![2]!;
    expect(match![1]).toBe(caseLabel(caseRef).slice(0, 8));

    const { rows } = await h.db.pool.query('SELECT species, note, case_id FROM reports WHERE case_id = $1', [
      caseRef,
    ]);
    expect(rows).toEqual([{ species: 'ivory', note, case_id: caseRef }]);
  });

  it('answers an overlong link and a dialog that no longer reads, and the report goes on', async () => {
    const dan = await onboarded(1011, 'Dan', 'en');
    await dan.command('/report');
    await dan.next();
    await dan.say(`https://shop.example/items/${'x'.repeat(10_000)}`);
    expect((await dan.next())[0]!.text).toMatch(/too long \(over 2000 characters\)/);
    await dan.say('https://shop.example/items/LONG-1');
    expect((await dan.next())[0]!.text).toMatch(/What is offered/);

    // A stored state from an older version (or damaged): the person is told, and can start again.
    await h.db.pool.query(
      `UPDATE volunteer_conversations SET state = '{"step":"photos","url":42}'
       WHERE volunteer_id = (SELECT id FROM volunteers WHERE external_user_id = '1011')`,
    );
    await dan.press('ph:done');
    expect((await dan.next())[0]!.text).toMatch(/lost track of your report.*\/report/);
  });

  it('takes a link shared with words around it: the words become the note, and a link outside a dialog starts a report', async () => {
    const cleo = await onboarded(1010, 'Cleo', 'en');
    // A phone's share sheet, outside any dialog.
    await cleo.say('look at this https://shop.example/items/SH-7 ivory bangle');
    expect((await cleo.next())[0]!.text).toMatch(/What is offered/);
    await cleo.press('sp:ivory');
    await cleo.next();
    await cleo.press('ph:done');
    await cleo.next();
    await cleo.say('seller is in Hanoi');
    const [confirm] = await cleo.next();
    expect(confirm!.text).toContain('https://shop.example/items/SH-7\n');
    expect(confirm!.text).toContain('Note: look at this ivory bangle\nseller is in Hanoi');
    await cleo.press('rep:send');
    await cleo.next();

    // Inside the dialog, with punctuation after the link and the note step skipped.
    await cleo.command('/report');
    await cleo.next();
    await cleo.say('Check out this item! https://shop.example/items/SH-8.');
    expect((await cleo.next())[0]!.text).toMatch(/What is offered/);
    await cleo.press('sp:ivory');
    await cleo.next();
    await cleo.press('ph:done');
    await cleo.next();
    await cleo.press('note:skip');
    await cleo.next();
    await cleo.press('rep:send');
    await cleo.next();

    // A word that links somewhere (Telegram's text_link entity), outside a dialog: that link is the listing.
    await cleo.say('this one, ivory', [
      { type: 'text_link', offset: 0, length: 8, url: 'https://shop.example/items/SH-9' },
    ]);
    expect((await cleo.next())[0]!.text).toMatch(/What is offered/);
    await cleo.press('sp:ivory');
    await cleo.next();
    await cleo.press('ph:done');
    await cleo.next();
    await cleo.press('note:skip');
    await cleo.next();
    await cleo.press('rep:send');
    await cleo.next();

    const { rows } = await h.db.pool.query(
      `SELECT listing_url, note FROM reports r JOIN volunteers v ON v.id = r.volunteer_id
       WHERE v.external_user_id = '1010' ORDER BY r.id`,
    );
    expect(rows).toEqual([
      {
        listing_url: 'https://shop.example/items/SH-7',
        note: 'look at this ivory bangle\nseller is in Hanoi',
      },
      { listing_url: 'https://shop.example/items/SH-8', note: 'Check out this item!' },
      { listing_url: 'https://shop.example/items/SH-9', note: 'this one, ivory' },
    ]);

    // Words without a link outside a dialog still get the help.
    await cleo.say('hello there');
    const help = (await cleo.next())[0]!.text;
    // Written from the command menu itself: every published command, /cancel included.
    expect(help.split('\n').map((l) => l.split(' · ')[0])).toEqual([
      'What I can do:',
      '/report',
      '/mystats',
      '/learn',
      '/language',
      '/cancel',
      '/forgetme',
    ]);
    expect(help).toContain('/cancel · Stop the current report');
  });

  it('attaches a second volunteer’s report of the same link to the same case; both learn the outcome', async () => {
    const chen = await onboarded(1003, 'Chen', 'zh');
    await chen.command('/report');
    expect((await chen.next())[0]!.text).toContain('请发送可疑商品的链接');
    await chen.say('https://shop.example/items/IV-42?');
    await chen.next();
    await chen.say('象牙手镯');
    await chen.next();
    await chen.press('ph:done');
    await chen.next();
    await chen.press('note:skip');
    const [confirm] = await chen.next();
    expect(confirm!.text).toContain('象牙手镯');
    await chen.press('rep:send');
    expect((await chen.next())[0]!.text).toContain(caseRef);

    await eventually(async () => {
      const s = await h.temporal.workflow.getHandle(caseRef).query(caseStateQuery);
      return s.reports.length === 2 ? true : undefined;
    }, 'two reports on one case');

    // Reporting the same link again is answered, not stored.
    await chen.command('/report');
    await chen.next();
    await chen.say('https://shop.example/items/IV-42');
    await chen.next();
    await chen.press('sp:ivory');
    await chen.next();
    await chen.press('ph:done');
    await chen.next();
    await chen.press('note:skip');
    await chen.next();
    await chen.press('rep:send');
    // The reference people can read aloud, beside the internal id.
    expect((await chen.next())[0]!.text).toBe(`您已举报过此商品（案件 ${caseLabel(caseRef)}）。`);
    expect(caseLabel(caseRef)).toMatch(/^WS-[0-9A-Z]{5} \(case-[0-9a-f]{24}\)$/);

    await h.decide(caseRef, 'approve');
    const ben = volunteer(1002, 'Ben');
    // First what the reviewer decided, then what the platform did.
    const [requested, removed] = await ben.next(2);
    const toChen = await chen.next(2);
    expect(requested!.text).toContain('<b>Confirmed, removal requested.</b>');
    expect(requested!.text).toContain(caseRef);
    expect(removed!.text).toContain('<b>Listing removed.</b> The platform removed');
    expect(toChen.map((m) => m.text.split('</b>')[0])).toEqual([
      '<b>已确认，已请求下架。',
      '<b>商品已下架。',
    ]);

    await chen.command('/mystats');
    const [stats] = await chen.next();
    expect(stats!.text).toContain('举报数：1');
    expect(stats!.text).toContain('已确认：1');
    expect(stats!.text).toContain('准确率：100%');
    // Ben and Chen both have one confirmed report: they share first place, and it says so.
    expect(stats!.text).toMatch(/排名：并列第 1 名，共 \d+ 人/);
  });

  it('runs a scored quiz', async () => {
    const dara = await onboarded(1004, 'Dara', 'en');
    await dara.command('/learn');
    const [q1] = await dara.next();
    expect(q1!.text).toMatch(/^<b>Question 1 of 3\.<\/b>/);
    expect(dara.buttons(q1!)).toEqual(['quiz:q1:0', 'quiz:q1:1', 'quiz:q1:2']);
    await dara.press('quiz:q1:1');
    const [right, q2] = await dara.next(2);
    expect(right!.text).toMatch(/^Correct!/);
    // Pressing an old question's button again changes nothing.
    await dara.press('quiz:q1:1');
    await dara.press('quiz:q2:0');
    const [wrong, q3] = await dara.next(2);
    expect(q2!.text).toContain('Question 2 of 3');
    expect(wrong!.text).toMatch(/^Not quite\./);
    expect(q3!.text).toContain('Question 3 of 3');
    await dara.press('quiz:q3:0');
    const [, done] = await dara.next(2);
    expect(done!.text).toBe('Quiz finished: 2 of 3 correct. All-time score: 2 of 3.');
  });

  it('forgets a volunteer on request; the account then starts afresh', async () => {
    const finn = await onboarded(1006, 'Finn', 'en');
    await finn.command('/forgetme');
    const [confirm] = await finn.next();
    expect(confirm!.text).toMatch(/erases your identity/);
    expect(finn.buttons(confirm!)).toEqual(['forget:yes']);
    await finn.press('forget:yes');
    expect((await finn.next())[0]!.text).toMatch(/no longer know who you are/);
    const { rows } = await h.db.pool.query(
      "SELECT count(*)::int AS n FROM volunteers WHERE display_name = 'Finn' OR external_user_id = '1006'",
    );
    expect(rows[0].n).toBe(0);
    await finn.command('/mystats');
    expect((await finn.next())[0]!.text).toMatch(/accept the privacy note first/);
  });

  it('stops answering a flooding user after the limit, telling them once', async () => {
    const eve = volunteer(1005, 'Eve', 'en');
    for (let i = 0; i < 40; i += 1) await eve.command('/help');
    // 25 messages fit the bucket; the 26th earns one notice; the rest get nothing.
    const answers = await eve.next(26);
    await new Promise((r) => setTimeout(r, 800));
    await eve.next(0);
    expect(eve.received).toHaveLength(26);
    expect(answers.filter((m) => /too much too fast/.test(m.text))).toHaveLength(1);
    expect(answers.at(-1)!.text).toMatch(/too much too fast/);
  });
});
