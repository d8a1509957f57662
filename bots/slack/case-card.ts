// The review card (Block Kit) for one case: what the listing says, why it was flagged, and the buttons
// to decide. Every piece of listing text is escaped or sent as plain_text.
import type { types } from '@slack/bolt';
import type { CaseView } from '../../shared/db/cases.ts';
import type { CaseState } from '../../workflows/case-workflow.ts';
import { escapeMrkdwn, mrkdwnLink, truncate } from './mrkdwn.ts';

export const ACTION_APPROVE = 'case_approve';
export const ACTION_REJECT = 'case_reject';

/** The description excerpt with each evidence span in bold; spans come from the detectors' offsets. */
export function highlightEvidence(text: string, spans: { start: number; end: number }[], max = 600): string {
  const sorted = spans
    .filter((s) => s.start >= 0 && s.end <= text.length && s.start < s.end)
    .sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) continue;
    out += escapeMrkdwn(text.slice(at, s.start));
    out += `*${escapeMrkdwn(text.slice(s.start, s.end)).replace(/\*/g, '∗')}*`;
    at = s.end;
  }
  out += escapeMrkdwn(text.slice(at));
  return truncate(out, max);
}

function statusLine(state: CaseState): string {
  const who = state.decision ? `<@${escapeMrkdwn(state.decision.actor)}>` : '';
  switch (state.status) {
    case 'open':
      return ':hourglass_flowing_sand: Waiting for a reviewer';
    case 'approved':
      return `:white_check_mark: Takedown approved by ${who}; sending to the platform…`;
    case 'taken_down':
      return `:white_check_mark: Taken down, approved by ${who} · platform reference ${escapeMrkdwn(state.takedown?.reference ?? '')}`;
    case 'takedown_failed':
      return `:warning: Approved by ${who}, but the takedown failed: ${escapeMrkdwn(state.takedown?.error ?? 'unknown error')}`;
    case 'rejected':
      return `:no_entry_sign: Rejected by ${who}${state.decision?.reason ? `: ${escapeMrkdwn(state.decision.reason)}` : ''}`;
  }
}

export function caseCard(view: CaseView, state: CaseState): { text: string; blocks: types.KnownBlock[] } {
  const l = view.listing;
  const d = view.detection;
  const evidence = d?.evidence ?? [];
  const price = l.price !== null ? `${l.price} ${l.currency ?? ''}`.trim() : 'not given';
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`Case review: ${l.title}`, 150) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Platform*\n${escapeMrkdwn(l.platformId)}` },
        { type: 'mrkdwn', text: `*Price*\n${escapeMrkdwn(price)}` },
        { type: 'mrkdwn', text: `*Seller*\n${escapeMrkdwn(l.sellerId ?? 'unknown')}` },
        { type: 'mrkdwn', text: `*Verdict*\n${view.verdict} (score ${(d?.score ?? 0).toFixed(2)})` },
      ],
    },
  ];
  if (l.url)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: mrkdwnLink(l.url, 'Open the listing') } });
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
  if (d?.clause) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `*Policy:* ${escapeMrkdwn(d.clause)} · ${escapeMrkdwn(d.explanation ?? '')}`,
        },
      ],
    });
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: statusLine(state) } });
  if (state.status === 'open') {
    blocks.push({
      type: 'actions',
      block_id: 'case_actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION_APPROVE,
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve takedown' },
          value: view.id,
          confirm: {
            title: { type: 'plain_text', text: 'Remove this listing?' },
            text: { type: 'plain_text', text: 'The platform will be asked to remove the listing.' },
            confirm: { type: 'plain_text', text: 'Remove' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
        {
          type: 'button',
          action_id: ACTION_REJECT,
          style: 'danger',
          text: { type: 'plain_text', text: 'Reject' },
          value: view.id,
        },
      ],
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Case \`${view.id}\`` }] });
  // The notification text is mrkdwn too: escaped like everything else.
  return { text: `Case review: ${escapeMrkdwn(truncate(l.title, 100))}`, blocks };
}
