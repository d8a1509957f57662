// Posts a campaign message to a Telegram chat or channel with grammY's Api client.
import { type Api, GrammyError } from 'grammy';
import type { Variant } from '../../../shared/campaigns/model.ts';
import { escapeTelegramHtml } from './escape.ts';
import type { PostFailure } from './failures.ts';

const CAPTION_LIMIT = 1024;

/** Numeric chat ids as numbers, public @channel names as given. */
export function telegramChatId(target: string): number | string {
  return /^-?\d+$/.test(target) ? Number(target) : target;
}

export async function postToTelegram(api: Api, target: string, variant: Variant): Promise<string> {
  const chatId = telegramChatId(target);
  const html = escapeTelegramHtml(variant.text);
  if (variant.imageUrl && variant.text.length <= CAPTION_LIMIT) {
    const sent = await api.sendPhoto(chatId, variant.imageUrl, { caption: html, parse_mode: 'HTML' });
    return String(sent.message_id);
  }
  if (variant.imageUrl) await api.sendPhoto(chatId, variant.imageUrl);
  const sent = await api.sendMessage(chatId, html, { parse_mode: 'HTML' });
  return String(sent.message_id);
}

export function classifyTelegramError(err: unknown): PostFailure {
  if (err instanceof GrammyError) {
    const retryAfter = err.parameters?.retry_after;
    if (err.error_code === 429) {
      return {
        platform: 'telegram',
        message: err.description,
        permanent: false,
        retryAfterMs: (retryAfter ?? 1) * 1000,
      };
    }
    // 400 chat not found / bad markup, 401 bad token, 403 bot removed from the chat: retrying cannot help.
    return {
      platform: 'telegram',
      message: `${err.error_code} ${err.description}`,
      permanent: err.error_code < 500,
    };
  }
  return {
    platform: 'telegram',
    message: err instanceof Error ? err.message : String(err),
    permanent: false,
  };
}
