// Everything that talks to Slack, Telegram or Discord, behind one module that `start` imports only when a
// chat token is configured: their SDKs (discord.js alone is some 400 modules) then cost a deployment that
// uses none of them no memory.
export { createSlackApp, createWebClient } from '../bots/slack/app.ts';
export { createSlackCampaignNotifier, registerCampaignHandlers } from '../bots/slack/campaigns.ts';
export { createSlackReviewNotifier } from '../bots/slack/review-notifier.ts';
export { createSlackUseCases } from '../bots/slack/review-use-cases.ts';
export {
  createSlackTermCandidateNotifier,
  registerTermCurationHandlers,
} from '../bots/slack/term-candidates.ts';
export { mountTelegramWebhook } from '../bots/telegram/transport.ts';
export { startVolunteerBots, termAdoptedDeliveries, volunteerDeliveries } from '../bots/volunteers/start.ts';
export { createCampaignChannels } from '../workflows/campaigns/channels/clients.ts';
