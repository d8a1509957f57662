// The review card (Block Kit) for one case: what the listing says, why it was flagged (text evidence,
// image-hash matches, OCR text, the policy clause, the model's note, volunteer reports), where the case
// stands (deadline, escalation, approvals, takedowns, undo window, appeal) and the buttons that fit that
// stage. Every piece of listing or report text is escaped or sent as plain_text.
import type { types } from '@slack/bolt';
import { caseRef } from '../../shared/case-ref.ts';
import type { CaseView } from '../../shared/db/cases.ts';
import { type FieldChange, listingChanges } from '../../shared/listing-diff.ts';
import type { PhotoLink } from '../../shared/photo-links.ts';
import type { CaseState } from '../../workflows/case-workflow.ts';
import { availableMoves } from '../../workflows/review/moves.ts';
import { inertMrkdwn, mrkdwnLink, truncate } from './mrkdwn.ts';

export const ACTION_APPROVE = 'case_approve';
export const ACTION_APPROVE_WARN = 'case_approve_warn';
export const ACTION_APPROVE_SUSPEND = 'case_approve_suspend';
export const ACTION_REJECT = 'case_reject';
export const ACTION_ESCALATE = 'case_escalate';
export const ACTION_REQUEST_INFO = 'case_request_info';
export const ACTION_NOTE = 'case_note';
export const ACTION_CLAIM = 'case_claim';
export const ACTION_RELEASE = 'case_release';
export const ACTION_UNDO = 'case_undo';
export const ACTION_APPEAL_RESTORE = 'appeal_restore';
export const ACTION_APPEAL_UPHOLD = 'appeal_uphold';

type Block = types.KnownBlock;
type Button = types.Button;

/** The description excerpt with each evidence span in bold; spans come from the detectors' offsets. */
export function highlightEvidence(text: string, spans: { start: number; end: number }[], max = 600): string {
  const sorted = spans
    .filter((s) => s.start >= 0 && s.end <= text.length && s.start < s.end)
    .sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) continue;
    out += inertMrkdwn(text.slice(at, s.start));
    out += `*${inertMrkdwn(text.slice(s.start, s.end)).replace(/\*/g, '∗')}*`;
    at = s.end;
  }
  out += inertMrkdwn(text.slice(at));
  return truncate(out, max);
}

/** A time every reader sees in their own zone; the fallback is UTC. */
export function slackTime(ms: number): string {
  const secs = Math.floor(ms / 1000);
  return `<!date^${secs}^{date_short_pretty} {time}|${new Date(secs * 1000).toISOString().slice(0, 16)}Z>`;
}

const user = (id: string) => (/^[UW][A-Z0-9]{1,20}$/.test(id) ? `<@${id}>` : inertMrkdwn(id));
const actionLabel: Record<string, string> = {
  remove_listing: 'remove the listing',
  warn_seller: 'remove the listing and warn the seller',
  suspend_seller: 'remove the listing and suspend the seller',
  restore_listing: 'restore the listing',
};

function statusLine(state: CaseState): string {
  const who = state.decision ? user(state.decision.actor) : '';
  const took = state.takedowns
    .map(
      (t) =>
        `${inertMrkdwn(t.action)}: ${t.reference ? `ref ${inertMrkdwn(t.reference)}${t.confirmed ? ' (confirmed by the platform)' : ''}` : `failed: ${inertMrkdwn(t.error ?? 'unknown error')}`}`,
    )
    .join(' · ');
  switch (state.status) {
    case 'open':
      return ':hourglass_flowing_sand: Waiting for a reviewer';
    case 'pending_second_approval': {
      const first = state.approvals[0]!;
      return `:busts_in_silhouette: ${user(first.actor)} approved: ${actionLabel[first.action]}. A *second lead* must approve.`;
    }
    case 'approved':
      return `:white_check_mark: Takedown approved by ${who}; sending to the platform…`;
    case 'taken_down':
      return `:white_check_mark: Taken down, approved by ${who} · ${took}`;
    case 'takedown_failed':
      return `:warning: Approved by ${who}, but the takedown failed · ${took}`;
    case 'rejected':
      return `:no_entry_sign: Rejected by ${who}${state.decision?.reasonCode ? ` (${inertMrkdwn(state.decision.reasonCode)})` : ''}${state.decision?.reason ? `: ${inertMrkdwn(state.decision.reason)}` : ''}`;
    case 'restored':
      return `:leftwards_arrow_with_hook: Listing restored${state.undone ? ` (undone by ${user(state.undone.actor)})` : state.appeal?.decidedBy ? ` on appeal, decided by ${user(state.appeal.decidedBy)}` : ''} · ${took}`;
  }
}

