// Shared set-up for campaign tests: a worker running the campaign workflow with the real activities,
// posting through the real SDK clients to the local Slack, Discord and Telegram servers.
import { fileURLToPath } from 'node:url';
import type { REST } from '@discordjs/rest';
import type { webApi } from '@slack/bolt';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Api } from 'grammy';
import { inject } from 'vitest';
import { type CampaignContentInput, campaignContentSchema } from '../../../shared/campaigns/model.ts';
import { insertCampaign } from '../../../shared/campaigns/repository.ts';
import { localDate, localTime } from '../../../shared/campaigns/time.ts';
import type { Pool } from '../../../shared/db/pool.ts';
import {
  type CampaignChannels,
  type CampaignNotifier,
  createCampaignActivities,
} from '../../../workflows/campaigns/activities.ts';
import { createCampaignChannels } from '../../../workflows/campaigns/channels/clients.ts';
import type { RetryingPost } from '../../../workflows/campaigns/workflow.ts';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord-rest.ts';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api.ts';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-bot-api.ts';

export const CAMPAIGN_WORKFLOW_PATH = fileURLToPath(
  new URL('../../../workflows/campaigns/workflow.ts', import.meta.url),
);
export const SLACK_TOKEN = 'xoxb-campaigns';
export const DISCORD_TOKEN = 'discord-campaigns';
export const TELEGRAM_TOKEN = '4242:campaigns';
export const LEAD = 'ULEAD';
export const COMMS = 'UCOMMS';

export function bundleCampaignWorkflow(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: CAMPAIGN_WORKFLOW_PATH, logger: new DefaultLogger('WARN') });
}

export interface Platforms {
  slack: FakeSlack;
  discord: FakeDiscord;
  telegram: FakeTelegram;
  clients: { slack: webApi.WebClient; discord: REST; telegram: Api };
  close(): Promise<void>;
}

export async function startPlatforms(): Promise<Platforms> {
  const [slack, discord, telegram] = await Promise.all([
    startFakeSlack({ token: SLACK_TOKEN }),
    startFakeDiscord({ token: DISCORD_TOKEN }),
    startFakeTelegram({ token: TELEGRAM_TOKEN }),
  ]);
  return {
    slack,
    discord,
    telegram,
    // The same factory the worker uses, pointed at the local servers.
    clients: createCampaignChannels({
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_BOT_TOKEN: DISCORD_TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    }) as Required<CampaignChannels>,
    async close() {
      await Promise.all([slack.close(), discord.close(), telegram.close()]);
    },
  };
}

export interface TemporalHarness {
  client: Client;
  taskQueue: string;
  worker: Worker;
  stop(): Promise<void>;
}

export async function startCampaignWorker(opts: {
  bundle: WorkflowBundleWithSourceMap;
  pool: Pool;
  platforms: Platforms;
  notifier?: CampaignNotifier;
  taskQueue?: string;
}): Promise<TemporalHarness> {
  const address = inject('temporalAddress');
  const taskQueue = opts.taskQueue ?? `campaigns-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const [nativeConnection, connection] = await Promise.all([
    NativeConnection.connect({ address }),
    Connection.connect({ address }),
  ]);
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: opts.bundle,
    activities: createCampaignActivities({
      pool: opts.pool,
      channels: opts.platforms.clients,
      notifier: opts.notifier,
    }),
  });
  const running = worker.run();
  return {
    client: new Client({ connection }),
    taskQueue,
    worker,
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/**
 * Time zones whose calendar date is the same all through [from, to] but whose UTC offsets differ, so a test
 * can give every audience "the same day, its own local time" a few seconds from now, whatever the hour.
 */
export function zonesSharingDate(from: number, to = from, count = 3): { date: string; zones: string[] } {
  const candidates = [
    'UTC',
    'Europe/Paris',
    'Asia/Kolkata',
    'Asia/Tokyo',
    'America/New_York',
    'America/Sao_Paulo',
  ];
  const byDate = new Map<string, string[]>();
  for (const tz of candidates) {
    const d = localDate(from, tz);
    if (localDate(to, tz) !== d) continue; // midnight falls inside the window there
    byDate.set(d, [...(byDate.get(d) ?? []), tz]);
  }
  const [date, zones] = [...byDate.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  if (zones.length < count) throw new Error(`fewer than ${count} time zones share a date now; run again`);
  return { date, zones: zones.slice(0, count) };
}

/** The local wall-clock time (HH:MM:SS) in a zone at an instant: a send time that falls at that instant. */
export function sendTimeAt(at: number, timeZone: string): string {
  return localTime(at, timeZone);
}

let counter = 0;
export async function createCampaign(pool: Pool, content: CampaignContentInput, id?: string) {
  counter += 1;
  return insertCampaign(pool, {
    id: id ?? `test-${Date.now().toString(36)}-${counter}`,
    content: campaignContentSchema.parse(content),
    approvers: [LEAD],
    createdBy: COMMS,
  });
}

/** A notifier that records what the Slack card would show. */
export function recordingNotifier() {
  const shown: { phase: string; revision: number }[] = [];
  const summaries: { phase: string; sent: number }[] = [];
  const retrying: RetryingPost[] = [];
  const problems: RetryingPost[] = [];
  const notifier: CampaignNotifier = {
    async showRun(state) {
      shown.push({ phase: state.phase, revision: state.revision });
      for (const r of Object.values(state.retrying ?? {})) {
        if (!retrying.some((x) => x.audienceKey === r.audienceKey && x.attempt === r.attempt))
          retrying.push(r);
      }
      return { channel: 'C0COMMS', ts: '1.0' };
    },
    async reportProblem(_state, _run, problem) {
      problems.push(problem);
    },
    async reportSummary(state) {
      summaries.push({
        phase: state.phase,
        sent: state.deliveries.filter((d) => d.status === 'sent').length,
      });
    },
  };
  return { notifier, shown, summaries, retrying, problems };
}

/** A 10-19 digit id unique to this test run, for Discord channels and Telegram chats. */
export function uniqueDigits(prefix: string): string {
  counter += 1;
  return `${prefix}${String(Date.now()).slice(-9)}${String(counter).padStart(4, '0')}`;
}

/** A history as JSON (protobuf object form: 64-bit numbers as strings, bytes as base64). */
export function historyToFixture(history: temporal.api.history.v1.IHistory): string {
  const object = temporal.api.history.v1.History.toObject(
    temporal.api.history.v1.History.fromObject(history),
    { longs: String, bytes: String, defaults: false },
  );
  return `${JSON.stringify(object, null, 1)}\n`;
}

export function historyFromFixture(json: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(JSON.parse(json));
}
