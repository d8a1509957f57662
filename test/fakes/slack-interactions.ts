// Plays Slack's side of interactivity: signs request bodies the way Slack does
// (v0=HMAC-SHA256(secret, "v0:<ts>:<body>")) and posts them to a Bolt endpoint.
import { createHmac } from 'node:crypto';

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPostOptions {
  signingSecret: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Override the signature (for forgery tests). */
  signature?: string;
  retryNum?: number;
}

export async function postSigned(url: string, body: string, contentType: string, opts: SignedPostOptions) {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': opts.signature ?? slackSignature(opts.signingSecret, timestamp, body),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return fetch(url, { method: 'POST', headers, body });
}

export interface BlockActionInput {
  actionId: string;
  value: string;
  userId: string;
  channel?: string;
  messageTs?: string;
  actionTs?: string;
  responseUrl?: string;
}

export function blockActionPayload(input: BlockActionInput) {
  const actionTs = input.actionTs ?? `${Date.now() / 1000}`;
  return {
    type: 'block_actions',
    user: { id: input.userId, username: input.userId.toLowerCase(), team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    token: 'legacy-verification-token',
    team: { id: 'T0TEST', domain: 'wild-sentinel-test' },
    container: {
      type: 'message',
      message_ts: input.messageTs ?? '1.0',
      channel_id: input.channel ?? 'C0REVIEW',
    },
    trigger_id: `trigger-${actionTs}`,
    channel: { id: input.channel ?? 'C0REVIEW', name: 'wildlife-review' },
    message: { ts: input.messageTs ?? '1.0', type: 'message', text: '' },
    response_url: input.responseUrl ?? 'http://127.0.0.1:9/unused',
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: 'case_actions',
        value: input.value,
        action_ts: actionTs,
        text: { type: 'plain_text', text: input.actionId },
      },
    ],
  };
}

export function sendBlockAction(url: string, input: BlockActionInput, opts: SignedPostOptions) {
  const body = new URLSearchParams({ payload: JSON.stringify(blockActionPayload(input)) }).toString();
  return postSigned(url, body, 'application/x-www-form-urlencoded', opts);
}
