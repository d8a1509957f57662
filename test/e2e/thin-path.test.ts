// One listing from ingest to takedown, real at every step: PostgreSQL, the Temporal dev server, the
// Bolt app behind its signature check, the Slack Web API (local server) and a platform webhook.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningSystem, startSystem } from '../../cli/system.ts';
import { loadConfig } from '../../shared/config.ts';
import { verifyAuditChain } from '../../shared/db/audit.ts';
import { createPlatform } from '../../shared/db/platforms.ts';
import { caseStateQuery } from '../../workflows/case-workflow.ts';
import { type FakePlatform, startFakePlatform } from '../fakes/platform-endpoint.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.ts';
import { sendBlockAction } from '../fakes/slack-interactions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { bundleWorkflows, eventually, installTestRuntime } from '../support/temporal.ts';

// Answers of our own API, as the tests read them.
interface ListingAnswer {
  caseId: string;
  verdict: string;
  error?: string;
  details: { path: string }[];
}
interface CaseAnswer {
  status: string;
  takedowns: unknown[];
  decisions: { reviewer: string }[];
}
const json = async <T>(res: Response) => (await res.json()) as T;

function mrkdwnTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(mrkdwnTexts);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const own = o.type === 'mrkdwn' && typeof o.text === 'string' ? [o.text] : [];
  return [...own, ...Object.values(o).flatMap(mrkdwnTexts)];
}

const SLACK_TOKEN = 'xoxb-test-token';
const SIGNING_SECRET = 'test-signing-secret';
const TAKEDOWN_SECRET = 'test-takedown-secret';
const REVIEWER = 'UREVIEWER';

