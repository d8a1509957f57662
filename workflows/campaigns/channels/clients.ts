// The platform clients campaign posts go through, built from configuration. Retries belong to Temporal
// (so every attempt is visible and bounded), so the SDKs' own retries are off; a short rate limit is
// waited out in the client, a long one becomes the activity's next retry delay.
import { REST } from '@discordjs/rest';
import { webApi } from '@slack/bolt';
import { Api } from 'grammy';
import type { Config } from '../../../shared/config.ts';
import type { CampaignChannels } from '../activities.ts';

export type CampaignChannelConfig = Pick<
  Config,
  | 'SLACK_BOT_TOKEN'
  | 'SLACK_API_URL'
  | 'DISCORD_BOT_TOKEN'
  | 'DISCORD_API_URL'
  | 'TELEGRAM_BOT_TOKEN'
  | 'TELEGRAM_API_ROOT'
>;

/** Rate limits longer than this fail the attempt with the platform's wait as the next retry delay. */
export const MAX_IN_CLIENT_RATE_LIMIT_WAIT_MS = 5_000;

export function createCampaignChannels(config: CampaignChannelConfig): CampaignChannels {
  const channels: CampaignChannels = {};
  if (config.SLACK_BOT_TOKEN) {
    channels.slack = new webApi.WebClient(config.SLACK_BOT_TOKEN, {
      ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: webApi.LogLevel.WARN,
    });
  }
  if (config.DISCORD_BOT_TOKEN) {
    channels.discord = new REST({
      ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}),
      retries: 0,
      rejectOnRateLimit: (limit) => limit.retryAfter > MAX_IN_CLIENT_RATE_LIMIT_WAIT_MS,
    }).setToken(config.DISCORD_BOT_TOKEN);
  }
  if (config.TELEGRAM_BOT_TOKEN) {
    channels.telegram = new Api(
      config.TELEGRAM_BOT_TOKEN,
      config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : undefined,
    );
  }
  return channels;
}
