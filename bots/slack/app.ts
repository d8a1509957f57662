// The Slack front end: Bolt with its HTTP receiver (signature checks included). Handlers only translate
// Slack events into use-case calls; the workflows decide what is allowed, and a refusal is shown to the
// person who clicked (ephemeral in a channel, a DM from the Home tab).
import { App, HTTPReceiver, LogLevel, webApi } from '@slack/bolt';
import type { ApproveAction } from '../../workflows/case-workflow.ts';
import { moveRefusal } from '../../workflows/review/moves.ts';
import type { DecideResult } from '../../workflows/use-cases/decide-case.ts';
import {
  ACTION_APPEAL_RESTORE,
  ACTION_APPEAL_UPHOLD,
  ACTION_APPROVE,
  ACTION_APPROVE_SUSPEND,
  ACTION_APPROVE_WARN,
  ACTION_CLAIM,
  ACTION_ESCALATE,
  ACTION_NOTE,
  ACTION_REJECT,
  ACTION_RELEASE,
  ACTION_REQUEST_INFO,
  ACTION_UNDO,
} from './case-card.ts';
import { caseSummary, homeView } from './review-home.ts';
import {
  MODAL_NOTE,
  MODAL_REJECT,
  MODAL_REQUEST_INFO,
  noteModal,
  readInfoForm,
  readModalContext,
  readNoteForm,
  readRejectForm,
  rejectModal,
  requestInfoModal,
} from './review-modals.ts';
import type { SlackUseCases } from './review-use-cases.ts';

export type { SlackUseCases } from './review-use-cases.ts';

export interface SlackAppOptions {
  token: string;
  signingSecret: string;
  apiUrl?: string;
  /** decideCase is the thin path; the rest of the review journey is registered when given. */
  useCases: Pick<SlackUseCases, 'decideCase'> & Partial<SlackUseCases>;
}

export const CASE_COMMAND = '/case';

export function createWebClient(token: string, apiUrl?: string): webApi.WebClient {
  return new webApi.WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    logLevel: webApi.LogLevel.WARN,
  });
}

interface Clicked {
  caseId: string;
  user: string;
  channel?: string | undefined;
  /** Slack resends an unacknowledged click with the same action_ts: one request id for all of them. */
  requestId: string;
  triggerId: string;
  fromHome: boolean;
}

/** Tells the user privately: ephemeral where they clicked, or a DM when they clicked in the App Home. */
async function tell(client: webApi.WebClient, user: string, channel: string | undefined, text: string) {
  if (channel) await client.chat.postEphemeral({ channel, user, text });
  else await client.chat.postMessage({ channel: user, text });
}

