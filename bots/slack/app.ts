// The Slack front end: Bolt with its HTTP receiver (signature checks included). Handlers only translate
// Slack events into use-case calls; the workflows decide what is allowed, and a refusal is shown to the
// person who clicked (ephemeral in a channel, a DM from the Home tab). A move on a case is stored in the
// inbox before Slack gets its ack and applied after it (see ../inbox.ts): an acknowledged click is never lost.
import { App, type BlockAction, type ButtonAction, HTTPReceiver, LogLevel, webApi } from '@slack/bolt';
import { isCaseId, parseCaseRef } from '../../shared/case-ref.ts';
import type { ApproveAction } from '../../workflows/case-workflow.ts';
import { moveRefusal } from '../../workflows/review/moves.ts';
import type { Inbox } from '../inbox.ts';
import { botAuthorization } from './authorize.ts';
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
import { escapeMrkdwn } from './mrkdwn.ts';
import { guardSlackRequests } from './request-guard.ts';
import { caseSummary, homeView } from './review-home.ts';
import { REVIEW_INBOX_KIND, type ReviewCommand, reviewInboxHandler, tellPrivately } from './review-inbox.ts';
import {
  MODAL_NOTE,
  MODAL_REJECT,
  MODAL_REQUEST_INFO,
  noteModal,
  type Parsed,
  readInfoForm,
  readModalContext,
  readNoteForm,
  readRejectForm,
  rejectModal,
  requestInfoModal,
  type ViewState,
} from './review-modals.ts';
import type { SlackUseCases } from './review-use-cases.ts';

export type { SlackUseCases } from './review-use-cases.ts';

export interface SlackAppOptions {
  token: string;
  signingSecret: string;
  apiUrl?: string;
  /** decideCase is the thin path; the rest of the review journey is registered when given. */
  useCases: Pick<SlackUseCases, 'decideCase'> & Partial<SlackUseCases>;
  /** Where clicks and submissions are stored before they are acknowledged. */
  inbox: Inbox;
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

export function createSlackApp(opts: SlackAppOptions): { app: App; receiver: HTTPReceiver } {
  const receiver = new HTTPReceiver({ signingSecret: opts.signingSecret, endpoints: '/slack/events' });
  const botClient = createWebClient(opts.token, opts.apiUrl);
  receiver.requestListener = guardSlackRequests(receiver.requestListener);
  const app = new App({
    authorize: botAuthorization(botClient, opts.token),
    receiver,
    logLevel: LogLevel.WARN,
    clientOptions: {
      ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
      retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    },
  });
  // Given authorize rather than a token (see ./authorize.ts), Bolt's own client has no token: give it the
  // bot's, which the inbox and the campaign handlers use outside events.
  app.client = botClient;
  const uc = opts.useCases;

  const publishHome = async (client: webApi.WebClient, user: string) => {
    if (!uc.reviewQueue) return;
    const queue = await uc.reviewQueue(user);
    await client.views.publish({ user_id: user, view: homeView(user, queue.items, queue.authorised) });
  };

  const { inbox } = opts;
  inbox.register(
    REVIEW_INBOX_KIND,
    reviewInboxHandler({
      useCases: uc,
      client: app.client,
      publishHome: (user) => publishHome(app.client, user),
    }),
  );

  /** Stores the move, acknowledges, then applies it; its outcome reaches the reviewer from the inbox. */
  const recordMove = async (
    ack: () => Promise<void>,
    requestId: string,
    entry: { caseId: string; user: string; channel?: string | undefined; fromHome: boolean },
    command: ReviewCommand,
  ) => {
    const job = await inbox.record(REVIEW_INBOX_KIND, requestId, {
      ...entry,
      ...(entry.channel ? { channel: entry.channel } : {}),
      requestId,
      command,
    });
    await ack();
    await job.run();
  };

  const readClick = (body: { type: string }, action: { type: string }): Clicked | undefined => {
    if (body.type !== 'block_actions' || action.type !== 'button' || !('action_ts' in action))
      return undefined;
    const b = body as BlockAction;
    const a = action as ButtonAction;
    return {
      caseId: a.value ?? '',
      user: b.user.id,
      channel: b.channel?.id,
      requestId: `slack:${a.action_ts}:${b.user.id}`,
      triggerId: b.trigger_id,
      fromHome: b.container?.type === 'view' || b.view?.type === 'home',
    };
  };

  /** A button that moves the case: recorded before the ack. */
  const onMove = (actionId: string, command: ReviewCommand) => {
    app.action(actionId, async ({ ack, body, action }) => {
      const c = readClick(body, action);
      if (!c) return ack();
      await recordMove(ack, c.requestId, c, command);
    });
  };

  /** A button that only shows something (a modal): nothing to store, so it acknowledges at once. */
  const onButton = (
    actionId: string,
    run: (c: Clicked, client: webApi.WebClient) => Promise<{ ok: false; reason: string } | undefined>,
  ) => {
    app.action(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const clicked = readClick(body, action);
      if (!clicked) return;
      const result = await run(clicked, client);
      if (result && !result.ok)
        await tellPrivately(
          client,
          clicked.user,
          clicked.channel,
          `Your decision was not applied: ${escapeMrkdwn(result.reason)}`,
        );
    });
  };

