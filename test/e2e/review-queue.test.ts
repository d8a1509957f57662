// The reviewer's queue and tools in Slack, against the real Bolt app and its signature check: the App
// Home queue (most urgent, then oldest first) with claim and release, /case lookups, notes and code-word
// proposals, asking for information (volunteers' reports marked), escalation by hand, and forged or
// stale requests refused.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseRef } from '../../shared/case-ref.ts';
import { volunteerReportSignal } from '../../workflows/case-workflow.ts';
import {
  sendBlockAction,
  sendEvent,
  sendSlashCommand,
  sendViewSubmission,
} from '../fakes/slack-interactions.ts';
import { eventually } from '../support/temporal.ts';
import {
  mrkdwnTexts,
  type ReviewHarness,
  SIGNING_SECRET,
  startReviewHarness,
} from './support/review-system.ts';

let h: ReviewHarness;
let n = 0;
const listing = (title: string) => ({
  externalId: `Q-${++n}`,
  title,
  description: 'Genuine ivory, old stock, WhatsApp me',
  price: 120,
  currency: 'EUR',
});
const events = () => `${h.system.apiUrl}/slack/events`;
const homeFor = async (user: string) => {
  const before = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === user).length;
  const res = await sendEvent(
    events(),
    { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' },
    {
      signingSecret: SIGNING_SECRET,
    },
  );
  expect(res.status).toBe(200);
  const call = await eventually(
    async () => h.slack.callsTo('views.publish').filter((c) => c.args.user_id === user)[before],
    `the home tab of ${user}`,
  );
  return call.args.view as { blocks: { block_id?: string; accessory?: { action_id: string } }[] };
};
const queueOrder = (view: { blocks: { block_id?: string }[] }) =>
  view.blocks.filter((b) => b.block_id?.startsWith('queue_')).map((b) => b.block_id!.slice('queue_'.length));
const claimedBy = async (caseId: string) =>
  (await h.db.pool.query('SELECT claimed_by FROM cases WHERE id = $1', [caseId])).rows[0].claimed_by;

let a: string;
let b: string;
let c: string;

beforeAll(async () => {
  h = await startReviewHarness('queue');
  a = await h.ingest(listing('Ivory bangle A'));
  b = await h.ingest(listing('Ivory bangle B'));
  c = await h.ingest(listing('Ivory bangle C <!channel>'));
  // C is the most urgent: it comes first although it is the newest.
  await h.db.pool.query('UPDATE cases SET priority = 1 WHERE id = $1', [c]);
});
afterAll(async () => {
  await h?.close();
});

