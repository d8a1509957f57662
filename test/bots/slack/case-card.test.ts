import { describe, expect, it } from 'vitest';
import { caseCard } from '../../../bots/slack/case-card.ts';
import { inertMrkdwn } from '../../../bots/slack/mrkdwn.ts';
import type { CaseView } from '../../../shared/db/cases.ts';
import { availableMoves, type CaseMove, moveRefusal } from '../../../workflows/review/moves.ts';
import { type CaseState, initialState } from '../../../workflows/review/rules.ts';

const HOSTILE = '<!channel> <@U999> <https://evil.example|click> &lt; *bold* _it_';

function view(): CaseView {
  return {
    id: 'case-0123456789abcdef01234567',
    status: 'open',
    verdict: 'review',
    priority: 1,
    openedAt: '2026-01-01T00:00:00.000Z',
    decidedAt: null,
    slack: null,
    claimedBy: null,
    dueAt: null,
    escalatedAt: null,
    listing: {
      version: 1,
      platformId: 'shop',
      externalId: 'X',
      url: 'https://shop.example/a|b>c',
      title: `Ivory ${HOSTILE}`,
      description: `Genuine ivory ${HOSTILE}`,
      price: 10,
      currency: 'USD',
      sellerId: HOSTILE,
      imageUrls: ['https://shop.example/1.jpg'],
    },
    detection: {
      verdict: 'review',
      score: 0.8,
      clause: 'cites-i',
      explanation: HOSTILE,
      evidence: [
        {
          detector: 'keywords',
          kind: 'product',
          strength: 1,
          field: 'title',
          start: 0,
          end: 5,
          term: 'ivory',
        },
      ],
    },
    versions: [
      {
        version: 1,
        receivedAt: '2026-01-01T00:00:00.000Z',
        url: 'https://shop.example/a|b>c',
        title: `Ivory ${HOSTILE}`,
        description: `Genuine ivory ${HOSTILE}`,
        price: 10,
        currency: 'USD',
        sellerId: HOSTILE,
        imageUrls: ['https://shop.example/1.jpg'],
        verdict: 'review',
      },
    ],
    detections: [
      {
        version: 1,
        detector: 'screening',
        verdict: 'review',
        score: 0.8,
        clause: 'cites-i',
        explanation: HOSTILE,
        at: '2026-01-01T00:00:00.000Z',
        evidence: [
          { detector: 'image', kind: 'image-match', strength: 0.9, species: 'elephant', detail: HOSTILE },
          { detector: 'ocr', kind: 'product', strength: 0.5, field: 'ocr', term: HOSTILE },
          { detector: 'llm', kind: 'model-flag', strength: 0.5, detail: HOSTILE },
        ],
      },
    ],
    decisions: [],
    takedowns: [],
    reports: [{ id: '1', species: HOSTILE, note: HOSTILE, outcome: null, at: '2026-01-01T00:00:00.000Z' }],
    photos: [],
    answers: [
      { reportId: '1', text: HOSTILE, photo: null, at: '2026-01-02T00:00:00.000Z' },
      {
        reportId: '1',
        text: null,
        photo: { sha256: 'ab'.repeat(32), mimeType: 'image/jpeg', sizeBytes: 10 },
        at: '2026-01-02T00:00:00.000Z',
      },
    ],
    notes: [{ author: 'U1', note: HOSTILE, at: '2026-01-01T00:00:00.000Z' }],
    appeals: [],
    sellerLinks: [`seller's phone seen in 3 removed listings on 2 platforms ${HOSTILE}`],
  };
}

function mrkdwn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(mrkdwn);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  return [
    ...(o.type === 'mrkdwn' && typeof o.text === 'string' ? [o.text] : []),
    ...Object.values(o).flatMap(mrkdwn),
  ];
}
const buttons = (card: ReturnType<typeof caseCard>) =>
  card.blocks.flatMap((b) =>
    b.type === 'actions' ? b.elements.map((e) => ('action_id' in e ? e.action_id : '')) : [],
  );

