// Curating mined candidate terms in Slack: the weekly cards (counts, examples, estimated precision), the
// accept modal (kind, species, strength, language), dismissal, and a lead's approval or rejection of the
// resulting proposal on the same card. Every click and submission is stored in the inbox before Slack gets
// its ack (../inbox.ts); the card is then redrawn from the stored state. Listing text is escaped (inertMrkdwn).
import type { App, BlockAction, ButtonAction, types, webApi } from '@slack/bolt';
import { z } from 'zod';
import { TERM_KINDS } from '../../keywords/schema.ts';
import type { TermCandidate } from '../../shared/db/term-candidates.ts';
import { safeString } from '../../shared/text.ts';
import type { TermCandidateNotifier } from '../../workflows/terms/activities.ts';
import {
  type AcceptForm,
  acceptFormSchema,
  type CurationResult,
  type CurationState,
  type CurationUseCases,
} from '../../workflows/terms/curation.ts';
import type { Inbox } from '../inbox.ts';
import { inertMrkdwn, truncate } from './mrkdwn.ts';
import { tellPrivately } from './review-inbox.ts';

export const ACTION_TERM_ACCEPT = 'term_candidate_accept';
export const ACTION_TERM_DISMISS = 'term_candidate_dismiss';
export const MODAL_TERM_ACCEPT = 'term_candidate_accept_modal';
export const ACTION_TERM_APPROVE = 'term_proposal_approve';
export const ACTION_TERM_REJECT = 'term_proposal_reject';
export const TERM_INBOX_KIND = 'slack.terms';

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const pct = (p: number) => `${Math.round(p * 100)}%`;

/** The card of a candidate in its current state: open, accepted awaiting a lead, adopted, rejected, dismissed. */
export function candidateCard(s: CurationState): { text: string; blocks: types.KnownBlock[] } {
  const c = s.candidate;
  const term = inertMrkdwn(c.term);
  const precision = c.positives / Math.max(1, c.positives + c.negatives);
  const blocks: types.KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          `*Candidate term* \`${term}\` (${inertMrkdwn(c.language)}, ${c.form === 'hashtag' ? 'hashtag' : 'word n-gram'})\n` +
          `In ${c.positives} of ${c.positiveDocs} confirmed or missed listings (${c.missed} from volunteer reports the engine missed); ` +
          `in ${c.negatives} of ${c.negativeDocs} rejected or allowed listings. ` +
          `Estimated precision ${pct(precision)}, G² ${c.score.toFixed(1)}.`,
      },
    },
  ];
  // A shared candidate's counts are its origin's outcomes, not this deployment's.
  if (c.origin)
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `${inertMrkdwn(c.origin)}: the counts are from that deployment's reviews.` },
      ],
    });
  if (c.examples.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: c.examples.map((e) => `• ${inertMrkdwn(truncate(e.title, 120))}`).join('\n'),
        },
      ],
    });
  }
  const p = s.proposal;
  if (c.status === 'new') {
    blocks.push({
      type: 'actions',
      block_id: 'term_candidate',
      elements: [
        {
          type: 'button',
          action_id: ACTION_TERM_ACCEPT,
          text: plain('Accept…'),
          style: 'primary',
          value: c.id,
        },
        { type: 'button', action_id: ACTION_TERM_DISMISS, text: plain('Dismiss'), value: c.id },
      ],
    });
  } else if (c.status === 'dismissed') {
    blocks.push(status(`Dismissed by <@${c.decidedBy}>.`));
  } else if (p?.status === 'pending') {
    blocks.push(
      status(
        `Accepted by <@${p.proposedBy}> as ${p.kind} (${p.strength}${p.species ? `, ${inertMrkdwn(p.species)}` : ''}, ${inertMrkdwn(p.language ?? '')}). A lead approves it into the library.`,
      ),
      {
        type: 'actions',
        block_id: 'term_proposal',
        elements: [
          {
            type: 'button',
            action_id: ACTION_TERM_APPROVE,
            text: plain('Approve'),
            style: 'primary',
            value: p.id,
          },
          {
            type: 'button',
            action_id: ACTION_TERM_REJECT,
            text: plain('Reject'),
            style: 'danger',
            value: p.id,
          },
        ],
      },
    );
  } else if (p?.status === 'accepted') {
    blocks.push(
      status(
        `Adopted: library version ${inertMrkdwn(p.libraryVersion ?? '')}, approved by <@${p.decidedBy}> (accepted by <@${p.proposedBy}>).`,
      ),
    );
  } else if (p?.status === 'rejected') {
    blocks.push(status(`Rejected by <@${p.decidedBy}> (accepted by <@${p.proposedBy}>).`));
  }
  return { text: `Candidate term "${c.term}" (${c.language})`, blocks };
}