function progressLines(view: CaseView, state: CaseState): string[] {
  const lines: string[] = [];
  const reviewing = state.status === 'open' || state.status === 'pending_second_approval';
  if (reviewing && state.dueAt) lines.push(`:alarm_clock: Decision due ${slackTime(state.dueAt)}`);
  if (state.escalated) {
    const by = state.escalated.by === 'system:sla' ? 'the deadline passed' : `by ${user(state.escalated.by)}`;
    lines.push(
      `:rotating_light: Escalated to leads (${by})${state.reminders ? ` · ${state.reminders} reminder${state.reminders > 1 ? 's' : ''} sent` : ''}`,
    );
  }
  if (state.claimedBy && reviewing) lines.push(`:raised_hand: Claimed by ${user(state.claimedBy)}`);
  for (const q of state.infoRequests.slice(-3))
    lines.push(
      `:question: ${user(q.actor)} asked for information: ${inertMrkdwn(truncate(q.question, 300))}`,
    );
  // The reporters' answers are read from the database (stored before the workflow hears of them).
  for (const a of (view.answers ?? []).slice(-3)) {
    const photo = a.photo ? `photo (${a.photo.mimeType}, sha256 \`${a.photo.sha256.slice(0, 16)}…\`)` : '';
    const text = a.text ? inertMrkdwn(truncate(a.text, 300)) : '';
    lines.push(`:speech_balloon: A reporter answered: ${[text, photo].filter(Boolean).join(' · ')}`);
  }
  if (state.undoUntil && state.status === 'taken_down' && !state.undone)
    lines.push(`:leftwards_arrow_with_hook: Can be undone until ${slackTime(state.undoUntil)}`);
  if (state.appeal) {
    const a = state.appeal;
    lines.push(
      a.status === 'pending'
        ? `:scales: *Seller appeal* (needs a reviewer who did not approve): ${inertMrkdwn(truncate(a.statement, 500))}`
        : `:scales: Appeal ${a.status === 'restored' ? 'granted: listing restored' : 'refused: takedown upheld'} by ${user(a.decidedBy ?? '')}`,
    );
  }
  if (view.notes.length) {
    const last = view.notes.at(-1)!;
    lines.push(
      `:memo: ${view.notes.length} note${view.notes.length > 1 ? 's' : ''}; latest by ${user(last.author)}: ${inertMrkdwn(truncate(last.note, 300))}`,
    );
  }
  return lines;
}

/** Image-hash matches, OCR text and the model's note, gathered from every detector's evidence. */
function detectorLines(view: CaseView): string[] {
  const all = view.detections.length
    ? view.detections.flatMap((d) => d.evidence)
    : (view.detection?.evidence ?? []);
  const lines: string[] = [];
  const images = all.filter((e) => e.kind === 'image-match');
  if (images.length) {
    const items = images
      .slice(0, 5)
      .map((e) =>
        inertMrkdwn(
          [e.species, e.detail ?? e.term, `strength ${e.strength.toFixed(2)}`].filter(Boolean).join(', '),
        ),
      );
    lines.push(`*Image-hash matches:* ${items.join(' · ')}`);
  }
  const ocr = all.filter((e) => e.detector === 'ocr' || e.field === 'ocr');
  if (ocr.length) {
    const text = [...new Set(ocr.map((e) => e.term ?? e.detail ?? ''))].filter(Boolean).join(' · ');
    lines.push(`*Text in images (OCR):* ${inertMrkdwn(truncate(text, 400))}`);
  }
  const llm = all.find((e) => e.detector === 'llm' && e.detail);
  if (llm?.detail)
    lines.push(`*Model note (an opinion, not evidence):* ${inertMrkdwn(truncate(llm.detail, 400))}`);
  return lines;
}

function reportLines(view: CaseView): string[] {
  if (!view.reports.length) return [];
  const shown = view.reports.slice(0, 5).map((r) => {
    const parts = [r.species, r.note].filter(Boolean).join(': ');
    return `• ${inertMrkdwn(truncate(parts || 'no details', 200))}`;
  });
  return [`*Volunteer reports (${view.reports.length}):*`, ...shown];
}

