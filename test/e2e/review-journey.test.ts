// The reviewer's day in Slack, real at every step (PostgreSQL, the Temporal dev server, Bolt behind its
// signature check, the local Slack Web API and a platform webhook): approve with a seller warning,
// reject with a reason code, four-eyes suspension, undo, appeal, platform confirmation, escalation when
// nobody decides, the evidence pack and the audit chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../shared/db/audit.ts';
import type { CaseView } from '../../shared/db/cases.ts';
import { caseIdFor, openCase } from '../../shared/db/cases.ts';
import { insertDetection, upsertListing } from '../../shared/db/listings.ts';
import { inTransaction } from '../../shared/db/pool.ts';
import { type CaseInput, caseWorkflow, volunteerReportSignal } from '../../workflows/case-workflow.ts';
import type { EvidencePack } from '../../workflows/use-cases/evidence-pack.ts';
import { eventually } from '../support/temporal.ts';
import { buttonIds, mrkdwnTexts, type ReviewHarness, startReviewHarness } from './support/review-system.ts';

let h: ReviewHarness;
const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;
let n = 0;
const listing = (over: Record<string, unknown> = {}) => ({
  externalId: `J-${++n}`,
  url: `https://shop.example/items/J-${n}`,
  title: `Carved ivory bangle ${n}`,
  description: 'Genuine ivory, old stock, WhatsApp me',
  price: 300,
  currency: 'USD',
  seller: { id: `seller-${n}` },
  ...over,
});
const actionsSent = (caseId: string) =>
  h.platform.requests.filter((r) => r.body.caseId === caseId).map((r) => r.body.action);
const auditActions = async (caseId: string) =>
  (
    await h.db.pool.query<{ action: string }>(
      'SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY seq',
      [caseId],
    )
  ).rows.map((r) => r.action);

beforeAll(async () => {
  // Priority-1 cases are due in 2 s and leads are reminded every 2 s; priority 2 keeps hours.
  h = await startReviewHarness('journey', { REVIEW_SLA: 'p1=2s,reminder=2s' });
});
afterAll(async () => {
  await h?.close();
});

/**
 * Stores a listing (and a detection) with its case, then starts the case workflow with deadlines from the
 * input (seconds instead of hours), as the tests of timers need.
 */
async function startStoredCase(o: {
  external: string;
  listing: { title: string; description?: string; imageUrls?: string[] };
  detection?: Parameters<typeof insertDetection>[3];
  priority?: number;
  sla: CaseInput['sla'];
}) {
  const caseId = caseIdFor('shop', o.external);
  await inTransaction(h.db.pool, async (tx) => {
    const row = await upsertListing(tx, 'shop', {
      externalId: o.external,
      description: '',
      imageUrls: [],
      ...o.listing,
    });
    if (o.detection) await insertDetection(tx, row.id, 'screening', o.detection);
    await openCase(tx, { id: caseId, listingId: row.id, verdict: 'review', priority: o.priority });
  });
  const input: CaseInput = { caseId, platformId: 'shop', externalId: o.external, reviewers: [], sla: o.sla };
  return h.system.temporal.workflow.start(caseWorkflow, {
    workflowId: caseId,
    taskQueue: h.config.TEMPORAL_TASK_QUEUE,
    args: [input],
  });
}