function status(text: string): types.KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

interface ModalContext {
  candidateId: string;
  channel?: string | undefined;
}
const contextSchema = z.object({
  candidateId: z.string().regex(/^\d{1,18}$/),
  channel: safeString().max(50).optional(),
});

export function acceptModal(
  c: Pick<TermCandidate, 'id' | 'term' | 'language'>,
  channel?: string,
): types.ModalView {
  const select = (blockId: string, label: string, options: readonly string[], initial?: string) => ({
    type: 'input' as const,
    block_id: blockId,
    label: plain(label),
    element: {
      type: 'static_select' as const,
      action_id: 'value',
      options: options.map((o) => ({ value: o, text: plain(o) })),
      ...(initial ? { initial_option: { value: initial, text: plain(initial) } } : {}),
    },
  });
  const text = (blockId: string, label: string, optional: boolean, initial?: string) => ({
    type: 'input' as const,
    block_id: blockId,
    optional,
    label: plain(label),
    element: {
      type: 'plain_text_input' as const,
      action_id: 'value',
      max_length: 100,
      ...(initial ? { initial_value: initial } : {}),
    },
  });
  const ctx: ModalContext = { candidateId: c.id, ...(channel ? { channel } : {}) };
  return {
    type: 'modal',
    callback_id: MODAL_TERM_ACCEPT,
    private_metadata: JSON.stringify(ctx),
    title: plain('Accept the term'),
    submit: plain('Propose'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `\`${inertMrkdwn(truncate(c.term, 200))}\`` } },
      select(
        'kind',
        'Kind',
        TERM_KINDS.filter((k) => k !== 'negative'),
        'code',
      ),
      text('species', 'Species key (e.g. elephant), if it names one', true),
      select('strength', 'Strength', ['strong', 'weak'], 'weak'),
      text(
        'language',
        'Language (e.g. en, vi, zh-Hans)',
        false,
        c.language === 'und' ? undefined : c.language,
      ),
    ],
  };
}

type ViewState = {
  values: Record<
    string,
    Record<string, { value?: string | null; selected_option?: { value: string } | null }>
  >;
};