export function createSlackApp(opts: SlackAppOptions): { app: App; receiver: HTTPReceiver } {
  const receiver = new HTTPReceiver({ signingSecret: opts.signingSecret, endpoints: '/slack/events' });
  const app = new App({
    token: opts.token,
    receiver,
    logLevel: LogLevel.WARN,
    clientOptions: {
      ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
      retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    },
  });
  const uc = opts.useCases;

  const publishHome = async (client: webApi.WebClient, user: string) => {
    if (!uc.reviewQueue) return;
    const queue = await uc.reviewQueue(user);
    await client.views.publish({ user_id: user, view: homeView(user, queue.items, queue.authorised) });
  };

  /** Registers a button: acknowledges at once, then runs the use case and reports a refusal. */
  const onButton = (
    actionId: string,
    run: (c: Clicked, client: webApi.WebClient) => Promise<DecideResult | undefined>,
  ) => {
    app.action(actionId, async ({ ack, body, action, client }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button' || !('action_ts' in action)) return;
      const fromHome = body.container?.type === 'view' || body.view?.type === 'home';
      const clicked: Clicked = {
        caseId: action.value ?? '',
        user: body.user.id,
        channel: body.channel?.id,
        requestId: `slack:${action.action_ts}:${body.user.id}`,
        triggerId: body.trigger_id,
        fromHome,
      };
      const result = await run(clicked, client);
      if (result && !result.ok)
        await tell(client, clicked.user, clicked.channel, `Your decision was not applied: ${result.reason}`);
      if (fromHome) await publishHome(client, clicked.user);
    });
  };

  const approve = (action: ApproveAction) => (c: Clicked) =>
    uc.decideCase({ caseId: c.caseId, actor: c.user, decision: 'approve', action, requestId: c.requestId });
  onButton(ACTION_APPROVE, approve('remove_listing'));
  onButton(ACTION_APPROVE_WARN, approve('warn_seller'));
  onButton(ACTION_APPROVE_SUSPEND, approve('suspend_seller'));
  onButton(ACTION_ESCALATE, (c) =>
    uc.decideCase({ caseId: c.caseId, actor: c.user, decision: 'escalate', requestId: c.requestId }),
  );
  const { claimCase, undoTakedown, decideAppeal, readCaseState, noteCase, lookupCase } = uc;
  const registerReviewJourney = () => {
    if (!claimCase || !undoTakedown || !decideAppeal || !readCaseState || !noteCase || !lookupCase) return;
    onButton(ACTION_CLAIM, (c) =>
      claimCase({ caseId: c.caseId, actor: c.user, claim: true, requestId: c.requestId }),
    );
    onButton(ACTION_RELEASE, (c) =>
      claimCase({ caseId: c.caseId, actor: c.user, claim: false, requestId: c.requestId }),
    );
    onButton(ACTION_UNDO, (c) => undoTakedown({ caseId: c.caseId, actor: c.user, requestId: c.requestId }));
    onButton(ACTION_APPEAL_RESTORE, (c) =>
      decideAppeal({ caseId: c.caseId, actor: c.user, outcome: 'restore', requestId: c.requestId }),
    );
    onButton(ACTION_APPEAL_UPHOLD, (c) =>
      decideAppeal({ caseId: c.caseId, actor: c.user, outcome: 'uphold', requestId: c.requestId }),
    );

    // Buttons that need more words open a modal; a case that has moved on answers at once instead.
    for (const [actionId, open] of [
      [ACTION_REJECT, rejectModal],
      [ACTION_REQUEST_INFO, requestInfoModal],
    ] as const) {
      onButton(actionId, async (c, client) => {
        const state = await readCaseState(c.caseId);
        if (!state) return { ok: false, reason: `case ${c.caseId} is not open` };
        const refusal = moveRefusal(
          state,
          actionId === ACTION_REJECT ? 'reject' : 'request_info',
          Date.now(),
        );
        if (refusal) return { ok: false, reason: refusal };
        await client.views.open({
          trigger_id: c.triggerId,
          view: open({ caseId: c.caseId, channel: c.channel }),
        });
        return undefined;
      });
    }
    onButton(ACTION_NOTE, async (c, client) => {
      await client.views.open({
        trigger_id: c.triggerId,
        view: noteModal({ caseId: c.caseId, channel: c.channel }),
      });
      return undefined;
    });

    app.view(MODAL_REJECT, async ({ ack, body, view, client }) => {
      const ctx = readModalContext(view.private_metadata);
      const form = readRejectForm(view.state);
      if (!ctx) return ack({ response_action: 'errors', errors: { reason: 'this form has expired' } });
      if (!form.ok) return ack({ response_action: 'errors', errors: form.errors });
      await ack();
      const result = await uc.decideCase({
        caseId: ctx.caseId,
        actor: body.user.id,
        decision: 'reject',
        reasonCode: form.value.reasonCode,
        reason: form.value.note,
        requestId: `slack:view:${view.id}:${body.user.id}`,
      });
      if (!result.ok)
        await tell(client, body.user.id, ctx.channel, `Your decision was not applied: ${result.reason}`);
    });

    app.view(MODAL_REQUEST_INFO, async ({ ack, body, view, client }) => {
      const ctx = readModalContext(view.private_metadata);
      const form = readInfoForm(view.state);
      if (!ctx) return ack({ response_action: 'errors', errors: { question: 'this form has expired' } });
      if (!form.ok) return ack({ response_action: 'errors', errors: form.errors });
      await ack();
      const result = await uc.decideCase({
        caseId: ctx.caseId,
        actor: body.user.id,
        decision: 'request_info',
        reason: form.value.question,
        requestId: `slack:view:${view.id}:${body.user.id}`,
      });
      if (!result.ok)
        await tell(client, body.user.id, ctx.channel, `Your request was not applied: ${result.reason}`);
    });

    app.view(MODAL_NOTE, async ({ ack, body, view, client }) => {
      const ctx = readModalContext(view.private_metadata);
      const form = readNoteForm(view.state);
      if (!ctx) return ack({ response_action: 'errors', errors: { note: 'this form has expired' } });
      if (!form.ok) return ack({ response_action: 'errors', errors: form.errors });
      await ack();
      const f = form.value;
      const result = await noteCase({
        caseId: ctx.caseId,
        actor: body.user.id,
        requestId: `slack:view:${view.id}:${body.user.id}`,
        note: f.note,
        codeWord: f.codeWord ? { term: f.codeWord, language: f.language, species: f.species } : undefined,
      });
      if (!result.ok)
        await tell(client, body.user.id, ctx.channel, `Your note was not saved: ${result.reason}`);
      else if (result.proposed)
        await tell(
          client,
          body.user.id,
          ctx.channel,
          'Thanks: the code word was sent to the keyword library for review.',
        );
    });

    app.event('app_home_opened', async ({ event, client }) => {
      if (event.tab !== 'home') return;
      await publishHome(client, event.user);
    });

    app.command(CASE_COMMAND, async ({ ack, command }) => {
      const caseId = command.text.trim();
      if (!/^case-[0-9a-f]{24}$/.test(caseId)) {
        await ack({ response_type: 'ephemeral', text: `Usage: ${CASE_COMMAND} case-<24 hex digits>` });
        return;
      }
      const found = await lookupCase(command.user_id, caseId);
      await ack({
        response_type: 'ephemeral',
        text: found.ok ? caseSummary(found.view, found.state, found.reporters) : found.reason,
      });
    });
  };
  registerReviewJourney();
  // ---- Campaign handlers ------------------------------------------------------------------------
  // The campaigns feature registers its actions here: registerCampaignHandlers(app, deps), wired by the
  // lead in cli/system.ts. Review action ids start with "case_" or "appeal_"; keep campaign ids apart.

  return { app, receiver };
}
