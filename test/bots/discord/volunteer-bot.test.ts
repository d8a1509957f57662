// The real discord.js client against a local Discord REST API and gateway: login (HELLO, IDENTIFY, READY,
// heartbeats), command registration, /report through a modal (photos as attachments), consent, /stats,
// duplicates, unknown links, outcomes by direct message, and answering a reviewer's question (text and a
// photo) from the Answer button under it, all through the shared volunteer use cases.
import { createHash } from 'node:crypto';
import { REST } from '@discordjs/rest';
import {
  type APIAttachment,
  GatewayIntentBits,
  InteractionResponseType,
  InteractionType,
} from 'discord-api-types/v10';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDiscordBot, startDiscordBot } from '../../../bots/discord/bot.ts';
import { discordOutcomeDelivery } from '../../../bots/discord/outcome.ts';
import { createInbox } from '../../../bots/inbox.ts';
import { caseCard } from '../../../bots/slack/case-card.ts';
import { pdqHashImage } from '../../../detectors/image/hash-image.ts';
import { caseStateQuery } from '../../../workflows/case-workflow.ts';
import { loadCaseView } from '../../../workflows/use-cases/case-view.ts';
import { decideCase } from '../../../workflows/use-cases/decide-case.ts';
import { buildEvidencePack, renderEvidenceHtml } from '../../../workflows/use-cases/evidence-pack.ts';
import {
  attachGateway,
  type FakeDiscordGateway,
  startFakeDiscordGateway,
  type VolunteerBotRoutes,
} from '../../fakes/discord-gateway.ts';
import { botMessage, type FakeDiscord, fakeSnowflake, startFakeDiscord } from '../../fakes/discord-rest.ts';
import { eventually } from '../../support/temporal.ts';
import { REVIEWER, startVolunteerHarness, type VolunteerHarness } from '../volunteers/harness.ts';

const TOKEN = 'discord-bot-token.for.tests';
/** How a case id reads in Discord markdown. */
const shown = (id: string) => id.replace('-', '\\-');