function readAcceptForm(
  state: ViewState,
): { ok: true; form: AcceptForm } | { ok: false; errors: Record<string, string> } {
  const v = (block: string) => {
    const field = state.values[block]?.value;
    const raw = field?.selected_option?.value ?? field?.value ?? undefined;
    return raw?.trim() ? raw.trim() : undefined;
  };
  const parsed = acceptFormSchema.safeParse({
    kind: v('kind'),
    species: v('species'),
    strength: v('strength'),
    language: v('language'),
  });
  if (parsed.success) return { ok: true, form: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  return { ok: false, errors };
}

const entrySchema = z.object({
  op: z.enum(['accept', 'dismiss', 'approve', 'reject']),
  id: z.string().regex(/^\d{1,18}$/),
  user: safeString().min(1).max(50),
  channel: safeString().max(50).optional(),
  requestId: safeString().min(1).max(200),
  form: acceptFormSchema.optional(),
});
type TermEntry = z.infer<typeof entrySchema>;

export function createSlackTermCandidateNotifier(client: webApi.WebClient): TermCandidateNotifier {
  return {
    async postCandidate(candidate, channel) {
      const card = candidateCard({ candidate });
      const res = await client.chat.postMessage({ channel, ...card });
      return { channel: String(res.channel ?? channel), ts: String(res.ts) };
    },
  };
}

export function registerTermCurationHandlers(
  app: App,
  deps: { useCases: CurationUseCases; inbox: Inbox },
): void {
  const { useCases, inbox } = deps;
  const client = app.client;
  inbox.register<TermEntry, CurationResult>(TERM_INBOX_KIND, {
    schema: entrySchema,
    async apply(e) {
      switch (e.op) {
        case 'accept':
          if (!e.form) return { ok: false, reason: 'the form is missing' };
          return useCases.accept({ candidateId: e.id, user: e.user, requestId: e.requestId, form: e.form });
        case 'dismiss':
          return useCases.dismiss({ candidateId: e.id, user: e.user });
        case 'approve':
          return useCases.approve({ proposalId: e.id, user: e.user });
        case 'reject':
          return useCases.reject({ proposalId: e.id, user: e.user });
      }
    },
    async tell(e, outcome) {
      if (!outcome.ok) {
        await tellPrivately(client, e.user, e.channel, `Not done: ${inertMrkdwn(outcome.reason)}`);
        return;
      }
      const c = outcome.state.candidate;
      if (c.slackChannel && c.slackTs)
        await client.chat.update({ channel: c.slackChannel, ts: c.slackTs, ...candidateCard(outcome.state) });
    },
  });

  const record = async (ack: () => Promise<void>, entry: TermEntry) => {
    const job = await inbox.record(TERM_INBOX_KIND, entry.requestId, entry);
    await ack();
    await job.run();
  };
  const onButton = (actionId: string, op: TermEntry['op']) => {
    app.action(actionId, async ({ ack, body, action }) => {
      if (body.type !== 'block_actions' || action.type !== 'button' || !('action_ts' in action)) return ack();
      const b = body as BlockAction;
      const a = action as ButtonAction;
      if (!/^\d{1,18}$/.test(a.value ?? '')) return ack();
      await record(ack, {
        op,
        id: a.value!,
        user: b.user.id,
        ...(b.channel?.id ? { channel: b.channel.id } : {}),
        requestId: `slack:${a.action_ts}:${b.user.id}`,
      });
    });
  };
  onButton(ACTION_TERM_DISMISS, 'dismiss');
  onButton(ACTION_TERM_APPROVE, 'approve');
  onButton(ACTION_TERM_REJECT, 'reject');

  // Accept opens the modal (nothing to store yet); a candidate decided meanwhile answers at once.
  app.action(ACTION_TERM_ACCEPT, async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const b = body as BlockAction;
    const s = await useCases.state((action as ButtonAction).value ?? '');
    if (s?.candidate.status !== 'new') {
      await tellPrivately(client, b.user.id, b.channel?.id, 'This candidate term has already been decided.');
      return;
    }
    await client.views.open({ trigger_id: b.trigger_id, view: acceptModal(s.candidate, b.channel?.id) });
  });

  app.view(MODAL_TERM_ACCEPT, async ({ ack, body, view }) => {
    let ctx: ModalContext | undefined;
    try {
      const parsed = contextSchema.safeParse(JSON.parse(view.private_metadata ?? ''));
      ctx = parsed.success ? parsed.data : undefined;
    } catch {
      ctx = undefined;
    }
    if (!ctx) return ack({ response_action: 'errors', errors: { language: 'this form has expired' } });
    const read = readAcceptForm(view.state as ViewState);
    if (!read.ok) return ack({ response_action: 'errors', errors: read.errors });
    await record(ack, {
      op: 'accept',
      id: ctx.candidateId,
      user: body.user.id,
      ...(ctx.channel ? { channel: ctx.channel } : {}),
      requestId: `slack:view:${view.id}:${body.user.id}`,
      form: read.form,
    });
  });
}