describe('reviewer journey', () => {
  it('approves a removal with a seller warning: two takedown actions, card and audit follow', async () => {
    const caseId = await h.ingest(
      listing({
        title: 'Antique carved ivory bangle *bold* <@U1> <!here>',
        description: 'Genuine ivory, old stock. WhatsApp <https://evil.example|win> &amp;',
      }),
    );
    const card = await h.card(caseId);
    const text = [String(card.text), ...mrkdwnTexts(card.blocks)].join('\n');
    expect(text).not.toMatch(/<@U1>|<!here>|<https:\/\/evil/);
    expect(text).toContain('&lt;!here&gt;');
    expect(buttonIds(card)).toEqual(
      expect.arrayContaining([
        'case_approve',
        'case_approve_warn',
        'case_approve_suspend',
        'case_reject',
        'case_escalate',
      ]),
    );

    await h.click({ actionId: 'case_approve_warn', caseId, userId: 'U1' });
    const s = await h.waitFor(caseId, 'the takedown', (x) => x.status === 'taken_down');
    expect(s.takedowns.map((t) => t.action)).toEqual(['remove_listing', 'warn_seller']);
    expect(actionsSent(caseId)).toEqual(['remove_listing', 'warn_seller']);
    const after = await eventually(async () => {
      const c = await h.card(caseId);
      return JSON.stringify(c.blocks).includes('Taken down') ? c : undefined;
    }, 'the updated card');
    expect(buttonIds(after)).toContain('case_undo');
    expect(buttonIds(after)).not.toContain('case_approve');
    expect(await auditActions(caseId)).toEqual([
      'case.opened',
      'case.approved',
      'takedown.done',
      'takedown.done',
    ]);
  });

  it('rejects through the modal with a reason code; the form is validated first', async () => {
    const caseId = await h.ingest(listing());
    await h.click({ actionId: 'case_reject', caseId, userId: 'U2' });
    const opened = await eventually(async () => h.slack.callsTo('views.open').at(-1), 'the reject modal');
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('case_reject_modal');

    const bad = await h.submit({
      callbackId: view.callback_id,
      userId: 'U2',
      privateMetadata: view.private_metadata,
      values: { reason: { selected: 'because' }, note: '' },
    });
    expect(await bad.json()).toMatchObject({
      response_action: 'errors',
      errors: { reason: expect.any(String) },
    });
    expect((await h.state(caseId)).status).toBe('open');

    const ok = await h.submit({
      callbackId: view.callback_id,
      userId: 'U2',
      privateMetadata: view.private_metadata,
      values: { reason: { selected: 'imitation' }, note: 'resin, see photo 2' },
    });
    expect(ok.status).toBe(200);
    const s = await h.waitFor(caseId, 'the rejection', (x) => x.status === 'rejected');
    expect(s.decision).toMatchObject({ actor: 'U2', reasonCode: 'imitation', reason: 'resin, see photo 2' });
    const rows = await eventually(async () => {
      const r = await h.db.pool.query(
        'SELECT reviewer, decision, reason_code FROM reviews WHERE case_id = $1',
        [caseId],
      );
      return r.rowCount ? r.rows : undefined;
    }, 'the stored review');
    expect(rows).toEqual([{ reviewer: 'U2', decision: 'reject', reason_code: 'imitation' }]);
    expect(actionsSent(caseId)).toEqual([]);
  });

  it('suspends a seller only after a second, different lead approves (four eyes)', async () => {
    const caseId = await h.ingest(listing());
    await h.click({ actionId: 'case_approve_suspend', caseId, userId: 'UL1' });
    await h.waitFor(caseId, 'the first approval', (x) => x.status === 'pending_second_approval');
    // The leads are called to the case in its thread.
    const alert = await eventually(
      async () =>
        h.slack
          .callsTo('chat.postMessage')
          .find((c) => c.args.thread_ts && /second approval/.test(String(c.args.text))),
      'the call for a second lead',
    );
    expect(String(alert.args.text)).toContain('<@UL1>');
    expect(String(alert.args.text)).toContain('<@UL2>');

    await h.click({ actionId: 'case_approve_suspend', caseId, userId: 'UL1' });
    await h.click({ actionId: 'case_approve_suspend', caseId, userId: 'U2' });
    await eventually(async () => (h.ephemeralsTo('UL1').length >= 1 ? true : undefined), 'the refusal');
    expect(String(h.ephemeralsTo('UL1').at(-1)!.args.text)).toMatch(/different lead/);
    await eventually(
      async () =>
        h.ephemeralsTo('U2').some((c) => /from a lead/.test(String(c.args.text))) ? true : undefined,
      'the refusal to U2',
    );
    expect(actionsSent(caseId)).toEqual([]);

    // L2 is a lead only through the S0LEADS user group.
    await h.click({ actionId: 'case_approve_suspend', caseId, userId: 'UL2' });
    const s = await h.waitFor(caseId, 'the suspension', (x) => x.status === 'taken_down');
    expect(s.approvals.map((a) => a.actor)).toEqual(['UL1', 'UL2']);
    expect(actionsSent(caseId)).toEqual(['remove_listing', 'suspend_seller']);
    expect(await auditActions(caseId)).toEqual([
      'case.opened',
      'case.first_approval',
      'case.approved',
      'takedown.done',
      'takedown.done',
    ]);
  });

  it('undoes a takedown inside the window: the platform restores the listing', async () => {
    const caseId = await h.ingest(listing());
    await h.click({ actionId: 'case_approve', caseId, userId: 'U1' });
    await h.waitFor(caseId, 'the takedown', (x) => x.status === 'taken_down');
    await h.click({ actionId: 'case_undo', caseId, userId: 'UOUTSIDER' });
    await h.click({ actionId: 'case_undo', caseId, userId: 'U2' });
    const s = await h.waitFor(caseId, 'the restore', (x) => x.status === 'restored');
    expect(s.undone?.actor).toBe('U2');
    expect(actionsSent(caseId)).toEqual(['remove_listing', 'restore_listing']);
    expect(h.platform.requests.find((r) => r.body.action === 'restore_listing')?.idempotencyKey).toBe(
      `${caseId}:restore_listing`,
    );
    await eventually(
      async () =>
        (await json<CaseView>(h.api(`/v1/cases/${caseId}`))).status === 'restored' ? true : undefined,
      'the restored case in the API',
    );
    await eventually(
      async () =>
        h.ephemeralsTo('UOUTSIDER').find((c) => /not an authorised reviewer/.test(String(c.args.text))),
      'the refusal',
    );
  });

  it('hears a seller appeal through the API; a different reviewer restores the listing', async () => {
    const caseId = await h.ingest(listing());
    await h.click({ actionId: 'case_approve', caseId, userId: 'U1' });
    await h.waitFor(caseId, 'the takedown', (x) => x.status === 'taken_down');

    const appeal = {
      appealId: 'AP-1',
      sellerId: 'seller-x',
      statement: 'It is <b>resin</b>, receipt attached',
    };
    const res = await h.api(`/v1/cases/${caseId}/appeals`, { method: 'POST', body: JSON.stringify(appeal) });
    expect(res.status).toBe(202);
    expect(
      (await h.api(`/v1/cases/${caseId}/appeals`, { method: 'POST', body: JSON.stringify(appeal) })).status,
    ).toBe(200);
    const second = await h.api(`/v1/cases/${caseId}/appeals`, {
      method: 'POST',
      body: JSON.stringify({ ...appeal, appealId: 'AP-2' }),
    });
    expect(second.status).toBe(409);
    await h.waitFor(caseId, 'the appeal', (x) => x.appeal?.status === 'pending');
    expect(
      buttonIds(
        await eventually(async () => {
          const c = await h.card(caseId);
          return buttonIds(c).includes('appeal_restore') ? c : undefined;
        }, 'the appeal buttons'),
      ),
    ).toContain('appeal_uphold');

    await h.click({ actionId: 'appeal_restore', caseId, userId: 'U1' });
    await eventually(
      async () => h.ephemeralsTo('U1').find((c) => /did not approve/.test(String(c.args.text))),
      'refusal',
    );
    await h.click({ actionId: 'appeal_restore', caseId, userId: 'U2' });
    const s = await h.waitFor(caseId, 'the restore', (x) => x.status === 'restored');
    expect(s.appeal).toMatchObject({ status: 'restored', decidedBy: 'U2' });
    expect(actionsSent(caseId)).toEqual(['remove_listing', 'restore_listing']);
    const view = await json<CaseView>(h.api(`/v1/cases/${caseId}`));
    expect(view.appeals.map((a) => [a.appealId, a.status])).toEqual([
      ['AP-1', 'restored'],
      ['AP-2', 'refused'],
    ]);
    expect(await auditActions(caseId)).toEqual(
      expect.arrayContaining(['appeal.received', 'appeal.restored']),
    );
  });

  it('records the platform confirmation of a takedown, only from that platform with the right reference', async () => {
    const caseId = await h.ingest(listing());
    await h.click({ actionId: 'case_approve', caseId, userId: 'U1' });
    const s = await h.waitFor(caseId, 'the takedown', (x) => x.status === 'taken_down');
    const key = `${caseId}:remove_listing`;
    const ref = s.takedowns[0]!.reference!;
    const wrongRef = await h.api('/v1/takedowns/confirmations', {
      method: 'POST',
      body: JSON.stringify({ idempotencyKey: key, reference: 'TD-999' }),
    });
    expect(wrongRef.status).toBe(404);
    const noKey = await fetch(`${h.system.apiUrl}/v1/takedowns/confirmations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: key, reference: ref }),
    });
    expect(noKey.status).toBe(401);
    const ok = await h.api('/v1/takedowns/confirmations', {
      method: 'POST',
      body: JSON.stringify({ idempotencyKey: key, reference: ref }),
    });
    expect(ok.status).toBe(200);
    await h.waitFor(caseId, 'the confirmation', (x) => x.takedowns[0]?.confirmed === true);
    const view = await json<CaseView>(h.api(`/v1/cases/${caseId}`));
    expect(view.takedowns[0]?.confirmedAt).toEqual(expect.any(String));
    await eventually(
      async () =>
        JSON.stringify((await h.card(caseId)).blocks).includes('confirmed by the platform')
          ? true
          : undefined,
      'the card',
    );
  });

  it('escalates to leads when nobody decides in time, then reminds them until someone does', async () => {
    // A priority-1 case whose durations come from the workflow input (seconds instead of hours), with
    // image-hash, OCR and model evidence for the card.
    const caseId = await startStoredCase({
      external: 'ESC-1',
      listing: {
        title: 'Rhino horn cup',
        description: 'old cup',
        imageUrls: ['https://shop.example/img/1.jpg'],
      },
      detection: {
        verdict: 'review',
        score: 0.7,
        clause: 'cites-appendix-i',
        explanation: 'Appendix I species product',
        evidence: [
          {
            detector: 'image',
            kind: 'image-match',
            strength: 0.9,
            species: 'rhinoceros',
            term: 'f8e0c0a0',
            detail: 'bank rhino-horn, distance 12',
          },
          { detector: 'ocr', kind: 'product', strength: 0.6, field: 'ocr', term: 'sừng tê giác <!channel>' },
          { detector: 'llm', kind: 'model-flag', strength: 0.5, detail: 'model: carved horn cup <@U2>' },
        ],
      },
      priority: 1,
      sla: { reviewMs: { 1: 1500 }, reminderMs: 1500 },
    }).then((started) => started.workflowId);
    const s = await h.waitFor(caseId, 'two reminders', (x) => x.reminders >= 2);
    expect(s.status).toBe('open');
    expect(s.escalated?.by).toBe('system:sla');
    // The alert for the second reminder follows the state change: wait for Slack and the audit log.
    const thread = await eventually(async () => {
      const t = h.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts && /escalated|Reminder/.test(String(c.args.text)));
      return t.length >= 3 ? t : undefined;
    }, 'the escalation and two reminders in the thread');
    expect(String(thread[0]!.args.text)).toMatch(/<@UL1> <@UL2> .*deadline/);
    const card = await eventually(async () => {
      const c = await h.card(caseId);
      return JSON.stringify(c.blocks).includes('reminders sent') ? c : undefined;
    }, 'the escalated card');
    const text = mrkdwnTexts(card.blocks).join('\n');
    expect(text).toContain('Escalated to leads');
    expect(text).toContain('Image-hash matches');
    expect(text).toContain('bank rhino-horn, distance 12');
    expect(text).toContain('sừng tê giác &lt;!channel&gt;');
    expect(text).toContain('carved horn cup &lt;@U2&gt;');
    const audit = await eventually(async () => {
      const a = await auditActions(caseId);
      return a.filter((x) => x === 'case.sla_reminder').length >= 2 ? a : undefined;
    }, 'the reminders in the audit log');
    expect(audit[0]).toBe('case.sla_escalated');
    expect((await h.db.pool.query('SELECT status FROM cases WHERE id = $1', [caseId])).rows[0].status).toBe(
      'escalated',
    );

    // A lead decides; the reminders stop.
    await h.click({ actionId: 'case_approve', caseId, userId: 'UL1' });
    await h.waitFor(caseId, 'the takedown', (x) => x.status === 'taken_down');
  });

  it('brings the deadline forward when a report raises a running case to priority 1', async () => {
    const caseId = await startStoredCase({
      external: 'PRIO-1',
      listing: { title: 'Pangolin scales, 1 kg' },
      priority: 2,
      sla: { reviewMs: { 1: 1500, 2: 3_600_000 }, reminderMs: 3_600_000 },
    }).then((started) => started.workflowId);
    const before = await h.waitFor(caseId, 'the review deadline', (x) => x.dueAt !== undefined);
    expect(before.priority).toBe(2);
    // As the report use case does: the report and the raised priority are stored, then signalled.
    const vol = await h.db.pool.query(
      "INSERT INTO volunteers (channel, external_user_id) VALUES ('telegram', 'tg-prio') RETURNING id",
    );
    const report = await h.db.pool.query(
      "INSERT INTO reports (volunteer_id, case_id, platform_id, listing_url) VALUES ($1, $2, 'shop', 'https://shop.example/p') RETURNING id",
      [vol.rows[0].id, caseId],
    );
    await h.db.pool.query('UPDATE cases SET priority = 1 WHERE id = $1', [caseId]);
    await h.system.temporal.workflow
      .getHandle(caseId)
      .signal(volunteerReportSignal, { reportId: String(report.rows[0].id), priority: 1 });
    // Due 1.5 s after the review started instead of an hour: escalated well before the old deadline.
    const s = await h.waitFor(caseId, 'the escalation', (x) => x.escalated !== undefined);
    expect(s.priority).toBe(1);
    expect(s.dueAt).toBeLessThan(before.dueAt! - 3_500_000);
    expect(s.escalated?.by).toBe('system:sla');
    const row = await h.db.pool.query('SELECT due_at FROM cases WHERE id = $1', [caseId]);
    expect((row.rows[0].due_at as Date).getTime()).toBe(s.dueAt);
    await h.click({ actionId: 'case_approve', caseId, userId: 'UL1' });
    await h.waitFor(caseId, 'the takedown', (x) => x.status === 'taken_down');
  });

  it('retries a takedown the platform cannot take yet (5xx) with backoff; a 4xx answer is final', async () => {
    const retried = await h.ingest(listing());
    h.platform.failNext(503, 2);
    await h.click({ actionId: 'case_approve', caseId: retried, userId: 'U1' });
    const s = await h.waitFor(retried, 'the takedown after retries', (x) => x.status === 'taken_down');
    expect(s.takedowns[0]?.reference).toMatch(/^TD-/);
    const attempts = h.platform.requests.filter((r) => r.idempotencyKey === `${retried}:remove_listing`);
    expect(attempts).toHaveLength(3);

    const refused = await h.ingest(listing());
    h.platform.failNext(422, 1);
    await h.click({ actionId: 'case_approve', caseId: refused, userId: 'U1' });
    const f = await h.waitFor(refused, 'the failed takedown', (x) => x.status === 'takedown_failed');
    expect(f.takedowns[0]?.error).toMatch(/422/);
    expect(h.platform.requests.filter((r) => r.idempotencyKey === `${refused}:remove_listing`)).toHaveLength(
      1,
    );
    const card = await eventually(async () => {
      const c = await h.card(refused);
      return JSON.stringify(c.blocks).includes('takedown failed') ? c : undefined;
    }, 'the failure on the card');
    expect(mrkdwnTexts(card.blocks).join('\n')).toContain('platform answered 422');
    expect(await auditActions(refused)).toEqual(['case.opened', 'case.approved', 'takedown.failed']);
  });

  it('closes the undo window and then the appeal window on durable timers', async () => {
    const handle = await startStoredCase({
      external: 'WIN-1',
      listing: { title: 'Tiger skin rug' },
      detection: {
        verdict: 'review',
        score: 0.8,
        clause: 'cites-appendix-i',
        explanation: 'Appendix I species product',
        evidence: [],
      },
      sla: { undoWindowMs: 1500, appealWindowMs: 4000 },
    });
    const caseId = handle.workflowId;
    await eventually(
      async () =>
        (await h.db.pool.query('SELECT 1 FROM cases WHERE id = $1 AND slack_ts IS NOT NULL', [caseId]))
          .rowCount || undefined,
      'the card',
    );
    await h.click({ actionId: 'case_approve', caseId, userId: 'U1' });
    await h.waitFor(caseId, 'the takedown', (x) => x.status === 'taken_down');
    // The window closes by itself: the Undo button goes, and a late click is refused.
    await h.waitFor(caseId, 'the closed undo window', (x) => x.undoUntil === undefined);
    await eventually(
      async () => (buttonIds(await h.card(caseId)).includes('case_undo') ? undefined : true),
      'the card without Undo',
    );
    await h.click({ actionId: 'case_undo', caseId, userId: 'U2' });
    await eventually(
      async () => h.ephemeralsTo('U2').find((c) => /window has closed|not open/.test(String(c.args.text))),
      'the refusal',
    );
    // The appeal window ends the case; an appeal after it is refused.
    const final = await handle.result();
    expect(final.status).toBe('taken_down');
    const late = await h.api(`/v1/cases/${caseId}/appeals`, {
      method: 'POST',
      body: JSON.stringify({ appealId: 'LATE-1', statement: 'too late?' }),
    });
    expect(late.status).toBe(409);
    expect(actionsSent(caseId)).toEqual(['remove_listing']);
  });

  it('exports an evidence pack as JSON and as escaped HTML; the audit chain stays intact', async () => {
    const caseId = await h.ingest(listing({ title: 'Ivory <script>alert(1)</script> bangle' }));
    await h.click({ actionId: 'case_approve', caseId, userId: 'U2' });
    await h.waitFor(caseId, 'the takedown', (x) => x.status === 'taken_down');
    const pack = await json<EvidencePack>(h.api(`/v1/cases/${caseId}/evidence`));
    expect(pack.format).toBe('wild-sentinel-evidence-pack/2');
    expect((pack.listing.snapshot as { title: string }).title).toBe('Ivory <script>alert(1)</script> bangle');
    expect(pack.listing.snapshotSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pack.case.decisions).toEqual([
      expect.objectContaining({ reviewer: 'U2', decision: 'approve', at: expect.any(String) }),
    ]);
    expect(pack.audit.map((a) => a.action)).toEqual(['case.opened', 'case.approved', 'takedown.done']);
    expect(pack.auditChain.intact).toBe(true);

    const html = await h.api(`/v1/cases/${caseId}/evidence?format=html`);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const page = await html.text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('Ivory &lt;script&gt;alert(1)&lt;/script&gt; bangle');
    expect(page).toContain('U2');
    const other = await fetch(`${h.system.apiUrl}/v1/cases/${caseId}/evidence`, {
      headers: { authorization: 'Bearer wsk_nope' },
    });
    expect(other.status).toBe(401);
    expect((await verifyAuditChain(h.db.pool)).firstBrokenSeq).toBeNull();
  });
});