describe('Discord volunteer bot (discord.js against a local REST API and gateway)', () => {
  let h: VolunteerHarness;
  let rest: FakeDiscord;
  let gateway: FakeDiscordGateway;
  let routes: VolunteerBotRoutes;
  let bot: RunningDiscordBot;

  beforeAll(async () => {
    [h, rest] = await Promise.all([
      // Bursts of 20 and (almost) no refill, so a slow machine cannot blur the flooding test.
      startVolunteerHarness({ useCases: { rateLimit: { capacity: 20, refillPerSecond: 0.001 } } }),
      startFakeDiscord({ token: TOKEN }),
    ]);
    gateway = await startFakeDiscordGateway({
      token: TOKEN,
      applicationId: rest.applicationId,
      botUserId: rest.botUserId,
      heartbeatIntervalMs: 300,
    });
    routes = attachGateway(rest, gateway);
    h.deliveries.discord = discordOutcomeDelivery(new REST({ api: rest.apiUrl, retries: 0 }).setToken(TOKEN));
    bot = await startDiscordBot({
      token: TOKEN,
      apiUrl: rest.apiUrl,
      useCases: h.useCases,
      inbox: createInbox({ pool: h.db.pool }),
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await gateway?.close();
    await rest?.close();
    await h?.close();
  });

  const user = (id: string, name: string) => ({
    id,
    username: name.toLowerCase(),
    discriminator: '0',
    global_name: name,
    avatar: null,
  });
  const dmChannel = (userId: string) => ({ id: `9${userId}`, type: 1, recipients: [user(userId, 'x')] });

  /** Sends an interaction through the gateway and waits for the bot's callback to it. */
  async function interact(
    userId: string,
    name: string,
    locale: string,
    type: InteractionType,
    data: unknown,
    extra = {},
  ) {
    const id = fakeSnowflake();
    const token = `itoken-${id}`;
    gateway.dispatch('INTERACTION_CREATE', {
      id,
      application_id: rest.applicationId,
      type,
      token,
      version: 1,
      data,
      channel_id: `9${userId}`,
      channel: dmChannel(userId),
      user: user(userId, name),
      locale,
      app_permissions: '0',
      entitlements: [],
      authorizing_integration_owners: { '1': userId },
      context: 1,
      attachment_size_limit: 8 * 1024 * 1024,
      ...extra,
    });
    const callback = await eventually(
      async () => routes.callbacks.find((c) => c.interactionId === id),
      `the answer to interaction ${id}`,
    );
    return { callback, token };
  }
  const command = (userId: string, name: string, locale: string, commandName: string) =>
    interact(userId, name, locale, InteractionType.ApplicationCommand, {
      id: fakeSnowflake(),
      name: commandName,
      type: 1,
    });
  const pressButton = (userId: string, name: string, locale: string, customId: string) =>
    interact(
      userId,
      name,
      locale,
      InteractionType.MessageComponent,
      { custom_id: customId, component_type: 2 },
      {
        message: botMessage(rest.botUserId, { channel_id: `9${userId}`, flags: 64, components: [] }),
      },
    );
  /**
   * Submits a modal as Discord sends it: text inputs in action rows, uploaded files in a label's file
   * upload component with the attachments in `resolved`; returns the edited (deferred) reply.
   */
  async function submitModal(
    userId: string,
    name: string,
    locale: string,
    customId: string,
    fields: Record<string, string>,
    files: Record<string, APIAttachment[]> = {},
  ) {
    const uploads = Object.entries(files).map(([id, list]) => ({
      type: 18,
      component: { type: 19, custom_id: id, values: list.map((a) => a.id) },
    }));
    const attachments = Object.fromEntries(Object.values(files).flatMap((l) => l.map((a) => [a.id, a])));
    const { callback, token } = await interact(userId, name, locale, InteractionType.ModalSubmit, {
      custom_id: customId,
      components: [
        ...Object.entries(fields).map(([id, value]) => ({
          type: 1,
          components: [{ type: 4, custom_id: id, value }],
        })),
        ...uploads,
      ],
      ...(uploads.length ? { resolved: { attachments } } : {}),
    });
    expect(callback.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(callback.body.data?.flags).toBe(64);
    const edit = await eventually(async () => routes.edits.find((e) => e.token === token), 'the reply');
    return edit.body as { content: string; allowed_mentions?: { parse: string[] } };
  }
  const submitReport = (
    userId: string,
    name: string,
    locale: string,
    fields: { link: string; species: string; note: string },
    photos?: APIAttachment[],
  ) => submitModal(userId, name, locale, 'report_modal', fields, photos ? { photos } : {});

  /** A real picture (a gradient), so it has a PDQ hash as well as a sha256. */
  const picture = (seed: number, format: 'png' | 'jpeg') => {
    const pixels = Buffer.alloc(64 * 64 * 3);
    for (let i = 0; i < pixels.length; i += 1) pixels[i] = (((i / 3) % 64) * seed + (i % 3) * 20) % 256;
    return sharp(pixels, { raw: { width: 64, height: 64, channels: 3 } })
      .toFormat(format)
      .toBuffer();
  };
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('logs in over the gateway, keeps heartbeating and registers its commands', async () => {
    expect(gateway.identifies).toHaveLength(1);
    expect(gateway.identifies[0]!.token).toBe(TOKEN);
    expect(gateway.identifies[0]!.intents & GatewayIntentBits.Guilds).toBe(GatewayIntentBits.Guilds);
    await eventually(async () => (gateway.heartbeatsAcked() >= 2 ? true : undefined), 'two heartbeats');
    expect(bot.client.isReady()).toBe(true);
    // The same commands as on Telegram (less /cancel: a modal needs none), plus /help.
    expect(routes.commands().map((c) => c.name)).toEqual([
      'report',
      'mystats',
      'learn',
      'language',
      'forgetme',
      'help',
    ]);
    const learn = routes.commands().find((c) => c.name === 'learn') as unknown as {
      description: string;
      description_localizations?: Record<string, string>;
    };
    expect(learn.description).toBe('A short training quiz');
    expect(learn.description_localizations?.['pt-BR']).toBe('Um quiz curto de treino');
  });

  it('has the Telegram bot’s quiz, language choice and help, written from the registered commands', async () => {
    await command('4444', 'Kim', 'en-US', 'help');
    await pressButton('4444', 'Kim', 'en-US', 'consent:yes');
    const help = String((await command('4444', 'Kim', 'en-US', 'help')).callback.body.data?.content);
    expect(help.split('\n').map((l) => l.split(' · ')[0])).toEqual([
      'What I can do:',
      '/report',
      '/mystats',
      '/learn',
      '/language',
      '/forgetme',
      '/help',
    ]);

    // The quiz: one question at a time, the answer explained, a score at the end.
    const quiz = await command('4444', 'Kim', 'en-US', 'learn');
    expect(String(quiz.callback.body.data?.content)).toContain('**Question 1 of 3.**');
    const ids = (c: typeof quiz) =>
      JSON.stringify(c.callback.body.data?.components).match(/quiz:[a-z0-9]+:\d:\d/g) ?? [];
    expect(ids(quiz)).toEqual(['quiz:q1:0:0', 'quiz:q1:1:0', 'quiz:q1:2:0']);
    const second = await pressButton('4444', 'Kim', 'en-US', 'quiz:q1:1:0');
    expect(second.callback.body.type).toBe(InteractionResponseType.UpdateMessage);
    expect(String(second.callback.body.data?.content)).toMatch(/^Correct!/);
    expect(ids(second)).toEqual(['quiz:q2:0:1', 'quiz:q2:1:1', 'quiz:q2:2:1']);
    const third = await pressButton('4444', 'Kim', 'en-US', 'quiz:q2:0:1');
    expect(String(third.callback.body.data?.content)).toMatch(/^Not quite\./);
    const done = await pressButton('4444', 'Kim', 'en-US', 'quiz:q3:0:1');
    expect(String(done.callback.body.data?.content)).toContain('Quiz finished: 2 of 3 correct.');
    const { rows } = await h.db.pool.query(
      `SELECT q.question_id, q.correct FROM quiz_answers q JOIN volunteers v ON v.id = q.volunteer_id
       WHERE v.external_user_id = '4444' ORDER BY q.question_id`,
    );
    expect(rows).toEqual([
      { question_id: 'q1', correct: true },
      { question_id: 'q2', correct: false },
      { question_id: 'q3', correct: true },
    ]);

    // A chosen language sticks, whatever the Discord client's language.
    const picker = await command('4444', 'Kim', 'en-US', 'language');
    expect(JSON.stringify(picker.callback.body.data?.components)).toContain('lang:vi');
    const set = await pressButton('4444', 'Kim', 'en-US', 'lang:vi');
    expect(String(set.callback.body.data?.content)).toBe('Đã chọn tiếng Việt.');
    const stats = await command('4444', 'Kim', 'en-US', 'mystats');
    expect(String(stats.callback.body.data?.content)).toContain('**Báo cáo của bạn**');
  });

  it('asks for consent first, in the volunteer’s language, then opens the report modal', async () => {
    const first = await command('1111', 'Lucie', 'fr', 'report');
    expect(first.callback.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(first.callback.body.data?.flags).toBe(64);
    expect(String(first.callback.body.data?.content)).toContain('**Confidentialité.**');
    expect(JSON.stringify(first.callback.body.data?.components)).toContain('consent:yes');

    const agreed = await pressButton('1111', 'Lucie', 'fr', 'consent:yes');
    expect(agreed.callback.body.type).toBe(InteractionResponseType.UpdateMessage);
    expect(String(agreed.callback.body.data?.content)).toContain('Cyber Spotters');

    const modal = await command('1111', 'Lucie', 'fr', 'report');
    expect(modal.callback.body.type).toBe(InteractionResponseType.Modal);
    const json = JSON.stringify(modal.callback.body.data);
    expect(modal.callback.body.data?.custom_id).toBe('report_modal');
    for (const id of ['"link"', '"species"', '"note"']) expect(json).toContain(id);
    expect(json).toContain('Lien de l’annonce');
    // Photos are attached in the form itself: a file upload of up to five files.
    expect(modal.callback.body.data?.components).toContainEqual({
      type: 18,
      label: 'Photos (facultatif)',
      component: { type: 19, custom_id: 'photos', min_values: 0, max_values: 5, required: false },
    });
  });

  let caseId: string;

  it('records a report from the modal, escapes nothing into mentions, and refuses unknown links', async () => {
    const note = '@everyone **free** <@1234> [click](https://evil.example)';
    const reply = await submitReport('1111', 'Lucie', 'fr', {
      link: 'https://shop.example/items/DX-7',
      species: 'Ivoire',
      note,
    });
    expect(reply.allowed_mentions).toEqual({ parse: [] });
    // Discord markdown: hyphens and brackets are escaped (shown as written); the reference comes first.
    const match = /dossier \*\*WS\\-[0-9A-Z]{5} \\\(case\\-([0-9a-f]{24})\\\)\*\*/.exec(reply.content);
    expect(match).not.toBeNull();
    caseId = `case-${match![1]!}`;
    const { rows } = await h.db.pool.query('SELECT species, note FROM reports WHERE case_id = $1', [caseId]);
    expect(rows).toEqual([{ species: 'Ivoire', note }]);

    const unknown = await submitReport('1111', 'Lucie', 'fr', {
      link: 'https://other-market.example/x/1',
      species: 'Ivoire',
      note: '',
    });
    expect(unknown.content).toBe(
      'Nous ne travaillons pas encore avec other\\-market.example : nous ne pouvons pas agir sur ce lien. Merci de votre vigilance !',
    );

    // A link pasted with the words a share sheet puts around it: the link is the listing, the words the note.
    const shared = await submitReport('1111', 'Lucie', 'fr', {
      link: 'regarde ça https://shop.example/items/DX-8 bracelet en ivoire',
      species: 'Ivoire',
      note: 'vendeur à Hanoï',
    });
    expect(shared.content).toContain('**WS\\-');
    const { rows: sharedRows } = await h.db.pool.query(
      `SELECT listing_url, note FROM reports WHERE external_id = 'DX-8'`,
    );
    expect(sharedRows).toEqual([
      {
        listing_url: 'https://shop.example/items/DX-8',
        note: 'regarde ça bracelet en ivoire\nvendeur à Hanoï',
      },
    ]);
  });

  it('joins a second volunteer’s report to the same case and tells both by direct message', async () => {
    await command('2222', 'Sam', 'en-US', 'mystats');
    await pressButton('2222', 'Sam', 'en-US', 'consent:yes');
    const reply = await submitReport('2222', 'Sam', 'en-US', {
      link: 'https://www.shop.example/items/DX-7/',
      species: 'ivory',
      note: '',
    });
    expect(reply.content).toContain(shown(caseId));
    await eventually(async () => {
      const s = await h.temporal.workflow.getHandle(caseId).query(caseStateQuery);
      return s.reports.length === 2 ? true : undefined;
    }, 'two reports on the case');

    const dmOf = async (userId: string, n: number) =>
      eventually(
        async () => {
          const channel = routes.dmChannelOf(userId);
          return channel ? rest.messages.get(channel)?.[n] : undefined;
        },
        `DM ${n + 1} to ${userId}`,
      );
    // A reviewer's question reaches both reporters, escaped (no mention, no formatting of its own).
    const asked = await decideCase(h.temporal, {
      caseId,
      actor: REVIEWER,
      decision: 'request_info',
      reason: 'Was it @everyone *real* ivory?',
      requestId: 'discord-ask',
    });
    expect(asked.ok).toBe(true);
    const question = await dmOf('2222', 0);
    expect(question.content).toContain('**More information needed.**');
    expect(question.content).toContain('Their question: Was it @\u200beveryone \\*real\\* ivory?');
    await h.decide(caseId, 'reject');
    const [lucie, sam] = await Promise.all([dmOf('1111', 1), dmOf('2222', 1)]);
    expect(lucie.content).toContain('**Pas d’infraction.**');
    expect(lucie.content).toContain(shown(caseId));
    expect(sam.content).toContain('**Not a violation.**');
    const posts = rest.callsTo('POST', /^\/channels\/\d+\/messages$/);
    expect(posts).toHaveLength(4);
    expect(
      posts.every(
        (p) => JSON.stringify((p.body as { allowed_mentions: unknown }).allowed_mentions) === '{"parse":[]}',
      ),
    ).toBe(true);

    const stats = await command('2222', 'Sam', 'en-US', 'mystats');
    const content = String(stats.callback.body.data?.content);
    expect(content).toContain('Reports: 1');
    expect(content).toContain('Not a violation: 1');
    expect(content).toContain('Accuracy: 0%');
  });

  it('keeps a report’s photo attachments (sha256 and PDQ, shown to reviewers) and says which files were not kept', async () => {
    await command('5555', 'Ade', 'en-GB', 'mystats');
    await pressButton('5555', 'Ade', 'en-GB', 'consent:yes');
    const png = await picture(4, 'png');
    const photo = rest.addAttachment(png, { name: 'listing.png', contentType: 'image/png' });
    const pdf = rest.addAttachment(Buffer.from('%PDF-1.4\n1 0 obj\n'), {
      name: 'receipt.pdf',
      contentType: 'application/pdf',
    });
    // Discord announces a size above the limit: never downloaded.
    const huge = rest.addAttachment(await picture(5, 'png'), { name: 'huge.png', size: 50 * 1024 * 1024 });
    const reply = await submitReport(
      '5555',
      'Ade',
      'en-GB',
      { link: 'https://shop.example/items/DX-9', species: 'pangolin scales', note: '' },
      [photo, pdf, huge],
    );
    const caseRef = /case \*\*WS\\-[0-9A-Z]{5} \\\(case\\-([0-9a-f]{24})\\\)\*\*/.exec(reply.content);
    expect(caseRef).not.toBeNull();
    expect(reply.content).toContain('Only photos \\(JPEG, PNG or WebP\\) can be added to a report');
    expect(reply.content).toContain('This photo is larger than 5 MB and was not saved.');
    expect(rest.attachmentDownloads.some((p) => p.startsWith(`/attachments/${huge.id}/`))).toBe(false);

    const askedCase = `case-${caseRef![1]!}`;
    const view = (await loadCaseView(h.db.pool, askedCase))!;
    const { hash: pdq } = await pdqHashImage(png, undefined, { maxSide: 512 });
    expect(view.photos).toEqual([
      expect.objectContaining({ sha256: sha256(png), pdq, mimeType: 'image/png', answer: false }),
    ]);
    const state = await h.temporal.workflow.getHandle(askedCase).query(caseStateQuery);
    const card = JSON.stringify(caseCard(view, state).blocks);
    expect(card).toContain(`sha256 \`${sha256(png)}\` · PDQ \`${pdq}\``);
    // The internal evidence pack lists it too, with both hashes.
    const pack = (await buildEvidencePack(h.db.pool, askedCase, 'cli:test'))!;
    expect(pack.case.photos).toEqual([expect.objectContaining({ sha256: sha256(png), pdq, answer: false })]);
    const html = renderEvidenceHtml(pack);
    expect(html).toContain('<h2>Volunteer photos</h2>');
    expect(html).toContain(sha256(png));
    expect(html).toContain(pdq);
  });

  it('lets a Discord reporter answer a reviewer’s question with text and a photo from the Answer button', async () => {
    const { rows: reports } = await h.db.pool.query<{ id: string; case_id: string }>(
      `SELECT r.id, r.case_id FROM reports r JOIN volunteers v ON v.id = r.volunteer_id
       WHERE v.external_user_id = '5555'`,
    );
    const { id: reportId, case_id: askedCase } = reports[0]!;
    const asked = await decideCase(h.temporal, {
      caseId: askedCase,
      actor: REVIEWER,
      decision: 'request_info',
      reason: 'Is the <@1234> seller **the same**?',
      requestId: 'discord-answer-ask',
    });
    expect(asked.ok).toBe(true);
    const question = await eventually(async () => {
      const channel = routes.dmChannelOf('5555');
      return channel ? rest.messages.get(channel)?.[0] : undefined;
    }, 'the question by DM');
    expect(question.content).toContain('Their question: Is the <@\u200b1234\\> seller \\*\\*the same\\*\\*?');
    expect(JSON.stringify(question.components)).toContain(`"custom_id":"ans:${reportId}"`);
    expect(JSON.stringify(question.components)).toContain('"label":"Answer"');

    // The button opens the answer form: text and one photo, both optional.
    const form = await pressButton('5555', 'Ade', 'en-GB', `ans:${reportId}`);
    expect(form.callback.body.type).toBe(InteractionResponseType.Modal);
    expect(form.callback.body.data?.custom_id).toBe(`answer_modal:${reportId}`);
    expect(JSON.stringify(form.callback.body.data)).toContain('"custom_id":"answer"');
    expect(form.callback.body.data?.components).toContainEqual({
      type: 18,
      label: 'Photo (optional)',
      component: { type: 19, custom_id: 'answer_photo', min_values: 0, max_values: 1, required: false },
    });

    // An empty form is answered with what to send, and nothing is stored.
    const empty = await interact('5555', 'Ade', 'en-GB', InteractionType.ModalSubmit, {
      custom_id: `answer_modal:${reportId}`,
      components: [{ type: 1, components: [{ type: 4, custom_id: 'answer', value: '  ' }] }],
    });
    expect(String(empty.callback.body.data?.content)).toBe('Send your answer as a message or a photo.');

    const jpeg = await picture(7, 'jpeg');
    const photo = rest.addAttachment(jpeg, { name: 'seller.jpg', contentType: 'image/jpeg' });
    const thanks = await submitModal(
      '5555',
      'Ade',
      'en-GB',
      `answer_modal:${reportId}`,
      { answer: 'Yes, same *seller* as @everyone knows' },
      { answer_photo: [photo] },
    );
    expect(thanks.content).toMatch(/^Thank you! Your answer was added to case WS\\-[0-9A-Z]{5}/);
    expect(thanks.allowed_mentions).toEqual({ parse: [] });

    // Signalled to the workflow, stored with the report, shown on the card (escaped) with the photo's hashes.
    const state = await eventually(async () => {
      const s = await h.temporal.workflow.getHandle(askedCase).query(caseStateQuery);
      return s.infoAnswers?.length === 1 ? s : undefined;
    }, 'the answer signalled to the workflow');
    const view = (await loadCaseView(h.db.pool, askedCase))!;
    expect(view.answers.map((a) => [a.text, a.photo?.sha256 ?? null])).toEqual([
      ['Yes, same *seller* as @everyone knows', sha256(jpeg)],
    ]);
    const { hash: pdq } = await pdqHashImage(jpeg, undefined, { maxSide: 512 });
    expect(view.photos.filter((p) => p.answer)).toEqual([
      expect.objectContaining({ sha256: sha256(jpeg), pdq, mimeType: 'image/jpeg' }),
    ]);
    const card = JSON.stringify(caseCard(view, state).blocks);
    expect(card).toContain(
      `A reporter answered: Yes, same ∗seller∗ as @everyone knows · photo (image/jpeg, sha256 \`${sha256(jpeg).slice(0, 16)}…\`)`,
    );

    // The same delivery applied again (an inbox retry) stores one answer.
    const again = await h.useCases.answerCase({
      volunteerId: (await h.db.pool.query('SELECT volunteer_id FROM reports WHERE id = $1', [reportId]))
        .rows[0].volunteer_id,
      reportId,
      text: 'Yes, same *seller* as @everyone knows',
      requestId: `discord:${state.infoAnswers![0]!.answerId}-retry`,
    });
    expect(again.kind).toBe('recorded');
    const twice = await h.useCases.answerCase({
      volunteerId: (await h.db.pool.query('SELECT volunteer_id FROM reports WHERE id = $1', [reportId]))
        .rows[0].volunteer_id,
      reportId,
      text: 'Yes, same *seller* as @everyone knows',
      requestId: `discord:${state.infoAnswers![0]!.answerId}-retry`,
    });
    expect(twice).toEqual(again);
    const { rows: stored } = await h.db.pool.query(
      'SELECT count(*)::int AS n FROM report_answers WHERE case_id = $1',
      [askedCase],
    );
    expect(stored[0].n).toBe(2);

    // Once the case is decided, the form is answered politely and nothing is added.
    await h.decide(askedCase, 'approve');
    await eventually(async () => {
      const { rows } = await h.db.pool.query('SELECT outcome FROM reports WHERE id = $1', [reportId]);
      return rows[0].outcome === 'confirmed' ? true : undefined;
    }, 'the report confirmed');
    const late = await submitModal('5555', 'Ade', 'en-GB', `answer_modal:${reportId}`, {
      answer: 'One more',
    });
    expect(late.content).toBe('This case no longer waits for an answer. Thank you!');
  });

  it('answers a flooding user up to the limit, then tells them once and goes quiet', async () => {
    const before = routes.callbacks.length;
    const ids: string[] = [];
    for (let i = 0; i < 24; i += 1) {
      const id = fakeSnowflake();
      ids.push(id);
      gateway.dispatch('INTERACTION_CREATE', {
        id,
        application_id: rest.applicationId,
        type: InteractionType.ApplicationCommand,
        token: `flood-${id}`,
        version: 1,
        data: { id: fakeSnowflake(), name: 'stats', type: 1 },
        channel_id: '93333',
        channel: dmChannel('3333'),
        user: user('3333', 'Flo'),
        locale: 'en-GB',
        app_permissions: '0',
        entitlements: [],
        authorizing_integration_owners: { '1': '3333' },
        context: 1,
      });
    }
    // 20 fit the bucket, the 21st is told about the limit, the rest get no answer.
    await eventually(async () => (routes.callbacks.length - before >= 21 ? true : undefined), '21 answers');
    await new Promise((r) => setTimeout(r, 800));
    const answers = routes.callbacks.slice(before).filter((c) => ids.includes(c.interactionId));
    expect(answers).toHaveLength(21);
    expect(answers.filter((c) => String(c.body.data?.content).includes('too much too fast'))).toHaveLength(1);
  });
});