describe('case card', () => {
  it('keeps hostile text inert in every mrkdwn field: listing, evidence, OCR, model note, reports, notes, appeal', () => {
    const state: CaseState = {
      ...initialState('c'),
      escalated: { by: 'U1', at: 0, reason: 'x' },
      infoRequests: [{ actor: 'U1', question: HOSTILE, at: 0 }],
      appeal: { appealId: 'A', statement: HOSTILE, status: 'pending' },
    };
    const card = caseCard(view(), state);
    const all = [card.text, ...mrkdwn(card.blocks)].join('\n');
    expect(all).not.toMatch(/<!channel>|<@U999>|<https:\/\/evil/);
    expect(all).toContain('&lt;!channel&gt;');
    // Someone's own formatting shows as typed (lookalike characters), never as bold or italics.
    expect(all).not.toMatch(/\*bold\*|_it_/);
    expect(all).toContain('∗bold∗ ＿it＿');
    expect(all).toContain('Image-hash matches');
    expect(all).toContain('Text in images (OCR)');
    expect(all).toContain('Model note');
    expect(all).toContain('Volunteer reports (1)');
    // A reporter's answers to the reviewer's question, text escaped, a photo by its hash.
    expect(all).toContain('A reporter answered: &lt;!channel&gt;');
    expect(all).toContain(`A reporter answered: photo (image/jpeg, sha256 \`${'ab'.repeat(8)}…\`)`);
    expect(all).toContain("Seller history:*\n• seller's phone seen in 3 removed listings on 2 platforms");
    // Our own markup stays: the evidence term in bold, the reviewer's mention, the listing link.
    expect(all).toContain('*Ivory*');
    expect(all).toContain('<@U1>');
    expect(all).toMatch(/<https:\/\/shop\.example\/a%7Cb%3Ec\|Open the listing>/);
  });

  it('leaves characters that cannot format alone: snake_case, URLs, arithmetic', () => {
    expect(inertMrkdwn('seen_on snake_case https://x.example/a_b 2*3 ~ok~ `rm`')).toBe(
      'seen_on snake_case https://x.example/a_b 2*3 ∼ok∼ ˋrmˋ',
    );
  });

  it('offers the buttons that fit the stage', () => {
    const open = initialState('c');
    expect(buttons(caseCard(view(), open))).toEqual([
      'case_approve',
      'case_approve_warn',
      'case_approve_suspend',
      'case_reject',
      'case_escalate',
      'case_request_info',
      'case_note',
      'case_claim',
    ]);
    expect(buttons(caseCard(view(), { ...open, claimedBy: 'U1' }))).toContain('case_release');
    const pending: CaseState = {
      ...open,
      status: 'pending_second_approval',
      approvals: [{ actor: 'U1', action: 'suspend_seller', at: 0 }],
    };
    expect(buttons(caseCard(view(), pending))).toEqual(['case_approve_suspend', 'case_reject', 'case_note']);
    const down: CaseState = {
      ...open,
      status: 'taken_down',
      decision: { actor: 'U1', decision: 'approve' },
      takedowns: [{ action: 'remove_listing', reference: 'TD-1' }],
      undoUntil: 1,
    };
    expect(buttons(caseCard(view(), down, 0))).toEqual(['case_undo', 'case_note']);
    expect(buttons(caseCard(view(), down, 2))).toEqual(['case_note']);
    expect(buttons(caseCard(view(), { ...down, undoUntil: undefined }, 0))).toEqual(['case_note']);
    const appealed: CaseState = {
      ...down,
      undoUntil: undefined,
      appeal: { appealId: 'A', statement: 's', status: 'pending' },
    };
    expect(buttons(caseCard(view(), appealed))).toEqual(['appeal_restore', 'appeal_uphold', 'case_note']);
  });

  it('derives every button from what the case accepts: no Undo after an upheld appeal, none once closed', () => {
    const down: CaseState = {
      ...initialState('c'),
      status: 'taken_down',
      decision: { actor: 'U1', decision: 'approve' },
      approvals: [{ actor: 'U1', action: 'remove_listing', at: 0 }],
      takedowns: [{ action: 'remove_listing', reference: 'TD-1' }],
      undoUntil: 1_000,
    };
    const upheld: CaseState = {
      ...down,
      appeal: { appealId: 'A', statement: 's', status: 'upheld', decidedBy: 'U2' },
    };
    // The undo window is still open by the clock, but the appeal settled the takedown.
    expect(buttons(caseCard(view(), upheld, 500))).toEqual(['case_note']);
    expect(moveRefusal(upheld, 'undo', 500)).toBe('the takedown was upheld on appeal by U2, nothing to undo');
    expect(buttons(caseCard(view(), { ...down, closed: true }, 500))).toEqual(['case_note']);
    // An escalated case is not offered Escalate again; a pending second approval offers no claim.
    const escalated: CaseState = { ...initialState('c'), escalated: { by: 'U1', at: 0, reason: 'x' } };
    expect(buttons(caseCard(view(), escalated))).not.toContain('case_escalate');
    expect(buttons(caseCard(view(), escalated))).toContain('case_approve');
  });

  it('shows only moves the rules accept, for every stage', () => {
    const base = initialState('c');
    const stages: CaseState[] = [
      base,
      { ...base, claimedBy: 'U1' },
      {
        ...base,
        status: 'pending_second_approval',
        approvals: [{ actor: 'L1', action: 'suspend_seller', at: 0 }],
      },
      { ...base, status: 'approved', decision: { actor: 'U1', decision: 'approve' } },
      { ...base, status: 'rejected', decision: { actor: 'U1', decision: 'reject' } },
      { ...base, status: 'takedown_failed', decision: { actor: 'U1', decision: 'approve' } },
      {
        ...base,
        status: 'taken_down',
        undoUntil: 10,
        appeal: { appealId: 'A', statement: 's', status: 'pending' },
      },
      { ...base, status: 'restored', undone: { actor: 'U2', at: 0 } },
    ];
    const moveOf: Record<string, CaseMove> = {
      case_approve: 'approve',
      case_approve_warn: 'approve',
      case_approve_suspend: 'approve',
      case_reject: 'reject',
      case_escalate: 'escalate',
      case_request_info: 'request_info',
      case_claim: 'claim',
      case_release: 'release',
      case_undo: 'undo',
      appeal_restore: 'decide_appeal',
      appeal_uphold: 'decide_appeal',
    };
    for (const state of stages) {
      const shown = buttons(caseCard(view(), state, 5)).filter((b): b is string => !!b && b !== 'case_note');
      for (const b of shown)
        expect(moveRefusal(state, moveOf[b]!, 5), `${state.status}: ${b}`).toBeUndefined();
      const offered = new Set(shown.map((b) => moveOf[b]));
      for (const move of availableMoves(state, 5))
        expect(offered, `${state.status}: ${move}`).toContain(move);
    }
  });

  it('shows an edit after flagging with a short, escaped diff, and keeps the flagged version as the card', () => {
    const v = view();
    v.versions.push({
      ...v.versions[0]!,
      version: 2,
      receivedAt: '2026-01-02T00:00:00.000Z',
      title: `Blue cotton scarf ${HOSTILE}`,
      price: 12,
      verdict: 'allow',
    });
    const card = caseCard(v, initialState('c'));
    const header = card.blocks[0] as { text: { text: string } };
    expect(header.text.text).toMatch(/^Case review: Ivory/);
    const all = mrkdwn(card.blocks).join('\n');
    expect(all).not.toMatch(/<!channel>|<@U999>/);
    expect(all).toContain('*Edited after flagging:* the seller sent a new version (v2');
    expect(all).toContain('The decision stays on the flagged version (v1)');
    expect(all).toContain('It screens as *allow*.');
    expect(all).toMatch(/• Title: “Ivory &lt;!channel&gt;.*” → “Blue cotton scarf &lt;!channel&gt;.*”/);
    expect(all).toContain('• Price: “10 USD” → “12 USD”');
    expect(all).not.toContain('• Description');
    // No later version: no edit section.
    expect(mrkdwn(caseCard(view(), initialState('c')).blocks).join('\n')).not.toContain(
      'Edited after flagging',
    );
  });
});
