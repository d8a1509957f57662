// Starts the volunteer bots whose tokens are configured: Telegram (long polling, or a webhook when
// TELEGRAM_WEBHOOK_SECRET and PUBLIC_URL are set) and Discord (gateway). Also builds the outcome
// deliveries the worker's VolunteerNotifier uses; those need only the tokens, not running bots.
import { REST } from '@discordjs/rest';
import type { Client } from '@temporalio/client';
import { Api } from 'grammy';
import type { Config } from '../../shared/config.ts';
import type { Pool } from '../../shared/db/pool.ts';
import type { VolunteerChannel } from '../../shared/db/volunteers.ts';
import { log } from '../../shared/logger.ts';
import type { OutcomeDelivery } from '../../workflows/activities/volunteer-activities.ts';
import type { TermAdoptedDeliveries } from '../../workflows/terms/adoption-notices.ts';
import { type RunningDiscordBot, startDiscordBot } from '../discord/bot.ts';
import { discordOutcomeDelivery } from '../discord/outcome.ts';
import { discordTermAdoptedDelivery } from '../discord/term-notice.ts';
import type { Inbox } from '../inbox.ts';
import { createTelegramBot, DEFAULT_API_ROOT } from '../telegram/bot.ts';
import { publishTelegramCommands } from '../telegram/commands.ts';
import { telegramOutcomeDelivery } from '../telegram/outcome.ts';
import { telegramTermAdoptedDelivery } from '../telegram/term-notice.ts';
import {
  registerTelegramWebhook,
  startTelegramPolling,
  type TelegramWebhookListener,
  telegramWebhookListener,
} from '../telegram/transport.ts';
import { createVolunteerUseCases } from './use-cases.ts';

export interface VolunteerBotDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  reviewers: string[];
  /** Where Discord reports are stored before their interaction is acknowledged. */
  inbox: Inbox;
}

export interface RunningVolunteerBots {
  /** Set in webhook mode: mount it at TELEGRAM_WEBHOOK_PATH on the HTTP server. */
  telegramWebhook?: TelegramWebhookListener;
  stop(): Promise<void>;
}

type BotConfig = Pick<
  Config,
  | 'TELEGRAM_BOT_TOKEN'
  | 'TELEGRAM_API_ROOT'
  | 'TELEGRAM_WEBHOOK_SECRET'
  | 'DISCORD_BOT_TOKEN'
  | 'DISCORD_API_URL'
  | 'PUBLIC_URL'
>;

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export async function startVolunteerBots(
  config: BotConfig,
  deps: VolunteerBotDeps,
): Promise<RunningVolunteerBots> {
  const useCases = createVolunteerUseCases(deps);
  const stops: (() => Promise<void>)[] = [];
  let telegramWebhook: TelegramWebhookListener | undefined;
  const stop = async () => {
    for (const s of stops.reverse())
      await s().catch((err: unknown) => log.warn('error stopping a bot', { error: err }));
  };
  try {
    if (config.TELEGRAM_BOT_TOKEN) {
      const bot = createTelegramBot({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: trimSlash(config.TELEGRAM_API_ROOT ?? DEFAULT_API_ROOT),
        useCases,
      });
      // The command menu is a convenience: a failure to publish it must not keep the bot down.
      await publishTelegramCommands(bot.api).catch((err: unknown) =>
        log.warn('could not publish the telegram command menu', { error: err }),
      );
      if (config.TELEGRAM_WEBHOOK_SECRET && !config.PUBLIC_URL)
        log.warn('TELEGRAM_WEBHOOK_SECRET is set but PUBLIC_URL is not: using long polling');
      if (config.TELEGRAM_WEBHOOK_SECRET && config.PUBLIC_URL) {
        await bot.init();
        telegramWebhook = telegramWebhookListener(bot, config.TELEGRAM_WEBHOOK_SECRET);
        await registerTelegramWebhook(bot, config.PUBLIC_URL, config.TELEGRAM_WEBHOOK_SECRET);
        log.info('telegram bot receives updates by webhook');
      } else {
        const polling = await startTelegramPolling(bot);
        stops.push(() => polling.stop());
        log.info('telegram bot receives updates by long polling');
      }
    }
    if (config.DISCORD_BOT_TOKEN) {
      const discord: RunningDiscordBot = await startDiscordBot({
        token: config.DISCORD_BOT_TOKEN,
        apiUrl: config.DISCORD_API_URL && trimSlash(config.DISCORD_API_URL),
        useCases,
        inbox: deps.inbox,
      });
      stops.push(() => discord.stop());
      log.info('discord bot connected');
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...(telegramWebhook ? { telegramWebhook } : {}), stop };
}

/** One sender per configured platform, built by `make` from its client (tokens only, no running bot). */
function perPlatform<D>(
  config: BotConfig,
  make: { telegram: (api: Api) => D; discord: (rest: REST) => D },
): Partial<Record<VolunteerChannel, D>> {
  const deliveries: Partial<Record<VolunteerChannel, D>> = {};
  if (config.TELEGRAM_BOT_TOKEN) {
    deliveries.telegram = make.telegram(
      new Api(config.TELEGRAM_BOT_TOKEN, {
        apiRoot: trimSlash(config.TELEGRAM_API_ROOT ?? DEFAULT_API_ROOT),
      }),
    );
  }
  if (config.DISCORD_BOT_TOKEN) {
    const rest = new REST(config.DISCORD_API_URL ? { api: trimSlash(config.DISCORD_API_URL) } : {});
    deliveries.discord = make.discord(rest.setToken(config.DISCORD_BOT_TOKEN));
  }
  return deliveries;
}

/** How the worker tells volunteers their outcomes, per configured platform. */
export function volunteerDeliveries(config: BotConfig): Partial<Record<VolunteerChannel, OutcomeDelivery>> {
  return perPlatform(config, { telegram: telegramOutcomeDelivery, discord: discordOutcomeDelivery });
}

/** How an approval tells volunteers that a term from their report joined the library. */
export function termAdoptedDeliveries(config: BotConfig): TermAdoptedDeliveries {
  return perPlatform(config, { telegram: telegramTermAdoptedDelivery, discord: discordTermAdoptedDelivery });
}
