// Posts a campaign message to a Slack channel with the real Web API client.
import type { webApi } from '@slack/bolt';
import type { Variant } from '../../../shared/campaigns/model.ts';
import { escapeSlack } from './escape.ts';
import type { PostFailure } from './failures.ts';

// Errors that no retry can fix (https://api.slack.com/methods/chat.postMessage#errors).
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'no_text',
  'restricted_action',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'invalid_blocks',
  'too_many_attachments',
]);

/** A section block's text holds at most 3,000 characters; a message holds 40,000 (and 50 blocks). */
export const SECTION_LIMIT = 3000;

/** Splits text into pieces of at most `max`, at paragraph breaks, else line breaks, else spaces. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = -1;
    for (const sep of ['\n\n', '\n', ' ']) {
      cut = window.lastIndexOf(sep);
      if (cut > 0) break;
    }
    if (cut <= 0) cut = max;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/**
 * Slack mrkdwn has no escape for * _ ~ and `: a zero-width space before each (outside links) keeps campaign
 * text plain where it must sit in mrkdwn (next to an image block).
 */
export function neutraliseMrkdwn(escaped: string): string {
  return escaped
    .split(/(https?:\/\/\S+)/g)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/([*_~`])/g, '\u200b$1')))
    .join('');
}

/**
 * Plain text stays plain, as on Discord and Telegram: a message without an image is sent with mrkdwn off
 * (links still work); with an image, the text goes in mrkdwn sections with formatting neutralised.
 */
export function slackMessage(variant: Variant): {
  text: string;
  mrkdwn?: false;
  blocks?: Record<string, unknown>[];
} {
  const text = escapeSlack(variant.text);
  if (!variant.imageUrl) return { text, mrkdwn: false };
  // A long message becomes several sections, so nothing is cut off by the per-block limit.
  const blocks: Record<string, unknown>[] = splitText(neutraliseMrkdwn(text), SECTION_LIMIT).map((piece) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: piece },
  }));
  blocks.push({
    type: 'image',
    image_url: variant.imageUrl,
    alt_text: variant.imageAlt ?? 'campaign image',
  });
  return { text, blocks };
}

export async function postToSlack(
  client: webApi.WebClient,
  channel: string,
  variant: Variant,
): Promise<string> {
  const res = await client.chat.postMessage({ channel, ...slackMessage(variant) });
  return String(res.ts);
}

export function classifySlackError(err: unknown): PostFailure {
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; message?: string };
  if (e.code === 'slack_webapi_rate_limited_error') {
    return {
      platform: 'slack',
      message: 'rate limited',
      permanent: false,
      retryAfterMs: (e.retryAfter ?? 1) * 1000,
    };
  }
  if (e.code === 'slack_webapi_platform_error') {
    const error = e.data?.error ?? 'unknown_error';
    return { platform: 'slack', message: error, permanent: PERMANENT.has(error) };
  }
  return { platform: 'slack', message: e.message ?? String(err), permanent: false };
}