/** Volunteers' photos: a signed link to open each, its sha256 and PDQ hash (for banks and removed listings). */
function photoLines(view: CaseView, photoLink: PhotoLink | undefined): string[] {
  const photos = view.photos ?? [];
  if (!photos.length) return [];
  const shown = photos.slice(0, 8).map((p, i) => {
    const label = `photo ${i + 1}${p.answer ? ' (answer)' : ''}`;
    const pdq = p.pdq ? `PDQ \`${p.pdq}\` (quality ${p.pdqQuality})` : 'PDQ: not decodable';
    return `• ${photoLink ? mrkdwnLink(photoLink(p.id), label) : label} · sha256 \`${p.sha256}\` · ${pdq}`;
  });
  return [`*Volunteer photos (${photos.length}):*`, ...shown];
}

function sellerHistoryLines(view: CaseView): string[] {
  if (!view.sellerLinks.length) return [];
  return [
    ':link: *Seller history:*',
    ...view.sellerLinks.slice(0, 5).map((l) => `• ${inertMrkdwn(truncate(l, 200))}`),
  ];
}

const FIELD_LABEL: Record<FieldChange['field'], string> = {
  title: 'Title',
  description: 'Description',
  price: 'Price',
  url: 'Link',
  seller: 'Seller',
  photos: 'Photos',
};

/**
 * The seller sent new versions after the case was flagged: say so, with a short diff against the flagged
 * version. The card above keeps showing the flagged version, which stays the decision basis.
 */
function editLines(view: CaseView): string[] {
  const flagged = view.listing;
  const latest = view.versions.at(-1);
  if (!latest || latest.version <= flagged.version) return [];
  const edits = latest.version - flagged.version;
  const changes = listingChanges(flagged, latest);
  const verdict = latest.verdict
    ? ` It screens as *${latest.verdict}*${latest.verdict === 'allow' ? '' : ' too, and its evidence is added to the case'}.`
    : '';
  return [
    `:pencil2: *Edited after flagging:* the seller sent ${edits === 1 ? 'a new version' : `${edits} new versions`} (v${latest.version}, ${slackTime(Date.parse(latest.receivedAt))}). The decision stays on the flagged version (v${flagged.version}) shown above.${verdict}`,
    ...(changes.length
      ? changes.map(
          (c) =>
            `• ${FIELD_LABEL[c.field]}: “${inertMrkdwn(truncate(c.before, 200))}” → “${inertMrkdwn(truncate(c.after, 200))}”`,
        )
      : ['• nothing shown on this card changed']),
  ];
}

function button(actionId: string, text: string, caseId: string, extra: Partial<Button> = {}): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text }, value: caseId, ...extra };
}

function confirm(title: string, text: string, ok: string): Button['confirm'] {
  return {
    title: { type: 'plain_text', text: title },
    text: { type: 'plain_text', text },
    confirm: { type: 'plain_text', text: ok },
    deny: { type: 'plain_text', text: 'Cancel' },
  };
}

