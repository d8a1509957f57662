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
  /** Clicked in the App Home tab instead of a channel message. */
  fromHome?: boolean;
  value: string;
  userId: string;
  channel?: string;
  messageTs?: string;
  actionTs?: string;
  responseUrl?: string;
}

export function blockActionPayload(input: BlockActionInput) {
  const actionTs = input.actionTs ?? `${Date.now() / 1000}`;
  const common = {
    type: 'block_actions',
    user: { id: input.userId, username: input.userId.toLowerCase(), team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    token: 'legacy-verification-token',
    team: { id: 'T0TEST', domain: 'wild-sentinel-test' },
    trigger_id: `trigger-${actionTs}`,
  };
  const action = (blockId: string) => ({
    type: 'button',
    action_id: input.actionId,
    block_id: blockId,
    value: input.value,
    action_ts: actionTs,
    text: { type: 'plain_text', text: input.actionId },
  });
  if (input.fromHome) {
    return {
      ...common,
      container: { type: 'view', view_id: 'VHOME' },
      view: {
        id: 'VHOME',
        type: 'home',
        blocks: [],
        private_metadata: '',
        callback_id: '',
        state: { values: {} },
      },
      actions: [action(`queue_${input.value}`)],
    };
  }
  return {
    ...common,
    container: {
      type: 'message',
      message_ts: input.messageTs ?? '1.0',
      channel_id: input.channel ?? 'C0REVIEW',
    },
    channel: { id: input.channel ?? 'C0REVIEW', name: 'wildlife-review' },
    message: { ts: input.messageTs ?? '1.0', type: 'message', text: '' },
    response_url: input.responseUrl ?? 'http://127.0.0.1:9/unused',
    actions: [action('case_actions')],
  };
}

export function sendBlockAction(url: string, input: BlockActionInput, opts: SignedPostOptions) {
  const body = new URLSearchParams({ payload: JSON.stringify(blockActionPayload(input)) }).toString();
  return postSigned(url, body, 'application/x-www-form-urlencoded', opts);
}

/** A modal submission (view_submission) with the given block values; private_metadata as the app set it. */
export interface ViewSubmissionInput {
  callbackId: string;
  userId: string;
  privateMetadata: string;
  /** block_id -> text value, or { selected: value } for a select. */
  values: Record<string, string | { selected: string }>;
  viewId?: string;
}

export function viewSubmissionPayload(input: ViewSubmissionInput) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [block, v] of Object.entries(input.values)) {
    values[block] = {
      value:
        typeof v === 'string'
          ? { type: 'plain_text_input', value: v }
          : {
              type: 'static_select',
              selected_option: { value: v.selected, text: { type: 'plain_text', text: v.selected } },
            },
    };
  }
  return {
    type: 'view_submission',
    team: { id: 'T0TEST', domain: 'wild-sentinel-test' },
    user: { id: input.userId, username: input.userId.toLowerCase(), team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    token: 'legacy-verification-token',
    trigger_id: `trigger-view-${Date.now()}`,
    view: {
      id: input.viewId ?? `V${Date.now()}${Math.floor(Math.random() * 1000)}`,
      team_id: 'T0TEST',
      type: 'modal',
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata,
      state: { values },
      hash: 'h',
      blocks: [],
    },
  };
}

export function sendViewSubmission(url: string, input: ViewSubmissionInput, opts: SignedPostOptions) {
  const body = new URLSearchParams({ payload: JSON.stringify(viewSubmissionPayload(input)) }).toString();
  return postSigned(url, body, 'application/x-www-form-urlencoded', opts);
}

/** An Events API delivery (event_callback), e.g. app_home_opened. */
export function sendEvent(url: string, event: Record<string, unknown>, opts: SignedPostOptions) {
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T0TEST',
    api_app_id: 'A0TEST',
    type: 'event_callback',
    event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1000)}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
  return postSigned(url, body, 'application/json', opts);
}

/** A slash command as Slack posts it (form-encoded). */
export function sendSlashCommand(
  url: string,
  input: { command: string; text: string; userId: string; channel?: string },
  opts: SignedPostOptions,
) {
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0TEST',
    team_domain: 'wild-sentinel-test',
    channel_id: input.channel ?? 'C0REVIEW',
    channel_name: 'wildlife-review',
    user_id: input.userId,
    user_name: input.userId.toLowerCase(),
    command: input.command,
    text: input.text,
    api_app_id: 'A0TEST',
    response_url: 'http://127.0.0.1:9/unused',
    trigger_id: `trigger-cmd-${Date.now()}`,
  }).toString();
  return postSigned(url, body, 'application/x-www-form-urlencoded', opts);
}