  const approve = (action: ApproveAction): ReviewCommand => ({ op: 'decide', decision: 'approve', action });
  onMove(ACTION_APPROVE, approve('remove_listing'));
  onMove(ACTION_APPROVE_WARN, approve('warn_seller'));
  onMove(ACTION_APPROVE_SUSPEND, approve('suspend_seller'));
  onMove(ACTION_ESCALATE, { op: 'decide', decision: 'escalate' });
  const { claimCase, undoTakedown, decideAppeal, readCaseState, noteCase, lookupCase } = uc;
  const registerReviewJourney = () => {
    if (!claimCase || !undoTakedown || !decideAppeal || !readCaseState || !noteCase || !lookupCase) return;
    onMove(ACTION_CLAIM, { op: 'claim', claim: true });
    onMove(ACTION_RELEASE, { op: 'claim', claim: false });
    onMove(ACTION_UNDO, { op: 'undo' });
    onMove(ACTION_APPEAL_RESTORE, { op: 'appeal', outcome: 'restore' });
    onMove(ACTION_APPEAL_UPHOLD, { op: 'appeal', outcome: 'uphold' });

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

    /**
     * A review modal: an expired or invalid form answers in the modal; a valid one is stored as its move
     * before the ack closes the modal.
     */
    const onModal = <T>(
      callbackId: string,
      read: (state: ViewState) => Parsed<T>,
      expiredField: string,
      toMove: (value: T) => ReviewCommand,
    ) => {
      app.view(callbackId, async ({ ack, body, view }) => {
        const ctx = readModalContext(view.private_metadata);
        const form = read(view.state);
        if (!ctx)
          return ack({ response_action: 'errors', errors: { [expiredField]: 'this form has expired' } });
        if (!form.ok) return ack({ response_action: 'errors', errors: form.errors });
        const requestId = `slack:view:${view.id}:${body.user.id}`;
        const entry = {
          caseId: ctx.caseId,
          user: body.user.id,
          channel: ctx.channel,
          fromHome: !ctx.channel,
        };
        await recordMove(ack, requestId, entry, toMove(form.value));
      });
    };

    onModal(MODAL_REJECT, readRejectForm, 'reason', (f) => ({
      op: 'decide',
      decision: 'reject',
      reasonCode: f.reasonCode,
      ...(f.note !== undefined ? { reason: f.note } : {}),
    }));
    onModal(MODAL_REQUEST_INFO, readInfoForm, 'question', (f) => ({
      op: 'decide',
      decision: 'request_info',
      reason: f.question,
    }));
    onModal(MODAL_NOTE, readNoteForm, 'note', (f) => ({
      op: 'note',
      ...(f.note !== undefined ? { note: f.note } : {}),
      ...(f.codeWord
        ? {
            codeWord: {
              term: f.codeWord,
              ...(f.language !== undefined ? { language: f.language } : {}),
              ...(f.species !== undefined ? { species: f.species } : {}),
            },
          }
        : {}),
    }));

    app.event('app_home_opened', async ({ event, client }) => {
      if (event.tab !== 'home') return;
      await publishHome(client, event.user);
    });

    app.command(CASE_COMMAND, async ({ ack, command }) => {
      const query = command.text.trim();
      if (!isCaseId(query) && !parseCaseRef(query)) {
        await ack({
          response_type: 'ephemeral',
          text: `Usage: ${CASE_COMMAND} WS-XXXXX (the case reference) or case-<24 hex digits>`,
        });
        return;
      }
      const found = await lookupCase(command.user_id, query);
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