describe('review queue and tools', () => {
  it('shows a reviewer the open cases, most urgent first, then oldest; outsiders see no queue', async () => {
    const view = await homeFor('U1');
    expect(queueOrder(view)).toEqual([c, a, b]);
    expect(JSON.stringify(view.blocks)).toContain('Ivory bangle C &lt;!channel&gt;');
    expect(view.blocks.filter((x) => x.accessory).map((x) => x.accessory!.action_id)).toEqual([
      'case_claim',
      'case_claim',
      'case_claim',
    ]);
    const outsider = await homeFor('UOUTSIDER');
    expect(queueOrder(outsider)).toEqual([]);
    expect(JSON.stringify(outsider.blocks)).toMatch(/do not hold a reviewer role/);
  });

  it('lets one reviewer claim a case: others cannot claim or decide it, leads still see it', async () => {
    await sendBlockAction(
      events(),
      { actionId: 'case_claim', value: a, userId: 'U1', fromHome: true },
      {
        signingSecret: SIGNING_SECRET,
      },
    );
    await h.waitFor(a, 'the claim', (s) => s.claimedBy === 'U1');
    await eventually(async () => ((await claimedBy(a)) === 'U1' ? true : undefined), 'the stored claim');

    await sendBlockAction(
      events(),
      { actionId: 'case_claim', value: a, userId: 'U2', fromHome: true },
      {
        signingSecret: SIGNING_SECRET,
      },
    );
    // Clicked in the App Home: the refusal arrives as a direct message.
    const dm = await eventually(
      async () => h.slack.callsTo('chat.postMessage').find((m) => m.args.channel === 'U2'),
      'the refusal DM',
    );
    expect(String(dm.args.text)).toMatch(/claimed by U1/);
    await h.click({ actionId: 'case_approve', caseId: a, userId: 'U2' });
    await eventually(
      async () => h.ephemeralsTo('U2').find((m) => /claimed by U1/.test(String(m.args.text))),
      'the refusal',
    );
    expect((await h.state(a)).status).toBe('open');

    expect(queueOrder(await homeFor('U2'))).toEqual([c, b]);
    const mine = await homeFor('U1');
    expect(queueOrder(mine)).toEqual([c, a, b]);
    expect(mine.blocks.find((x) => x.block_id === `queue_${a}`)?.accessory?.action_id).toBe('case_release');
    expect(queueOrder(await homeFor('UL1'))).toEqual([c, a, b]);
    const card = await eventually(async () => {
      const k = await h.card(a);
      return JSON.stringify(k.blocks).includes('Claimed by') ? k : undefined;
    }, 'the claimed card');
    expect(mrkdwnTexts(card.blocks).join('\n')).toContain('Claimed by <@U1>');

    await sendBlockAction(
      events(),
      { actionId: 'case_release', value: a, userId: 'U1', fromHome: true },
      {
        signingSecret: SIGNING_SECRET,
      },
    );
    await h.waitFor(a, 'the release', (s) => s.claimedBy === undefined);
    await eventually(async () => ((await claimedBy(a)) === null ? true : undefined), 'the stored release');
    const { rows } = await h.db.pool.query(
      "SELECT action FROM audit_log WHERE subject_id = $1 AND action LIKE 'case.%' ORDER BY seq",
      [a],
    );
    expect(rows.map((r) => r.action)).toEqual(['case.opened', 'case.claimed', 'case.released']);
  });

  it('looks a case up with /case, for reviewers only', async () => {
    const ok = await sendSlashCommand(
      events(),
      { command: '/case', text: c, userId: 'U2' },
      { signingSecret: SIGNING_SECRET },
    );
    const body = (await ok.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain(c);
    expect(body.text).toContain('Ivory bangle C &lt;!channel&gt;');
    expect(body.text).toContain(caseRef(c));
    // The reference people read aloud finds the same case, typed loosely (lower case, a space).
    const byRef = await sendSlashCommand(
      events(),
      { command: '/case', text: caseRef(c).toLowerCase().replace('-', ' '), userId: 'U2' },
      { signingSecret: SIGNING_SECRET },
    );
    expect(((await byRef.json()) as { text: string }).text).toBe(body.text);
    // A well-formed reference of no case is answered plainly.
    const unknownRef = caseRef(c) === 'WS-00000' ? 'WS-ZZZZZ' : 'WS-00000';
    const none = await sendSlashCommand(
      events(),
      { command: '/case', text: unknownRef, userId: 'U2' },
      { signingSecret: SIGNING_SECRET },
    );
    expect(((await none.json()) as { text: string }).text).toBe(`no case ${unknownRef}`);
    const outsider = await sendSlashCommand(
      events(),
      { command: '/case', text: c, userId: 'UOUTSIDER' },
      {
        signingSecret: SIGNING_SECRET,
      },
    );
    expect(((await outsider.json()) as { text: string }).text).toMatch(/not an authorised reviewer/);
    const bad = await sendSlashCommand(
      events(),
      { command: '/case', text: 'DROP TABLE', userId: 'U2' },
      {
        signingSecret: SIGNING_SECRET,
      },
    );
    expect(((await bad.json()) as { text: string }).text).toMatch(/Usage/);
  });

  it('stores a note and a proposed code word for the keyword library, and shows the note on the card', async () => {
    await h.click({ actionId: 'case_note', caseId: b, userId: 'U2' });
    const opened = await eventually(
      async () =>
        h.slack
          .callsTo('views.open')
          .find((v) => (v.args.view as { callback_id: string }).callback_id === 'case_note_modal'),
      'the note modal',
    );
    const meta = (opened.args.view as { private_metadata: string }).private_metadata;
    const invalid = await h.submit({
      callbackId: 'case_note_modal',
      userId: 'U2',
      privateMetadata: meta,
      values: { note: '', code_word: 'white gold', language: 'not a language!', species: '' },
    });
    expect(await invalid.json()).toMatchObject({
      response_action: 'errors',
      errors: { language: expect.any(String) },
    });

    const res = await h.submit({
      callbackId: 'case_note_modal',
      userId: 'U2',
      privateMetadata: meta,
      values: {
        note: 'Seller uses "white gold" for ivory <@U1>',
        code_word: 'white gold',
        language: 'en',
        species: 'african-elephant',
      },
    });
    expect(res.status).toBe(200);
    const proposal = await eventually(async () => {
      const r = await h.db.pool.query(
        'SELECT term, language, species, case_id, proposed_by, status FROM keyword_proposals',
      );
      return r.rows[0];
    }, 'the proposal');
    expect(proposal).toEqual({
      term: 'white gold',
      language: 'en',
      species: 'african-elephant',
      case_id: b,
      proposed_by: 'U2',
      status: 'pending',
    });
    const card = await eventually(async () => {
      const k = await h.card(b);
      return JSON.stringify(k.blocks).includes('1 note') ? k : undefined;
    }, 'the card with the note');
    const text = mrkdwnTexts(card.blocks).join('\n');
    expect(text).toContain('for ivory &lt;@U1&gt;');
    expect(text).not.toContain('for ivory <@U1>');

    // An outsider's note is refused and stored nowhere.
    await h.submit({
      callbackId: 'case_note_modal',
      userId: 'UOUTSIDER',
      privateMetadata: meta,
      values: { note: 'hi' },
    });
    await eventually(
      async () => h.slack.callsTo('chat.postEphemeral').find((m) => m.args.user === 'UOUTSIDER'),
      'refusal',
    );
    expect((await h.db.pool.query('SELECT count(*)::int AS n FROM case_notes')).rows[0].n).toBe(1);
  });

  it('asks for information (reporters are told) and escalates by hand to the leads', async () => {
    const vol = await h.db.pool.query(
      "INSERT INTO volunteers (channel, external_user_id) VALUES ('telegram', 'tg-1') RETURNING id",
    );
    const report = await h.db.pool.query(
      "INSERT INTO reports (volunteer_id, case_id, platform_id, listing_url, species, note) VALUES ($1, $2, 'shop', 'https://shop.example/x', 'elephant', 'seen <!here> twice, *really* _sure_') RETURNING id",
      [vol.rows[0].id, b],
    );
    await h.system.temporal.workflow
      .getHandle(b)
      .signal(volunteerReportSignal, { reportId: String(report.rows[0].id) });

    await h.click({ actionId: 'case_request_info', caseId: b, userId: 'U1' });
    const opened = await eventually(
      async () =>
        h.slack
          .callsTo('views.open')
          .find((v) => (v.args.view as { callback_id: string }).callback_id === 'case_info_modal'),
      'the question modal',
    );
    await h.submit({
      callbackId: 'case_info_modal',
      userId: 'U1',
      privateMetadata: (opened.args.view as { private_metadata: string }).private_metadata,
      values: { question: 'Is there a CITES permit number?' },
    });
    await h.waitFor(b, 'the question', (s) => s.infoRequests.length === 1);
    await eventually(async () => {
      const r = await h.db.pool.query('SELECT outcome FROM reports WHERE id = $1', [report.rows[0].id]);
      return r.rows[0].outcome === 'more_info' ? true : undefined;
    }, 'the report marked more_info');

    await h.click({ actionId: 'case_escalate', caseId: b, userId: 'U2' });
    await h.waitFor(b, 'the escalation', (s) => s.escalated?.by === 'U2');
    await eventually(
      async () =>
        h.slack
          .callsTo('chat.postMessage')
          .find((m) => m.args.thread_ts && /reviewer escalated/.test(String(m.args.text))),
      'the call to the leads',
    );
    const card = await eventually(async () => {
      const k = await h.card(b);
      const t = mrkdwnTexts(k.blocks).join('\n');
      return t.includes('Escalated to leads') && t.includes('Volunteer reports (1)') ? t : undefined;
    }, 'the card');
    expect(card).toContain('CITES permit number');
    expect(card).toContain('seen &lt;!here&gt; twice');
    // The volunteer's own asterisks and underscores show as typed, not as bold and italics.
    expect(card).toContain('∗really∗ ＿sure＿');
    expect(card).not.toContain('*really*');

    // The reporter's outcome becomes final with the decision.
    await h.click({ actionId: 'case_approve', caseId: b, userId: 'UL1' });
    await h.waitFor(b, 'the takedown', (s) => s.status === 'taken_down');
    const r = await h.db.pool.query('SELECT outcome FROM reports WHERE id = $1', [report.rows[0].id]);
    expect(r.rows[0].outcome).toBe('confirmed');
  });

  it('shows leads, and only leads, who reported a case', async () => {
    const ask = async (userId: string) => {
      const res = await sendSlashCommand(
        events(),
        { command: '/case', text: b, userId },
        { signingSecret: SIGNING_SECRET },
      );
      return ((await res.json()) as { text: string }).text;
    };
    expect(await ask('UL1')).toMatch(/Reported by: tg-1 \(telegram\)/);
    expect(await ask('U2')).not.toMatch(/Reported by|tg-1/);
  });

  it('refuses forged and stale modal submissions and commands', async () => {
    const submission = {
      callbackId: 'case_reject_modal',
      userId: 'U1',
      privateMetadata: JSON.stringify({ caseId: c }),
      values: { reason: { selected: 'other' } },
    };
    expect((await sendViewSubmission(events(), submission, { signingSecret: 'forged' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 600;
    expect(
      (await sendViewSubmission(events(), submission, { signingSecret: SIGNING_SECRET, timestamp: stale }))
        .status,
    ).toBe(401);
    expect(
      (
        await sendSlashCommand(
          events(),
          { command: '/case', text: c, userId: 'U1' },
          { signingSecret: 'forged' },
        )
      ).status,
    ).toBe(401);
    expect((await h.state(c)).status).toBe('open');
  });
});
