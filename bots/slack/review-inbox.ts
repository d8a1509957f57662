// A reviewer's move on a case (a button or a modal), as stored in the inbox before Slack gets its ack, and
// how it is applied and told afterwards: a refusal privately to the reviewer (ephemeral where they
// clicked, a DM from the App Home), a success by the card the workflow refreshes.
import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import { APPROVE_ACTIONS, REJECT_REASONS, type RejectReason } from '../../workflows/review/rules.ts';
import type { InboxHandler } from '../inbox.ts';
import { escapeMrkdwn } from './mrkdwn.ts';
import type { SlackUseCases } from './review-use-cases.ts';

export const REVIEW_INBOX_KIND = 'slack.review';

const text = z.string().max(5000);
const command = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('decide'),
    decision: z.enum(['approve', 'reject', 'escalate', 'request_info']),
    action: z.enum(APPROVE_ACTIONS).optional(),
    reasonCode: z.enum(Object.keys(REJECT_REASONS) as [RejectReason, ...RejectReason[]]).optional(),
    reason: text.optional(),
  }),
  z.object({ op: z.literal('claim'), claim: z.boolean() }),
  z.object({ op: z.literal('undo') }),
  z.object({ op: z.literal('appeal'), outcome: z.enum(['restore', 'uphold']) }),
  z.object({
    op: z.literal('note'),
    note: text.optional(),
    codeWord: z.object({ term: text, language: text.optional(), species: text.optional() }).optional(),
  }),
]);

export const reviewEntrySchema = z.object({
  caseId: z.string().min(1).max(200),
  /** The Slack user who acted: the actor of the move. */
  user: z.string().min(1).max(100),
  /** Where to answer: the channel they clicked in, or none for the App Home (a DM then). */
  channel: z.string().max(100).optional(),
  fromHome: z.boolean(),
  command,
});
export type ReviewEntry = z.infer<typeof reviewEntrySchema>;
export type ReviewCommand = z.infer<typeof command>;

/** What is kept of the outcome: enough to tell the reviewer again after a crash. */
export type ReviewOutcome = { ok: true; status?: string; proposed?: boolean } | { ok: false; reason: string };

/** Tells the user privately: ephemeral where they clicked, or a DM when they clicked in the App Home. */
export async function tellPrivately(
  client: webApi.WebClient,
  user: string,
  channel: string | undefined,
  message: string,
): Promise<void> {
  if (channel) await client.chat.postEphemeral({ channel, user, text: message });
  else await client.chat.postMessage({ channel: user, text: message });
}

const refusalPrefix: Record<ReviewCommand['op'], string> = {
  decide: 'Your decision was not applied',
  claim: 'Your decision was not applied',
  undo: 'Your decision was not applied',
  appeal: 'Your decision was not applied',
  note: 'Your note was not saved',
};

type ReviewMoves = Pick<SlackUseCases, 'decideCase'> & Partial<SlackUseCases>;

/** Runs the move; the request id is the inbox id, so a retried entry is one Temporal update. */
async function applyMove(uc: ReviewMoves, requestId: string, e: ReviewEntry): Promise<ReviewOutcome> {
  const ref = { caseId: e.caseId, actor: e.user, requestId };
  const c = e.command;
  const unsupported = { ok: false as const, reason: 'this action is not available here' };
  let result: { ok: true; state: { status: string } } | { ok: false; reason: string };
  switch (c.op) {
    case 'decide':
      result = await uc.decideCase({
        ...ref,
        decision: c.decision,
        ...(c.action ? { action: c.action } : {}),
        ...(c.reasonCode ? { reasonCode: c.reasonCode } : {}),
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
      });
      break;
    case 'claim':
      if (!uc.claimCase) return unsupported;
      result = await uc.claimCase({ ...ref, claim: c.claim });
      break;
    case 'undo':
      if (!uc.undoTakedown) return unsupported;
      result = await uc.undoTakedown(ref);
      break;
    case 'appeal':
      if (!uc.decideAppeal) return unsupported;
      result = await uc.decideAppeal({ ...ref, outcome: c.outcome });
      break;
    case 'note': {
      if (!uc.noteCase) return unsupported;
      const noted = await uc.noteCase({ ...ref, note: c.note, codeWord: c.codeWord });
      return noted.ok ? { ok: true, proposed: noted.proposed } : noted;
    }
  }
  return result.ok ? { ok: true, status: result.state.status } : { ok: false, reason: result.reason };
}

export function reviewInboxHandler(deps: {
  useCases: ReviewMoves;
  client: webApi.WebClient;
  /** Re-renders the reviewer's App Home queue after a move made there. */
  publishHome(user: string): Promise<void>;
}): InboxHandler<ReviewEntry & { requestId: string }, ReviewOutcome> {
  const { client } = deps;
  return {
    schema: reviewEntrySchema.extend({ requestId: z.string().min(1).max(300) }),
    apply: (e) => applyMove(deps.useCases, e.requestId, e),
    async tell(e, outcome) {
      if (!outcome.ok) {
        const prefix =
          e.command.op === 'decide' && e.command.decision === 'request_info'
            ? 'Your request was not applied'
            : refusalPrefix[e.command.op];
        await tellPrivately(client, e.user, e.channel, `${prefix}: ${escapeMrkdwn(outcome.reason)}`);
      } else if (outcome.proposed) {
        await tellPrivately(
          client,
          e.user,
          e.channel,
          'Thanks: the code word was sent to the keyword library for review.',
        );
      }
      if (e.fromHome) await deps.publishHome(e.user);
    },
    async delayed(e) {
      await tellPrivately(
        client,
        e.user,
        e.channel,
        'Recorded: the case service is not answering right now, so this will be applied as soon as it is back. The card will show it.',
      );
    },
  };
}
