// Two review-journey failures, end to end (PostgreSQL, Temporal dev server, Bolt behind its signature
// check, the local Slack Web API and a platform webhook): a seller who edits a flagged listing cannot
// launder it through review, and a card never offers a move its case would refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCaseNote } from '../../shared/db/review.ts';
import type { EvidencePack } from '../../workflows/use-cases/evidence-pack.ts';
import { eventually } from '../support/temporal.ts';
import { buttonIds, mrkdwnTexts, type ReviewHarness, startReviewHarness } from './support/review-system.ts';

let h: ReviewHarness;
beforeAll(async () => {
  h = await startReviewHarness('edits');
});
afterAll(async () => {
  await h?.close();
});

const ivory = (externalId: string) => ({
  externalId,
  title: 'Carved ivory bangle',
  description: 'Genuine ivory, old stock, WhatsApp me',
  price: 300,
  currency: 'USD',
});
const cardText = async (caseId: string) => {
  const card = await h.card(caseId);
  return { card, text: mrkdwnTexts(card.blocks).join('\n') };
};

describe('a listing edited after flagging', () => {
  it('keeps the flagged snapshot for the decision, shows the edit, and keeps every version as evidence', async () => {
    const caseId = await h.ingest(ivory('ED-1'));
    const res = await h.api('/v1/listings', {
      method: 'POST',
      body: JSON.stringify({
        ...ivory('ED-1'),
        title: 'Blue cotton scarf <!here>',
        description: 'Soft cotton',
        price: 12,
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ caseId, version: 2, verdict: 'allow' });

    const { card, text } = await eventually(async () => {
      const c = await cardText(caseId);
      return c.text.includes('Edited after flagging') ? c : undefined;
    }, 'the card showing the edit');
    const header = (card.blocks as { type: string; text?: { text: string } }[])[0]!;
    expect(header.text?.text).toBe('Case review: Carved ivory bangle');
    expect(text).toContain('• Title: “Carved ivory bangle” → “Blue cotton scarf &lt;!here&gt;”');
    expect(text).toContain('• Price: “300 USD” → “12 USD”');
    expect(text).not.toContain('<!here>');
    expect(buttonIds(card)).toContain('case_approve');

    await addCaseNote(h.db.pool, {
      caseId,
      author: 'U1',
      note: 'internal: same seller as ED-0',
      requestId: 'ed-n1',
    });
    await h.click({ actionId: 'case_approve', caseId, userId: 'U1' });
    await h.waitFor(caseId, 'the takedown', (s) => s.status === 'taken_down');
    const audit = await h.db.pool.query<{ action: string }>(
      'SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY seq',
      [caseId],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['case.opened', 'listing.edited', 'case.approved', 'takedown.done']),
    );

    const pack = (await (await h.api(`/v1/cases/${caseId}/evidence`)).json()) as EvidencePack;
    expect((pack.listing.snapshot as { title: string }).title).toBe('Carved ivory bangle');
    expect(pack.versions.map((v) => [v.version, v.flagged, (v.snapshot as { title: string }).title])).toEqual(
      [
        [1, true, 'Carved ivory bangle'],
        [2, false, 'Blue cotton scarf <!here>'],
      ],
    );
    expect(pack.audience).toBe('platform');
    expect(JSON.stringify(pack)).not.toContain('same seller as ED-0');
    const html = await (await h.api(`/v1/cases/${caseId}/evidence?format=html`)).text();
    expect(html).toContain('Blue cotton scarf &lt;!here&gt;');
    expect(html).not.toContain('same seller as ED-0');
  });
});

describe('card state from case state', () => {
  it('offers no Undo after an upheld appeal, and a late Undo click is told why', async () => {
    const caseId = await h.ingest(ivory('AP-UP-1'));
    await h.click({ actionId: 'case_approve', caseId, userId: 'U1' });
    await h.waitFor(caseId, 'the takedown', (s) => s.status === 'taken_down');
    // Inside the undo window (15 minutes by default) the card offers Undo.
    await eventually(
      async () => (buttonIds(await h.card(caseId)).includes('case_undo') ? true : undefined),
      'Undo',
    );
    const appeal = await h.api(`/v1/cases/${caseId}/appeals`, {
      method: 'POST',
      body: JSON.stringify({ appealId: 'UP-1', statement: 'it is bone' }),
    });
    expect(appeal.status).toBe(202);
    await h.waitFor(caseId, 'the appeal', (s) => s.appeal?.status === 'pending');
    await h.click({ actionId: 'appeal_uphold', caseId, userId: 'U2' });
    const s = await h.waitFor(caseId, 'the upheld appeal', (x) => x.appeal?.status === 'upheld');
    expect(s.undoUntil).toBeGreaterThan(Date.now()); // the window is still open by the clock

    const final = await eventually(async () => {
      const card = await h.card(caseId);
      return JSON.stringify(card.blocks).includes('takedown upheld') && !buttonIds(card).includes('case_undo')
        ? card
        : undefined;
    }, 'the card after the appeal');
    expect(buttonIds(final)).toEqual(['case_note']);

    // A click from an older copy of the card is refused in plain words.
    await h.click({ actionId: 'case_undo', caseId, userId: 'U1' });
    const refusal = await eventually(
      async () => h.ephemeralsTo('U1').find((c) => /nothing to undo/.test(String(c.args.text))),
      'the refusal',
    );
    expect(String(refusal.args.text)).toContain('the takedown was upheld on appeal by U2, nothing to undo');
    expect(h.platform.requests.filter((r) => r.body.caseId === caseId).map((r) => r.body.action)).toEqual([
      'remove_listing',
    ]);
  });
});
