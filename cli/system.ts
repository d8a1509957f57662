// The composition root: builds the whole system from configuration (database, migrations, Temporal,
// worker, HTTP API, bots) and stops it again. `wild-sentinel start` and the end-to-end tests use it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createApiServer } from '../api/server.ts';
import { createInbox } from '../bots/inbox.ts';
import { createRoleDirectory } from '../bots/slack/roles.ts';
import { createLlmTriage } from '../detectors/llm/index.ts';
import { activePolicyCache } from '../detectors/policy/index.ts';
import { getActiveLibrary } from '../detectors/text/index.ts';
import { watchLibrary } from '../detectors/text/library-reload.ts';
import { watchScorerModel } from '../detectors/text/model-reload.ts';
import type { Config } from '../shared/config.ts';
import { openEmbeddedDatabase } from '../shared/db/embedded.ts';
import { migrate } from '../shared/db/migrate.ts';
import { platformKeyCache } from '../shared/db/platform-keys.ts';
import { countPlatforms, createPlatform } from '../shared/db/platforms.ts';
import { createPool, type Pool } from '../shared/db/pool.ts';
import { log } from '../shared/logger.ts';
import { photoLinkSigner } from '../shared/photo-links.ts';
import { readOrCreateSecret } from '../shared/process-files.ts';
import { parseDuration } from '../shared/review-sla.ts';
import { type CaseActivities, createCaseActivities } from '../workflows/activities/case-activities.ts';
import { createScreeningActivities } from '../workflows/activities/screening-activities.ts';
import { createVolunteerNotifier } from '../workflows/activities/volunteer-activities.ts';
import { cachedWorkflowBundle } from '../workflows/bundle-cache.ts';
import { createCampaignActivities } from '../workflows/campaigns/activities.ts';
import { createCampaignUseCases } from '../workflows/campaigns/use-cases.ts';
import { startTemporalDevServer } from '../workflows/dev-server.ts';
import { createDigestActivities } from '../workflows/digest/activities.ts';
import {
  upsertCaseFactsSchedule,
  upsertDigestSchedule,
  upsertRetentionSchedule,
  upsertRollupSchedule,
} from '../workflows/digest/schedule.ts';
import { parseSlaSpec } from '../workflows/review/sla.ts';
import { createScorerActivities } from '../workflows/scorer/activities.ts';
import { upsertScorerRetrainSchedule } from '../workflows/scorer/schedule.ts';
import { loadSigningKey } from '../workflows/sharing/bundle.ts';
import { createShareExchangeActivities } from '../workflows/sharing/exchange-activities.ts';
import { upsertShareFetchSchedule } from '../workflows/sharing/exchange-schedule.ts';
import type { FetchDeps } from '../workflows/sharing/fetch.ts';
import { loadCoalitionKey } from '../workflows/sharing/keyed-hash.ts';
import type { FeedConfig } from '../workflows/sharing/outbox.ts';
import { createHttpTakedownAdapter } from '../workflows/takedown/http-adapter.ts';
import { createTermMiningActivities } from '../workflows/terms/activities.ts';
import { createCurationUseCases } from '../workflows/terms/curation.ts';
import { upsertTermMiningSchedule } from '../workflows/terms/schedule.ts';
import { createWorker } from '../workflows/worker.ts';
import { createStartDispatcher } from '../workflows/workflow-starts.ts';
import { createImageDetectors } from './image-detectors.ts';

export const ROLES = ['worker', 'api', 'bots'] as const;
export type Role = (typeof ROLES)[number];

export interface SystemOptions {
  /** Which parts run in this process; all of them by default (the embedded, one-command setup). */
  roles?: readonly Role[];
  /** A prebuilt workflow bundle (tests bundle once per file). */
  workflowBundle?: WorkflowBundleOption;
  /** Lets tests wrap activities, e.g. to inject a crash after a side effect. */
  wrapActivities?: (activities: CaseActivities) => object;
  /** Seed a demo platform when the database has none (the embedded default). */
  seedDemoPlatform?: boolean;
}

export interface RunningSystem {
  /** Where the API listens (or the bots' endpoint when this process runs no API). */
  apiUrl: string;
  /** Settles with the error when a part that cannot recover on its own (the worker) has stopped. */
  failed: Promise<Error>;
  pool: Pool;
  temporal: Client;
  stop(): Promise<void>;
}

