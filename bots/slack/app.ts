// The Slack front end: Bolt with its HTTP receiver (signature checks included). Handlers only translate
// Slack events into use-case calls; the workflows decide what is allowed.
import { App, HTTPReceiver, LogLevel, webApi } from '@slack/bolt';
import type { DecideResult } from '../../workflows/use-cases/decide-case.ts';
import { ACTION_APPROVE, ACTION_REJECT } from './case-card.ts';

export interface SlackUseCases {
  decideCase(input: {
    caseId: string;
    actor: string;
    decision: 'approve' | 'reject';
    requestId: string;
  }): Promise<DecideResult>;
}

export interface SlackAppOptions {
  token: string;
  signingSecret: string;
  apiUrl?: string;
  useCases: SlackUseCases;
}

export function createWebClient(token: string, apiUrl?: string): webApi.WebClient {
  return new webApi.WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    logLevel: webApi.LogLevel.WARN,
  });
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

  for (const [actionId, decision] of [
    [ACTION_APPROVE, 'approve'],
    [ACTION_REJECT, 'reject'],
  ] as const) {
    app.action(actionId, async ({ ack, body, action, client }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button' || !('action_ts' in action)) return;
      const result = await opts.useCases.decideCase({
        caseId: action.value ?? '',
        actor: body.user.id,
        decision,
        // Slack resends an unacknowledged click with the same action_ts: one decision however often it arrives.
        requestId: `slack:${action.action_ts}:${body.user.id}`,
      });
      if (!result.ok && body.channel) {
        await client.chat.postEphemeral({
          channel: body.channel.id,
          user: body.user.id,
          text: `Your decision was not applied: ${result.reason}`,
        });
      }
    });
  }
  return { app, receiver };
}