describe('thin path: ingest → screen → case → Slack → approve → takedown', () => {
  let db: TestDatabase;
  let slack: FakeSlack;
  let platform: FakePlatform;
  let system: RunningSystem;
  let apiKey: string;
  let takedownAttempts = 0;

  beforeAll(async () => {
    installTestRuntime();
    [db, slack, platform] = await Promise.all([
      createTestDatabase(),
      startFakeSlack({ token: SLACK_TOKEN }),
      startFakePlatform(TAKEDOWN_SECRET),
    ]);
    ({ apiKey } = await createPlatform(db.pool, {
      id: 'shop',
      name: 'Shop',
      takedownUrl: platform.takedownUrl,
    }));
    const config = loadConfig({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `thin-path-${Date.now()}`,
      PORT: '0',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ws-e2e-')),
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_REVIEW_CHANNEL: 'C0REVIEW',
      SLACK_REVIEWERS: REVIEWER,
      TAKEDOWN_SIGNING_SECRET: TAKEDOWN_SECRET,
      COALITION_HASH_KEY: 'a3f1c9e07b2d4c8e9f6a1b3c5d7e9f0a1b2c3d4e5f60718293a4b5c6d7e8f901',
    });
    system = await startSystem(config, {
      workflowBundle: await bundleWorkflows(),
      // The first attempt crashes right after the platform accepted the takedown: the retry must not
      // make the platform act twice.
      wrapActivities: (acts) => ({
        ...acts,
        async requestTakedown(input: Parameters<typeof acts.requestTakedown>[0]) {
          takedownAttempts += 1;
          const result = await acts.requestTakedown(input);
          if (Context.current().info.attempt === 1) throw new Error('injected crash after the takedown call');
          return result;
        },
      }),
    });
  });

  afterAll(async () => {
    await system?.stop();
    await Promise.all([slack?.close(), platform?.close()]);
    await db?.drop();
  });

  const post = (body: unknown, key = apiKey) =>
    fetch(`${system.apiUrl}/v1/listings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const getCase = async (id: string) =>
    json<CaseAnswer>(
      await fetch(`${system.apiUrl}/v1/cases/${id}`, { headers: { authorization: `Bearer ${apiKey}` } }),
    );
  const slackEvents = () => `${system.apiUrl}/slack/events`;
  const listingCount = async () =>
    Number((await db.pool.query('SELECT count(*) AS n FROM listings')).rows[0].n);

  const listing = {
    externalId: 'L-1001',
    url: 'https://shop.example/items/L-1001',
    title: 'Antique carved ivory bangle <!channel>',
    description: 'Genuine ivory, old stock. WhatsApp +84 912 345 678 <https://evil.example|click>',
    price: 450,
    currency: 'USD',
    seller: { id: 'seller-77' },
  };
  let caseId: string;

  it('reports health of the database and Temporal', async () => {
    const res = await fetch(`${system.apiUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'ok', database: 'ok', temporal: 'ok' });
  });

  it('rejects an invalid listing with field errors and stores nothing', async () => {
    const before = await listingCount();
    const res = await post({ externalId: '', title: 'x', price: -3, currency: 'dollars' });
    expect(res.status).toBe(400);
    const body = await json<ListingAnswer>(res);
    expect(body.error).toBe('invalid_listing');
    expect(body.details.map((d) => d.path).sort()).toEqual(['currency', 'externalId', 'price']);
    expect(await listingCount()).toBe(before);
  });

  it('refuses a request without a valid platform API key', async () => {
    expect((await post(listing, 'wsk_wrong')).status).toBe(401);
    expect(await listingCount()).toBe(0);
  });

  it('stores and flags a suspicious listing, opens one case and posts an escaped card to Slack', async () => {
    const res = await post(listing);
    expect(res.status).toBe(201);
    const body = await json<ListingAnswer>(res);
    expect(body.verdict).not.toBe('allow');
    expect(body.caseId).toMatch(/^case-[0-9a-f]{24}$/);
    caseId = body.caseId;

    const again = await post({ ...listing, price: 400 });
    expect(again.status).toBe(200);
    expect((await json<ListingAnswer>(again)).caseId).toBe(caseId);

    const card = await eventually(async () => slack.callsTo('chat.postMessage')[0], 'the review card');
    expect(card.args.channel).toBe('C0REVIEW');
    const cardJson = JSON.stringify(card.args.blocks);
    expect(cardJson).toContain(caseId);
    // Slack parses mrkdwn (and the fallback text) for mentions and links; listing text must stay inert there.
    const mrkdwn = [String(card.args.text), ...mrkdwnTexts(card.args.blocks)].join('\n');
    expect(mrkdwn).toContain('&lt;https://evil.example|click&gt;');
    expect(mrkdwn).toContain('&lt;!channel&gt;');
    expect(mrkdwn).not.toMatch(/<!channel>|<https:\/\/evil/);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('rejects a forged Slack signature and changes nothing', async () => {
    const res = await sendBlockAction(
      slackEvents(),
      { actionId: 'case_approve', value: caseId, userId: REVIEWER },
      { signingSecret: 'not-the-secret' },
    );
    expect(res.status).toBe(401);
    const stale = await sendBlockAction(
      slackEvents(),
      { actionId: 'case_approve', value: caseId, userId: REVIEWER },
      { signingSecret: SIGNING_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 },
    );
    expect(stale.status).toBe(401);
    expect((await getCase(caseId)).status).toBe('open');
  });

  it("ignores a non-reviewer's click and tells them why", async () => {
    const res = await sendBlockAction(
      slackEvents(),
      { actionId: 'case_approve', value: caseId, userId: 'UINTRUDER' },
      { signingSecret: SIGNING_SECRET },
    );
    expect(res.status).toBe(200);
    const note = await eventually(async () => slack.callsTo('chat.postEphemeral')[0], 'the refusal');
    expect(note.args.user).toBe('UINTRUDER');
    expect(String(note.args.text)).toMatch(/not an authorised reviewer/);
    const state = await system.temporal.workflow.getHandle(caseId).query(caseStateQuery);
    expect(state.status).toBe('open');
    expect(platform.requests).toHaveLength(0);
  });

  it('takes the listing down exactly once when a reviewer approves, even across a retried activity', async () => {
    const click = {
      actionId: 'case_approve',
      value: caseId,
      userId: REVIEWER,
      actionTs: '1700000001.000001',
    };
    // Slack retries an unacknowledged click with the same action_ts: both deliveries are one decision.
    const [first, retry] = await Promise.all([
      sendBlockAction(slackEvents(), click, { signingSecret: SIGNING_SECRET }),
      sendBlockAction(slackEvents(), click, { signingSecret: SIGNING_SECRET, retryNum: 1 }),
    ]);
    expect([first.status, retry.status]).toEqual([200, 200]);

    const done = await eventually(async () => {
      const c = await getCase(caseId);
      return c.status === 'taken_down' ? c : undefined;
    }, 'the takedown');
    expect(takedownAttempts).toBe(2);
    expect(platform.requests).toHaveLength(1);
    expect(platform.requests[0]!.signatureValid).toBe(true);
    expect(platform.requests[0]!.idempotencyKey).toBe(`${caseId}:remove_listing`);
    expect(platform.performed.size).toBe(1);
    expect(done.takedowns).toEqual([
      { action: 'remove_listing', status: 'done', reference: 'TD-1', error: null },
    ]);
    expect(done.decisions).toHaveLength(1);
    expect(done.decisions[0]!.reviewer).toBe(REVIEWER);

    const updated = await eventually(async () => {
      const u = slack.callsTo('chat.update').at(-1);
      return u && JSON.stringify(u.args.blocks).includes('Taken down') ? u : undefined;
    }, 'the card update');
    expect(JSON.stringify(updated.args.blocks)).not.toContain('case_approve');
  });

  it('refuses a second decision on a decided case', async () => {
    const before = slack.callsTo('chat.postEphemeral').length;
    await sendBlockAction(
      slackEvents(),
      { actionId: 'case_reject', value: caseId, userId: REVIEWER },
      { signingSecret: SIGNING_SECRET },
    );
    const note = await eventually(async () => slack.callsTo('chat.postEphemeral')[before], 'the refusal');
    expect(String(note.args.text)).toMatch(/already|not open/);
    expect(platform.requests).toHaveLength(1);
  });

  it('records a DSA statement of reasons for the removal', async () => {
    const { rows } = await db.pool.query('SELECT puid, platform_id, statement FROM statements_of_reasons');
    expect(rows).toHaveLength(1);
    expect(rows[0].puid).toBe(`${caseId}:remove_listing`);
    expect(rows[0].platform_id).toBe('shop');
    expect(JSON.stringify(rows[0].statement)).toMatch(/ANIMAL_WELFARE/i);
  });

  it("links the removed seller's next listing to the takedown and says so", async () => {
    // Same phone as the removed listing, written differently, under a new seller account.
    const res = await post({
      externalId: 'L-2002',
      title: 'Garden chairs, set of four',
      description: 'Call or WhatsApp 0084-912-345-678',
      seller: { id: 'seller-99' },
    });
    expect(res.status).toBe(201);
    const body = await json<ListingAnswer & { sellerLinks: string[] }>(res);
    expect(body.sellerLinks.join(' ')).toMatch(/seller/i);
    const fresh = await post({
      externalId: 'L-2003',
      title: 'Garden chairs, set of four',
      seller: { id: 'seller-88' },
    });
    expect((await json<ListingAnswer & { sellerLinks: string[] }>(fresh)).sellerLinks).toEqual([]);
  });

  it('writes the audit trail as an intact hash chain', async () => {
    const { rows } = await db.pool.query('SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY seq', [
      caseId,
    ]);
    // The listing was sent again at a lower price while flagged: an edit, on the record.
    expect(rows.map((r) => r.action)).toEqual([
      'case.opened',
      'listing.edited',
      'case.approved',
      'takedown.done',
    ]);
    expect((await verifyAuditChain(db.pool)).firstBrokenSeq).toBeNull();
  });
});