/** A secret that must be stable across restarts of a dev install: generated once into DATA_DIR. */
function devSecret(dataDir: string, name: string): string {
  mkdirSync(dataDir, { recursive: true });
  return readOrCreateSecret(join(dataDir, name), 32);
}

/** The live share exchange, when this deployment has a name and a signing key. */
function shareSetup(config: Config) {
  if (!config.SHARE_ORIGIN || !config.SHARE_SIGNING_KEY_FILE) return undefined;
  const key = loadSigningKey({ SHARE_SIGNING_KEY_FILE: config.SHARE_SIGNING_KEY_FILE })!;
  const feed: FeedConfig = {
    origin: config.SHARE_ORIGIN,
    banks: config.SHARE_FEED_BANKS,
    keywords: config.SHARE_FEED_KEYWORDS,
    candidates: config.SHARE_FEED_CANDIDATES,
    days: config.SHARE_FEED_DAYS,
  };
  return { key, feed, intervalMs: parseDuration(config.SHARE_FETCH_INTERVAL) };
}

export async function startSystem(config: Config, options: SystemOptions = {}): Promise<RunningSystem> {
  const roles = new Set(options.roles ?? ROLES);
  const stops: (() => Promise<unknown> | unknown)[] = [];
  let stopping = false;
  let reportFailure: (err: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });
  const stopAll = async () => {
    stopping = true;
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        log.warn('error while stopping', { error: err });
      }
    }
  };
  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const embedded = await openEmbeddedDatabase(config.DATA_DIR, 'system');
      stops.push(() => embedded.stop());
      databaseUrl = embedded.url;
      log.info('using the embedded PostgreSQL', {
        dir: join(config.DATA_DIR, 'postgres'),
        owned: embedded.owned,
      });
    }
    const pool = createPool(databaseUrl);
    stops.push(() => pool.end());
    const applied = await migrate(pool);
    if (applied.length) log.info('migrations applied', { versions: applied });
    // Compile the bundled library now rather than on the first listing; published versions then reach
    // this process without a restart.
    getActiveLibrary();
    const stopWatching = watchLibrary(pool, {
      onReload: (library) => log.info('keyword library reloaded', { version: library.version }),
      onError: (error) => log.warn('keyword library reload failed', { error }),
    });
    stops.push(stopWatching);
    // The learned scorer follows the latest activation (none: the rules alone), live over LISTEN/NOTIFY.
    const scorerWatch = watchScorerModel(pool, {
      listenUrl: databaseUrl,
      onReload: (model) =>
        log.info('scorer model activated', { version: model?.version ?? 'none (rules alone)' }),
      onError: (error) => log.warn('scorer model reload failed', { error }),
    });
    stops.push(() => scorerWatch.stop());
    const policies = activePolicyCache(pool);
    const share = shareSetup(config);

    let temporalAddress = config.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const dev = await startTemporalDevServer({
        cliPath: config.TEMPORAL_CLI_PATH,
        dbFilename: join(config.DATA_DIR, 'temporal.sqlite'),
        ownerFile: join(config.DATA_DIR, 'temporal.owner.json'),
        namespace: config.TEMPORAL_NAMESPACE,
      });
      stops.push(() => dev.stop());
      temporalAddress = dev.address;
      log.info('started the Temporal dev server', { address: temporalAddress });
    }
    const connection = await Connection.connect({ address: temporalAddress });
    stops.push(() => connection.close());
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    // Every process starts owed workflows: those a batch left to it, and those a killed process left.
    const starts = createStartDispatcher({ pool, temporal });
    starts.start();
    stops.push(() => starts.stop());

    // The chat SDKs load only when a chat platform is configured.
    const chat =
      config.SLACK_BOT_TOKEN || config.TELEGRAM_BOT_TOKEN || config.DISCORD_BOT_TOKEN
        ? await import('./chat.ts')
        : undefined;
    const slackConfigured = Boolean(config.SLACK_BOT_TOKEN && config.SLACK_SIGNING_SECRET);
    const slackClient = slackConfigured
      ? chat?.createWebClient(config.SLACK_BOT_TOKEN!, config.SLACK_API_URL)
      : undefined;
    const takedownSecret =
      config.TAKEDOWN_SIGNING_SECRET ?? devSecret(config.DATA_DIR, 'takedown-signing-secret');

    const reviewRoles = createRoleDirectory(
      {
        reviewers: config.SLACK_REVIEWERS,
        leads: config.SLACK_LEADS,
        reviewerGroups: config.SLACK_REVIEWER_GROUPS,
        leadGroups: config.SLACK_LEAD_GROUPS,
      },
      slackClient,
    );
    const caseActivities = createCaseActivities({
      pool,
      notifier:
        slackClient &&
        chat?.createSlackReviewNotifier(
          slackClient,
          config.SLACK_REVIEW_CHANNEL,
          // Reviewers open volunteers' photos through the API, so links need its public address.
          config.PUBLIC_URL
            ? photoLinkSigner({ secret: takedownSecret, baseUrl: config.PUBLIC_URL })
            : undefined,
        ),
      roles: reviewRoles,
      sla: parseSlaSpec(config.REVIEW_SLA),
      policy: () => policies.get(),
      volunteerNotifier: createVolunteerNotifier({
        pool,
        deliveries: chat?.volunteerDeliveries(config) ?? {},
      }),
      takedownAdapterFor: (platform) =>
        platform.takedownUrl
          ? createHttpTakedownAdapter({ url: platform.takedownUrl, signingSecret: takedownSecret })
          : undefined,
    });
    if (roles.has('worker')) {
      const images = await createImageDetectors(config, pool);
      stops.push(() => images.stop());
      const screeningActivities = createScreeningActivities({
        pool,
        temporal,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        reviewers: config.SLACK_REVIEWERS,
        policy: () => policies.get(),
        images: images.deps,
        triage: createLlmTriage(config),
      });
      const workerConnection = await NativeConnection.connect({ address: temporalAddress });
      stops.push(() => workerConnection.close());
      const worker = await createWorker({
        connection: workerConnection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        activities: {
          ...screeningActivities,
          ...createDigestActivities({ pool, slack: slackClient }),
          ...createShareExchangeActivities(
            share
              ? ({
                  pool,
                  self: share.feed.origin,
                  key: share.key,
                  ttlDays: share.feed.days,
                } satisfies FetchDeps)
              : { pool },
          ),
          ...createTermMiningActivities({
            pool,
            notifier: slackClient && chat?.createSlackTermCandidateNotifier(slackClient),
          }),
          ...createScorerActivities({ pool }),
          // Campaign activity names all contain "Campaign", so they cannot collide with the others.
          ...createCampaignActivities({
            pool,
            channels: chat?.createCampaignChannels(config) ?? {},
            notifier:
              slackClient && chat?.createSlackCampaignNotifier(slackClient, config.SLACK_CAMPAIGN_CHANNEL),
          }),
          ...(options.wrapActivities ? options.wrapActivities(caseActivities) : caseActivities),
        },
        workflowBundle: options.workflowBundle ?? (await cachedWorkflowBundle()),
      });
      // A worker that stops by itself (its connection lost for good, a fatal bug) ends the process, so
      // that a supervisor restarts it, instead of leaving an API that accepts work nobody does.
      const workerRun = worker.run().catch((err: unknown) => {
        if (!stopping) reportFailure(err instanceof Error ? err : new Error(String(err)));
      });
      // Metrics refreshes, and the weekly digest where a channel is configured (idempotent upserts).
      await upsertRollupSchedule(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
      await upsertCaseFactsSchedule(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
      await upsertRetentionSchedule(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
      // Trusted peers with a URL are fetched on a schedule (share trust <origin> <key> --url <api>).
      if (share) {
        await upsertShareFetchSchedule(temporal, {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          intervalMs: share.intervalMs,
        });
      }
      // Weekly mining of candidate terms; proposed in Slack when it is configured, stored either way.
      await upsertTermMiningSchedule(temporal, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        ...(slackClient ? { channel: config.SLACK_CURATION_CHANNEL ?? config.SLACK_REVIEW_CHANNEL } : {}),
        limit: config.TERM_CANDIDATES_PER_WEEK,
        minSupport: config.TERM_MINING_MIN_SUPPORT,
      });
      // Weekly: retrain the scorer on reviewers' decisions; the gate activates it only without regression.
      await upsertScorerRetrainSchedule(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
      if (slackClient && config.SLACK_DIGEST_CHANNEL) {
        await upsertDigestSchedule(temporal, {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          channel: config.SLACK_DIGEST_CHANNEL,
        });
      }
      stops.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await workerRun;
      });
    }

    // Clicks and reports are stored here before their ack; what a crash left pending is applied at start.
    const inbox = createInbox({ pool });
    const slack =
      roles.has('bots') && slackConfigured && chat
        ? chat.createSlackApp({
            token: config.SLACK_BOT_TOKEN!,
            signingSecret: config.SLACK_SIGNING_SECRET!,
            apiUrl: config.SLACK_API_URL,
            useCases: chat.createSlackUseCases({ pool, temporal, roles: reviewRoles }),
            inbox,
          })
        : undefined;
    const campaignUseCases = createCampaignUseCases({
      pool,
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      commsLeads: config.COMMS_LEADS,
    });
    if (slack && chat) {
      chat.registerCampaignHandlers(slack.app, { useCases: campaignUseCases, inbox });
      chat.registerTermCurationHandlers(slack.app, {
        useCases: createCurationUseCases({
          pool,
          roles: reviewRoles,
          volunteerNotices: chat.termAdoptedDeliveries(config),
        }),
        inbox,
      });
    }

    // Volunteer bots (Telegram, Discord) start only for the platforms whose tokens are set.
    const volunteerBots =
      roles.has('bots') && chat
        ? await chat.startVolunteerBots(config, {
            pool,
            temporal,
            taskQueue: config.TEMPORAL_TASK_QUEUE,
            reviewers: config.SLACK_REVIEWERS,
            inbox,
          })
        : undefined;
    if (volunteerBots) stops.push(() => volunteerBots.stop());
    inbox.start();
    stops.push(() => inbox.stop());

    if (options.seedDemoPlatform && (await countPlatforms(pool)) === 0) {
      const { apiKey } = await createPlatform(pool, { id: 'demo', name: 'Demo marketplace' });
      const keyFile = join(config.DATA_DIR, 'demo-platform-api-key');
      writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
      log.info('created the "demo" platform; its API key is in the file', { keyFile });
    }

    // The API serves Slack's endpoint too when both run here; a bots-only process serves it alone.
    let server: Server | undefined;
    let port = 0;
    if (roles.has('api')) {
      // API keys answer from memory; changes made by any process arrive over LISTEN/NOTIFY.
      const platformKeys = platformKeyCache(pool, { listenUrl: databaseUrl });
      stops.push(() => platformKeys.stop());
      server = createApiServer({
        platformKeys,
        pool,
        temporal,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        starts,
        policy: () => policies.get(),
        llmTriage: Boolean(config.LLM_BASE_URL),
        reviewers: config.SLACK_REVIEWERS,
        coalitionKey: loadCoalitionKey({
          COALITION_HASH_KEY: config.COALITION_HASH_KEY,
          COALITION_HASH_KEY_FILE: config.COALITION_HASH_KEY_FILE,
        }),
        slackListener: slack?.receiver.requestListener,
        photoLinkSecret: takedownSecret,
        share: share && { feed: share.feed, key: share.key },
        ...(config.CAMPAIGN_API_TOKEN
          ? { campaigns: { token: config.CAMPAIGN_API_TOKEN, useCases: campaignUseCases } }
          : {}),
      });
      port = config.PORT;
    } else if (slack || volunteerBots?.telegramWebhook) {
      server = createServer(slack?.receiver.requestListener ?? ((_req, res) => res.writeHead(404).end()));
      port = config.BOTS_PORT;
    }
    // In webhook mode Telegram posts updates to TELEGRAM_WEBHOOK_PATH on the same server.
    if (server && chat && volunteerBots?.telegramWebhook)
      chat.mountTelegramWebhook(server, volunteerBots.telegramWebhook);
    if (server) {
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, config.HOST, resolve);
      });
      stops.push(
        () =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      );
      port = (s.address() as AddressInfo).port;
    }
    return { apiUrl: server ? `http://${config.HOST}:${port}` : '', failed, pool, temporal, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
