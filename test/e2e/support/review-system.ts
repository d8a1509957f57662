// The whole system for review-journey tests: PostgreSQL, the Temporal dev server, the Bolt app behind its
// signature check, the local Slack Web API (with a leads user group) and a platform webhook, plus the
// helpers tests use to click, submit modals and read what Slack and the platform saw.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { type RunningSystem, type SystemOptions, startSystem } from '../../../cli/system.ts';
import { type Config, loadConfig } from '../../../shared/config.ts';
import { createPlatform } from '../../../shared/db/platforms.ts';
import { type CaseState, caseStateQuery } from '../../../workflows/case-workflow.ts';
import { type FakePlatform, startFakePlatform } from '../../fakes/platform-endpoint.ts';
import { type FakeSlack, type SlackCall, startFakeSlack } from '../../fakes/slack-api.ts';
import {
  type BlockActionInput,
  sendBlockAction,
  sendViewSubmission,
  type ViewSubmissionInput,
} from '../../fakes/slack-interactions.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { bundleWorkflows, eventually, installTestRuntime } from '../../support/temporal.ts';

export const SLACK_TOKEN = 'xoxb-review-token';
export const SIGNING_SECRET = 'review-signing-secret';
export const TAKEDOWN_SECRET = 'review-takedown-secret';
export const CHANNEL = 'C0REVIEW';
/** Reviewers U1 and U2 are configured by id; lead UL1 by id, lead UL2 through the S0LEADS user group. */
export const REVIEWERS = ['U1', 'U2'];
export const LEADS = ['UL1'];
export const LEAD_GROUP = { S0LEADS: ['UL2'] };

export interface ReviewHarness {
  db: TestDatabase;
  slack: FakeSlack;
  platform: FakePlatform;
  system: RunningSystem;
  config: Config;
  apiKey: string;
  close(): Promise<void>;
  ingest(listing: Record<string, unknown>): Promise<string>;
  click(input: Omit<BlockActionInput, 'value'> & { caseId: string }): Promise<Response>;
  submit(input: ViewSubmissionInput): Promise<Response>;
  state(caseId: string): Promise<CaseState>;
  waitFor(caseId: string, what: string, ok: (s: CaseState) => boolean): Promise<CaseState>;
  /** The card as it stands now (after every chat.update). */
  card(caseId: string): Promise<Record<string, unknown>>;
  ephemeralsTo(user: string): SlackCall[];
  api(path: string, init?: RequestInit): Promise<Response>;
}

export async function startReviewHarness(
  name: string,
  env: Record<string, string> = {},
  options: SystemOptions = {},
): Promise<ReviewHarness> {
  installTestRuntime();
  const [db, slack, platform] = await Promise.all([
    createTestDatabase(),
    startFakeSlack({ token: SLACK_TOKEN, userGroups: LEAD_GROUP }),
    startFakePlatform(TAKEDOWN_SECRET),
  ]);
  const { apiKey } = await createPlatform(db.pool, {
    id: 'shop',
    name: 'Shop',
    takedownUrl: platform.takedownUrl,
  });
  const config = loadConfig({
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `${name}-${Date.now()}`,
    PORT: '0',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'ws-review-')),
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_REVIEW_CHANNEL: CHANNEL,
    SLACK_REVIEWERS: REVIEWERS.join(','),
    SLACK_LEADS: LEADS.join(','),
    SLACK_LEAD_GROUPS: Object.keys(LEAD_GROUP).join(','),
    TAKEDOWN_SIGNING_SECRET: TAKEDOWN_SECRET,
    ...env,
  });
  const runsWorker = !options.roles || options.roles.includes('worker');
  const system = await startSystem(config, {
    ...(runsWorker ? { workflowBundle: await bundleWorkflows() } : {}),
    ...options,
  });
  const events = () => `${system.apiUrl}/slack/events`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${system.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...init.headers },
    });
  const state = (caseId: string) => system.temporal.workflow.getHandle(caseId).query(caseStateQuery);

  return {
    db,
    slack,
    platform,
    system,
    config,
    apiKey,
    api,
    state,
    async close() {
      await system.stop();
      await Promise.all([slack.close(), platform.close()]);
      await db.drop();
    },
    async ingest(listing) {
      const res = await api('/v1/listings', { method: 'POST', body: JSON.stringify(listing) });
      const body = (await res.json()) as { caseId: string | null };
      if (!body.caseId) throw new Error(`listing was not flagged: ${JSON.stringify(body)}`);
      await eventually(async () => (await cardRef(body.caseId!)) ?? undefined, 'the card');
      return body.caseId;
    },
    click({ caseId, ...input }) {
      return sendBlockAction(events(), { ...input, value: caseId }, { signingSecret: SIGNING_SECRET });
    },
    submit(input) {
      return sendViewSubmission(events(), input, { signingSecret: SIGNING_SECRET });
    },
    waitFor(caseId, what, ok) {
      return eventually(async () => {
        const s = await state(caseId);
        return ok(s) ? s : undefined;
      }, what);
    },
    async card(caseId) {
      const ref = await cardRef(caseId);
      if (!ref) throw new Error(`no card for ${caseId}`);
      return slack.messages.get(`${ref.channel}/${ref.ts}`)!;
    },
    ephemeralsTo: (user) => slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === user),
  };

  async function cardRef(caseId: string) {
    const { rows } = await db.pool.query<{ slack_channel: string; slack_ts: string }>(
      'SELECT slack_channel, slack_ts FROM cases WHERE id = $1 AND slack_ts IS NOT NULL',
      [caseId],
    );
    return rows[0] ? { channel: rows[0].slack_channel, ts: rows[0].slack_ts } : undefined;
  }
}

/** Every mrkdwn text in a Block Kit structure (what Slack parses for mentions and links). */
export function mrkdwnTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(mrkdwnTexts);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const own = o.type === 'mrkdwn' && typeof o.text === 'string' ? [o.text] : [];
  return [...own, ...Object.values(o).flatMap(mrkdwnTexts)];
}

/** The action ids of the card's buttons. */
export function buttonIds(card: Record<string, unknown>): string[] {
  const blocks = card.blocks as { type: string; elements?: { action_id?: string }[] }[];
  return blocks.flatMap((b) =>
    b.type === 'actions' ? (b.elements ?? []).map((e) => e.action_id ?? '') : [],
  );
}
