// How updates reach the Telegram bot: long polling (getUpdates) or a webhook that Telegram calls with the
// secret token in X-Telegram-Bot-Api-Secret-Token (grammY answers 401 when it does not match).
// Durable before acknowledged: an update's handler stores what it changes before it returns. Long polling
// confirms an update (the next getUpdates offset) only after its handler returned, so a crash mid-handler
// gets it delivered again; the webhook answers 200 only after the handler returned, and 500 (Telegram
// delivers again) when it runs past the timeout, never 200 for an update still being handled.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { type Bot, webhookCallback } from 'grammy';
import { log } from '../../shared/logger.ts';
import type { VolunteerContext } from './bot.ts';

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface RunningTelegramBot {
  stop(): Promise<void>;
}

export async function startTelegramPolling(bot: Bot<VolunteerContext>): Promise<RunningTelegramBot> {
  await bot.init();
  const running = bot
    .start({ allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false })
    .catch((err: unknown) => log.error('telegram polling stopped', { error: err }));
  return {
    async stop() {
      await bot.stop();
      await running;
    },
  };
}

export type TelegramWebhookListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The request listener to mount on an HTTP server at TELEGRAM_WEBHOOK_PATH. */
export function telegramWebhookListener(
  bot: Bot<VolunteerContext>,
  secretToken: string,
  options: { timeoutMs?: number } = {},
): TelegramWebhookListener {
  const handle = webhookCallback(bot, 'http', {
    secretToken,
    onTimeout: 'throw',
    timeoutMilliseconds: options.timeoutMs ?? 9_000,
  });
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    try {
      await handle(req, res);
    } catch (err) {
      // Not handled in time (it goes on): Telegram delivers the update again rather than losing it.
      log.warn('telegram webhook update not handled in time', { error: err });
      if (!res.headersSent) res.writeHead(500).end();
    }
  };
}

/** Tells Telegram where to deliver updates. */
export async function registerTelegramWebhook(
  bot: Bot<VolunteerContext>,
  publicUrl: string,
  secretToken: string,
): Promise<void> {
  await bot.api.setWebhook(new URL(TELEGRAM_WEBHOOK_PATH, publicUrl).toString(), {
    secret_token: secretToken,
    allowed_updates: [...ALLOWED_UPDATES],
  });
}

/**
 * Puts the webhook in front of an existing HTTP server's request handling (the API server or the bots'
 * own server), so Telegram's POSTs to TELEGRAM_WEBHOOK_PATH reach the bot and everything else goes on.
 */
export function mountTelegramWebhook(server: Server, listener: TelegramWebhookListener): void {
  const existing = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname === TELEGRAM_WEBHOOK_PATH) {
      listener(req, res).catch((err: unknown) => {
        log.error('telegram webhook failed', { error: err });
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    for (const l of existing) l(req, res);
  });
}