/** The buttons of the moves the case accepts now (workflow/review/moves.ts), and Note, always open. */
function actionButtons(view: CaseView, state: CaseState, now: number): Button[] {
  const id = view.id;
  const open = availableMoves(state, now);
  const buttons: Button[] = [];
  if (state.status === 'pending_second_approval') {
    if (open.has('approve'))
      buttons.push(
        button(ACTION_APPROVE_SUSPEND, 'Second approval: suspend seller', id, {
          style: 'primary',
          confirm: confirm(
            'Suspend the seller?',
            'You are the second lead approving this suspension.',
            'Suspend',
          ),
        }),
      );
    if (open.has('reject')) buttons.push(button(ACTION_REJECT, 'Decline', id, { style: 'danger' }));
  } else {
    if (open.has('approve'))
      buttons.push(
        button(ACTION_APPROVE, 'Approve takedown', id, {
          style: 'primary',
          confirm: confirm(
            'Remove this listing?',
            'The platform will be asked to remove the listing.',
            'Remove',
          ),
        }),
        button(ACTION_APPROVE_WARN, 'Remove + warn seller', id, {
          confirm: confirm(
            'Remove and warn?',
            'The listing is removed and the seller warned.',
            'Remove and warn',
          ),
        }),
        button(ACTION_APPROVE_SUSPEND, 'Remove + suspend seller', id, {
          confirm: confirm(
            'Propose a suspension?',
            'The listing is removed and the seller suspended once a second lead approves.',
            'Propose',
          ),
        }),
      );
    if (open.has('reject')) buttons.push(button(ACTION_REJECT, 'Reject', id, { style: 'danger' }));
    if (open.has('escalate')) buttons.push(button(ACTION_ESCALATE, 'Escalate', id));
    if (open.has('request_info')) buttons.push(button(ACTION_REQUEST_INFO, 'Ask for information', id));
    if (open.has('undo'))
      buttons.push(
        button(ACTION_UNDO, 'Undo takedown', id, {
          confirm: confirm(
            'Undo the takedown?',
            'The platform will be asked to restore the listing.',
            'Restore',
          ),
        }),
      );
    if (open.has('decide_appeal'))
      buttons.push(
        button(ACTION_APPEAL_RESTORE, 'Grant appeal: restore', id, { style: 'primary' }),
        button(ACTION_APPEAL_UPHOLD, 'Refuse appeal: uphold', id, { style: 'danger' }),
      );
  }
  // Notes are stored by the note use case, not the workflow: open on any case, decided or not.
  buttons.push(button(ACTION_NOTE, 'Note / code word', id));
  if (open.has('claim')) buttons.push(button(ACTION_CLAIM, 'Claim', id));
  if (open.has('release')) buttons.push(button(ACTION_RELEASE, 'Release', id));
  return buttons;
}

/** `now` decides whether the undo window is still open (the workflow also redraws when it closes). */
export function caseCard(
  view: CaseView,
  state: CaseState,
  now: number = Date.now(),
  /** Signs a link to a volunteer's photo; without it the card lists the photos' hashes only. */
  photoLink?: PhotoLink,
): { text: string; blocks: Block[] } {
  const l = view.listing;
  const d = view.detection;
  const evidence = d?.evidence ?? [];
  const price = l.price !== null ? `${l.price} ${l.currency ?? ''}`.trim() : 'not given';
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`Case review: ${l.title}`, 150) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Platform*\n${inertMrkdwn(l.platformId)}` },
        { type: 'mrkdwn', text: `*Price*\n${inertMrkdwn(price)}` },
        { type: 'mrkdwn', text: `*Seller*\n${inertMrkdwn(l.sellerId ?? 'unknown')}` },
        {
          type: 'mrkdwn',
          text: `*Verdict*\n${view.verdict} (score ${(d?.score ?? 0).toFixed(2)}) · priority ${state.priority}`,
        },
      ],
    },
  ];
  if (l.url)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: mrkdwnLink(l.url, 'Open the listing') } });
  if (l.imageUrls.length) {
    blocks.push({
      type: 'context',
      elements: l.imageUrls
        .slice(0, 9)
        .map((url, i) => ({ type: 'image' as const, image_url: url, alt_text: `listing photo ${i + 1}` })),
    });
  }
  const titleSpans = evidence.filter((e) => e.field === 'title') as { start: number; end: number }[];
  const descSpans = evidence.filter((e) => e.field === 'description') as { start: number; end: number }[];
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `*Title:* ${highlightEvidence(l.title, titleSpans, 300)}\n*Description:* ${
        l.description ? highlightEvidence(l.description, descSpans) : '_none_'
      }`,
    },
  });
  const edits = editLines(view);
  if (edits.length)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(edits.join('\n'), 2900) } });
  const found = [
    ...detectorLines(view),
    ...reportLines(view),
    ...photoLines(view, photoLink),
    ...sellerHistoryLines(view),
  ];
  if (found.length)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(found.join('\n'), 2900) } });
  if (d?.clause) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(`*Policy:* ${inertMrkdwn(d.clause)} · ${inertMrkdwn(d.explanation ?? '')}`, 2900),
        },
      ],
    });
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: statusLine(state) } });
  const progress = progressLines(view, state);
  if (progress.length)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncate(progress.join('\n'), 2900) }],
    });
  const buttons = actionButtons(view, state, now);
  if (buttons.length) blocks.push({ type: 'actions', block_id: 'case_actions', elements: buttons });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Case *${caseRef(view.id)}* · \`${view.id}\`` }],
  });
  // The notification text is mrkdwn too: escaped like everything else.
  return { text: `Case review: ${inertMrkdwn(truncate(l.title, 100))}`, blocks };
}
