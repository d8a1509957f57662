// Activities of the campaign workflow: the database, the posts to each platform and the Slack card. Each
// one is safe to retry: database writes are idempotent, and Discord posts carry a nonce.
import { createHash } from 'node:crypto';
import type { REST } from '@discordjs/rest';
import type { webApi } from '@slack/bolt';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Api } from 'grammy';
import type { Campaign, CampaignContent, CampaignStatus, Variant } from '../../shared/campaigns/model.ts';
import { occurrenceForContent, type PlannedSend, planSends } from '../../shared/campaigns/plan.ts';
import {
  CampaignNotFoundError,
  claimRun,
  findCampaign,
  finishRun,
  isSkipped,
  recordApproval,
  recordDelivery,
  saveCampaignRevision,
  setCampaignStatus,
} from '../../shared/campaigns/repository.ts';
import type { Pool } from '../../shared/db/pool.ts';
import { log } from '../../shared/logger.ts';
import { type PostFailure, toApplicationFailure } from './channels/failures.ts';
import { summarize } from './summary.ts';
import type { ApprovalAsk, CampaignRunState, DeliveryResult, RetryingPost, SlackRef } from './workflow.ts';

/** The platform clients campaigns post through; a platform without a client fails its audiences clearly. */
export interface CampaignChannels {
  slack?: webApi.WebClient;
  discord?: REST;
  telegram?: Api;
}

/** Shows a run to the comms team (the Slack preview card with its buttons) and reports its outcome. */
export interface CampaignNotifier {
  showRun(state: CampaignRunState, run: { workflowId: string }): Promise<SlackRef | undefined>;
  reportSummary(state: CampaignRunState, run: { workflowId: string }): Promise<void>;
  /** Asks the approvers (comms leads) to look at the card: when it goes up, and as a reminder. */
  askApprovers?(state: CampaignRunState, run: { workflowId: string }, ask: ApprovalAsk): Promise<void>;
  /** Tells the team, in the card's thread, that an audience's post failed and will be retried. */
  reportProblem?(state: CampaignRunState, run: { workflowId: string }, problem: RetryingPost): Promise<void>;
}

export interface CampaignActivityDeps {
  pool: Pool;
  channels: CampaignChannels;
  notifier?: CampaignNotifier;
  now?: () => number;
}

export interface PreparedRun {
  campaign: Campaign;
  occurrenceDate: string;
  plan: PlannedSend[];
  claimed: boolean;
  /** This occurrence of a yearly campaign was skipped. */
  skipped?: boolean;
}

/** A Discord nonce (at most 25 characters) that is the same for every retry of one audience's post. */
export function postNonce(workflowId: string, audienceKey: string): string {
  return createHash('sha256').update(`${workflowId}\n${audienceKey}`).digest('base64url').slice(0, 25);
}

class NotConfiguredError extends Error {
  constructor(platform: string) {
    super(`no ${platform} bot is configured`);
  }
}

