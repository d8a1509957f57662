// Posts a campaign message to a Discord channel with @discordjs/rest (no gateway needed).
import { DiscordAPIError, HTTPError, RateLimitError, type REST } from '@discordjs/rest';
import { type APIMessage, type RESTPostAPIChannelMessageJSONBody, Routes } from 'discord-api-types/v10';
import type { Variant } from '../../../shared/campaigns/model.ts';
import { escapeDiscord } from './escape.ts';
import type { PostFailure } from './failures.ts';

export function discordMessage(variant: Variant, nonce?: string): RESTPostAPIChannelMessageJSONBody {
  return {
    content: escapeDiscord(variant.text),
    ...(variant.imageUrl
      ? { embeds: [{ image: { url: variant.imageUrl }, description: variant.imageAlt }] }
      : {}),
    // Nobody is pinged by campaign text, whatever it contains.
    allowed_mentions: { parse: [] },
    // With enforce_nonce Discord returns the first message again for a repeated nonce (a retried post).
    ...(nonce ? { nonce, enforce_nonce: true } : {}),
  };
}

export async function postToDiscord(
  rest: REST,
  channelId: string,
  variant: Variant,
  nonce?: string,
): Promise<string> {
  const message = (await rest.post(Routes.channelMessages(channelId), {
    body: discordMessage(variant, nonce),
  })) as APIMessage;
  return message.id;
}

export function classifyDiscordError(err: unknown): PostFailure {
  if (err instanceof RateLimitError) {
    return { platform: 'discord', message: 'rate limited', permanent: false, retryAfterMs: err.retryAfter };
  }
  if (err instanceof DiscordAPIError) {
    // 4xx other than 429 means the request itself is wrong (unknown channel, missing access, bad body).
    return { platform: 'discord', message: `${err.status} ${err.message}`, permanent: err.status < 500 };
  }
  if (err instanceof HTTPError)
    return { platform: 'discord', message: `${err.status} ${err.message}`, permanent: false };
  return { platform: 'discord', message: err instanceof Error ? err.message : String(err), permanent: false };
}
