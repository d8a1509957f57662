// The App Home tab: a reviewer's queue (their claims and unclaimed open cases, most urgent priority first,
// then oldest), with claim and release buttons; and the /case lookup answer.
import type { types } from '@slack/bolt';
import { caseRef } from '../../shared/case-ref.ts';
import type { CaseView } from '../../shared/db/cases.ts';
import type { QueueItem } from '../../shared/db/review.ts';
import type { CaseState } from '../../workflows/case-workflow.ts';
import { ACTION_CLAIM, ACTION_RELEASE, slackTime } from './case-card.ts';
import { inertMrkdwn, truncate } from './mrkdwn.ts';
import type { Reporter } from './review-use-cases.ts';

const PRIORITY = ['', ':red_circle: P1', ':large_orange_circle: P2', ':white_circle: P3'];

export function homeView(reviewer: string, items: QueueItem[], authorised: boolean): types.HomeView {
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Wild Sentinel: review queue' } },
  ];
  if (!authorised) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'You do not hold a reviewer role. Ask a lead to add you to the reviewers group.',
      },
    });
    return { type: 'home', blocks };
  }
  if (items.length === 0)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: ':tada: No open cases. Nothing waits for you.' },
    });
  for (const item of items) {
    const mine = item.claimedBy === reviewer;
    const due = item.dueAt ? ` · due ${slackTime(Date.parse(item.dueAt))}` : '';
    const claim = item.claimedBy ? ` · claimed by ${mine ? 'you' : `<@${inertMrkdwn(item.claimedBy)}>`}` : '';
    blocks.push({
      type: 'section',
      block_id: `queue_${item.caseId}`,
      text: {
        type: 'mrkdwn',
        text: `${PRIORITY[item.priority] ?? `P${item.priority}`} *${inertMrkdwn(truncate(item.title, 120))}*\n${inertMrkdwn(item.platformId)} · ${inertMrkdwn(item.status)} · opened ${slackTime(Date.parse(item.openedAt))}${due}${claim}\n${caseRef(item.caseId)} · \`${item.caseId}\``,
      },
      accessory: {
        type: 'button',
        action_id: mine ? ACTION_RELEASE : ACTION_CLAIM,
        text: { type: 'plain_text', text: mine ? 'Release' : 'Claim' },
        value: item.caseId,
      },
    });
  }
  return { type: 'home', blocks };
}

/** The /case answer: a short summary, visible only to the asker. */
export function caseSummary(
  view: CaseView,
  state: CaseState | undefined,
  reporters?: readonly Reporter[],
): string {
  const lines = [
    `*${inertMrkdwn(truncate(view.listing.title, 150))}*`,
    `Case *${caseRef(view.id)}* \`${view.id}\` · ${inertMrkdwn(state?.status ?? view.status)} · priority ${view.priority} · ${inertMrkdwn(view.listing.platformId)}`,
  ];
  if (view.claimedBy) lines.push(`Claimed by <@${inertMrkdwn(view.claimedBy)}>`);
  if (view.dueAt && (view.status === 'open' || view.status === 'escalated'))
    lines.push(`Due ${slackTime(Date.parse(view.dueAt))}`);
  for (const d of view.decisions.slice(-5))
    lines.push(
      `• ${inertMrkdwn(d.decision)}${d.action ? ` (${inertMrkdwn(d.action)})` : ''} by <@${inertMrkdwn(d.reviewer)}> at ${inertMrkdwn(d.at)}`,
    );
  for (const t of view.takedowns)
    lines.push(
      `• takedown ${inertMrkdwn(t.action)}: ${inertMrkdwn(t.status)}${t.reference ? ` (${inertMrkdwn(t.reference)})` : ''}`,
    );
  if (reporters?.length) {
    const who = reporters.map((r) =>
      r.erased
        ? `a forgotten volunteer (${inertMrkdwn(r.channel)})`
        : `${inertMrkdwn(r.reporter)} (${inertMrkdwn(r.channel)})`,
    );
    lines.push(`Reported by: ${who.join(', ')}`);
  }
  return lines.join('\n');
}