export function createCampaignActivities(deps: CampaignActivityDeps) {
  const { pool, channels } = deps;
  const now = deps.now ?? Date.now;

  // Each platform's module loads its SDK: imported with the first post there, not with the worker.
  async function post(workflowId: string, send: PlannedSend, variant: Variant): Promise<string> {
    switch (send.platform) {
      case 'slack':
        if (!channels.slack) break;
        return (await import('./channels/slack.ts')).postToSlack(channels.slack, send.target, variant);
      case 'discord':
        if (!channels.discord) break;
        return (await import('./channels/discord.ts')).postToDiscord(
          channels.discord,
          send.target,
          variant,
          postNonce(workflowId, send.audienceKey),
        );
      case 'telegram':
        if (!channels.telegram) break;
        return (await import('./channels/telegram.ts')).postToTelegram(
          channels.telegram,
          send.target,
          variant,
        );
    }
    throw new NotConfiguredError(send.platform);
  }

  async function classify(platform: PlannedSend['platform'], err: unknown): Promise<PostFailure> {
    if (err instanceof NotConfiguredError) return { platform, message: err.message, permanent: true };
    if (platform === 'slack') return (await import('./channels/slack.ts')).classifySlackError(err);
    if (platform === 'discord') return (await import('./channels/discord.ts')).classifyDiscordError(err);
    return (await import('./channels/telegram.ts')).classifyTelegramError(err);
  }

  return {
    async prepareCampaignRun(input: {
      campaignId: string;
      workflowId: string;
      date?: string;
    }): Promise<PreparedRun> {
      const campaign = await findCampaign(pool, input.campaignId);
      if (!campaign) {
        throw ApplicationFailure.nonRetryable(
          new CampaignNotFoundError(input.campaignId).message,
          'CampaignNotFound',
        );
      }
      const occurrenceDate = input.date ?? occurrenceForContent(campaign, now());
      const skipped = await isSkipped(pool, campaign.id, occurrenceDate);
      const claimed =
        campaign.status !== 'cancelled' &&
        !skipped &&
        (await claimRun(pool, { workflowId: input.workflowId, campaignId: campaign.id, occurrenceDate }));
      // An approval covers one occurrence: next year's run of a yearly campaign asks the leads again.
      const approvedHere = campaign.approvedOccurrence === occurrenceDate;
      return {
        campaign: approvedHere ? campaign : { ...campaign, approvedRevision: null, approvedBy: null },
        occurrenceDate,
        plan: planSends(campaign, occurrenceDate, now()),
        claimed,
        ...(skipped ? { skipped } : {}),
      };
    },

    async saveCampaignRevision(input: {
      campaignId: string;
      revision: number;
      content: CampaignContent;
      actor: string;
      occurrenceDate: string;
    }): Promise<{ plan: PlannedSend[] }> {
      await saveCampaignRevision(pool, input.campaignId, input.revision, input.content, input.actor);
      return { plan: planSends(input.content, input.occurrenceDate, now()) };
    },

    async recordCampaignApproval(input: {
      campaignId: string;
      revision: number;
      actor: string;
      occurrenceDate?: string;
    }): Promise<void> {
      await recordApproval(pool, input.campaignId, input.revision, input.actor, input.occurrenceDate);
    },

    async recordCampaignStatus(input: {
      campaignId: string;
      status: CampaignStatus;
      actor: string;
      details?: Record<string, unknown>;
    }): Promise<void> {
      await setCampaignStatus(pool, input.campaignId, input.status, input.actor, input.details);
    },

    async postCampaignMessage(input: {
      workflowId: string;
      campaignId: string;
      send: PlannedSend;
      variant: Variant;
      /** Set when the workflow drives the retries (one attempt per activity). */
      attempt?: number;
    }): Promise<{ messageId: string; attempt: number }> {
      const attempt = input.attempt ?? Context.current().info.attempt;
      try {
        const messageId = await post(input.workflowId, input.send, input.variant);
        return { messageId, attempt };
      } catch (err) {
        const failure = await classify(input.send.platform, err);
        log.warn('campaign post failed', {
          campaignId: input.campaignId,
          audience: input.send.audienceKey,
          attempt,
          error: failure.message,
          permanent: failure.permanent,
        });
        throw toApplicationFailure(failure, attempt);
      }
    },

    async recordCampaignDelivery(input: {
      workflowId: string;
      campaignId: string;
      revision: number;
      send: PlannedSend;
      result: DeliveryResult;
    }): Promise<void> {
      const { send, result } = input;
      await recordDelivery(pool, {
        workflowId: input.workflowId,
        campaignId: input.campaignId,
        audienceKey: send.audienceKey,
        platform: send.platform,
        target: send.target,
        language: send.language,
        timeZone: send.timeZone,
        scheduledFor: new Date(send.sendAt).toISOString(),
        status: result.status,
        messageId: result.messageId,
        error: result.error,
        attempts: result.attempts,
      });
    },

    async finishCampaignRun(input: { workflowId: string; state: CampaignRunState }): Promise<void> {
      const { state } = input;
      const summary = summarize(state);
      await finishRun(pool, input.workflowId, summary.runStatus, {
        ...summary.counts,
        revision: state.revision,
      });
      if (state.phase === 'completed' && summary.counts.sent > 0) {
        await setCampaignStatus(pool, state.campaignId, 'sent', 'wild-sentinel', {
          occurrenceDate: state.occurrenceDate,
          ...summary.counts,
        });
      }
    },

    // The card and the summary are for people: a Slack outage must not hold up the posts, so a failure is
    // logged and the run goes on (the next card update tries again).
    async showCampaignRun(input: {
      workflowId: string;
      state: CampaignRunState;
    }): Promise<SlackRef | undefined> {
      if (!deps.notifier) return undefined;
      try {
        return await deps.notifier.showRun(input.state, { workflowId: input.workflowId });
      } catch (err) {
        log.warn('could not show the campaign card', { campaignId: input.state.campaignId, error: err });
        return input.state.preview;
      }
    },

    async askCampaignApprovers(input: {
      workflowId: string;
      state: CampaignRunState;
      ask: ApprovalAsk;
    }): Promise<void> {
      try {
        await deps.notifier?.askApprovers?.(input.state, { workflowId: input.workflowId }, input.ask);
      } catch (err) {
        log.warn('could not ask the campaign approvers', { campaignId: input.state.campaignId, error: err });
      }
    },

    async reportCampaignProblem(input: {
      workflowId: string;
      state: CampaignRunState;
      problem: RetryingPost;
    }): Promise<void> {
      try {
        await deps.notifier?.reportProblem?.(input.state, { workflowId: input.workflowId }, input.problem);
      } catch (err) {
        log.warn('could not report a failing campaign post', {
          campaignId: input.state.campaignId,
          error: err,
        });
      }
    },

    async reportCampaignSummary(input: { workflowId: string; state: CampaignRunState }): Promise<void> {
      try {
        await deps.notifier?.reportSummary(input.state, { workflowId: input.workflowId });
      } catch (err) {
        log.warn('could not post the campaign summary', { campaignId: input.state.campaignId, error: err });
      }
    },
  };
}

export type CampaignActivities = ReturnType<typeof createCampaignActivities>;
