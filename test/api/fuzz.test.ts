// Hostile input at every door of a running system: `wild-sentinel start --role api --role bots` in its own
// process, on a test database and the test Temporal server, with Slack pointed at the local fake. fast-check
// throws arbitrary strings (NUL, lone surrogates, broken percent-encoding included) and arbitrary JSON at
// every HTTP route, with a platform's key, the campaign token, a wrong key and none, and signed payloads at
// the Slack endpoint.
// Nothing may answer 5xx or hang, the process must stay up, and /healthz must still say ok.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPlatform } from '../../shared/db/platforms.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.ts';
import { blockActionPayload, postSigned, viewSubmissionPayload } from '../fakes/slack-interactions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const SLACK_TOKEN = 'xoxb-fuzz';
const SIGNING_SECRET = 'fuzz-signing-secret';
const REVIEWER = 'UFUZZREVIEWER';
const REQUEST_TIMEOUT_MS = 10_000;
const CAMPAIGN_TOKEN = 'fuzz-campaign-api-token-0123456789';

// ---- Generators ----------------------------------------------------------------------------------

/** Lone surrogates cannot travel in a URL (encodeURIComponent throws): they become U+FFFD there. */
const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** Single units: any code point, plus what has broken us before (NUL, lone surrogates, %, quotes). */
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '%', '%ZZ', '%00', '"', '\\', '/', '..', '\u202e', ' ') },
);
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'ivory bangle', 'https://shop.example/item/1', 'case-1') },
  { weight: 1, arbitrary: fc.string({ unit, minLength: 1000, maxLength: 3000 }) },
);
const json = fc.jsonValue({ maxDepth: 3, stringUnit: unit });
/** Either something listing-shaped with hostile fields, or anything at all. */
const listingBody = fc.oneof(
  fc.record(
    {
      externalId: text,
      title: text,
      description: text,
      price: fc.oneof(fc.double(), fc.integer(), text),
      currency: fc.oneof(fc.constant('USD'), text),
      language: fc.oneof(fc.constant('en'), text),
      url: fc.oneof(fc.constant('https://shop.example/l/1'), text),
      seller: fc.oneof(fc.record({ id: text, name: text }), json),
      imageUrls: fc.oneof(fc.array(text, { maxLength: 3 }), json),
      category: text,
    },
    { requiredKeys: [] },
  ),
  json,
);
const appealBody = fc.oneof(
  fc.record({ appealId: text, sellerId: text, statement: text }, { requiredKeys: [] }),
  json,
);
const confirmationBody = fc.oneof(
  fc.record(
    { idempotencyKey: text, reference: text, status: fc.oneof(fc.constant('done'), text), performedAt: text },
    { requiredKeys: [] },
  ),
  json,
);

/** A path segment as a client might send it: encoded text, or raw broken percent-encoding. */
const segment = fc.oneof(
  text.map((s) => encodeURIComponent(wellFormed(s))),
  fc.constantFrom(
    '%ZZ',
    '%',
    '%E0%A4%A',
    '%00',
    '%ED%A0%80',
    '..%2F..%2Fetc',
    'case-0123456789abcdef01234567',
  ),
);
const query = (keys: string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...keys, 'extra'), text), { maxLength: 5 })
    .map((pairs) =>
      new URLSearchParams(pairs.map(([k, v]) => [k, wellFormed(v)] as [string, string])).toString(),
    );
const date = fc.oneof(
  fc.constantFrom('2026-03-01', '2026-04-01T00:00:00Z', '-271821-04-21', '+275760-09-13', '2026-02-30', ''),
  fc
    .date({ noInvalidDate: false })
    .map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
  text,
);
const metricsQuery = fc
  .record(
    { from: date, to: date, platform: fc.oneof(fc.constant('shop'), text), species: text },
    { requiredKeys: [] },
  )
  .map((q) =>
    new URLSearchParams(Object.entries(q).map(([k, v]) => [k, wellFormed(v)] as [string, string])).toString(),
  );

type Auth = 'key' | 'campaign' | 'wrong' | 'none' | 'garbage';
interface ApiRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  auth: Auth;
}

const asBody = (arb: fc.Arbitrary<unknown>) =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: arb.map((v) => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' })),
    },
    { weight: 1, arbitrary: text.map((s) => ({ body: s, contentType: 'application/json' })) },
    { weight: 1, arbitrary: text.map((s) => ({ body: s, contentType: 'text/plain' })) },
  );

/** Campaign-shaped with hostile fields, or anything at all. */
const campaignBody = fc.oneof(
  fc.record(
    {
      actor: fc.oneof(fc.constant(REVIEWER), text),
      content: fc.oneof(
        fc.record(
          {
            dayId: fc.oneof(fc.constant('world-pangolin-day'), text),
            name: text,
            when: fc.oneof(
              fc.record({ kind: fc.constantFrom('day', 'date', 'now'), date: text, daysBefore: json }),
              json,
            ),
            sendTime: text,
            audiences: fc.oneof(
              fc.array(
                fc.record({
                  platform: fc.oneof(fc.constantFrom('slack', 'discord', 'telegram'), text),
                  target: text,
                  timeZone: fc.oneof(fc.constant('UTC'), text),
                  language: fc.oneof(fc.constant('en'), text),
                }),
                { maxLength: 3 },
              ),
              json,
            ),
            variants: fc.oneof(fc.dictionary(text, fc.record({ text })), json),
          },
          { requiredKeys: [] },
        ),
        json,
      ),
    },
    { requiredKeys: [] },
  ),
  json,
);

const apiRequest: fc.Arbitrary<ApiRequest> = fc
  .tuple(
    fc.oneof(
      asBody(listingBody).map((b) => ({ method: 'POST', path: '/v1/listings', ...b })),
      segment.map((id) => ({ method: 'GET', path: `/v1/cases/${id}` })),
      fc
        .tuple(segment, query(['format']))
        .map(([id, q]) => ({ method: 'GET', path: `/v1/cases/${id}/evidence?${q}` })),
      fc
        .tuple(segment, asBody(appealBody))
        .map(([id, b]) => ({ method: 'POST', path: `/v1/cases/${id}/appeals`, ...b })),
      asBody(confirmationBody).map((b) => ({ method: 'POST', path: '/v1/takedowns/confirmations', ...b })),
      query(['q', 'lang']).map((q) => ({ method: 'GET', path: `/v1/search-alert?${q}` })),
      fc
        .tuple(fc.constantFrom('/v1/metrics', '/v1/metrics.csv'), metricsQuery)
        .map(([p, q]) => ({ method: 'GET', path: `${p}?${q}` })),
      segment.map((f) => ({ method: 'GET', path: `/dashboard/${f}` })),
      asBody(campaignBody).map((b) => ({ method: 'POST', path: '/v1/campaigns', ...b })),
      fc.constant({ method: 'GET', path: '/v1/campaigns' }),
      query(['days']).map((q) => ({ method: 'GET', path: `/v1/campaigns/calendar?${q}` })),
      fc
        .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), fc.array(segment, { maxLength: 4 }))
        .map(([method, parts]) => ({ method, path: `/${parts.join('/')}` })),
    ),
    fc.constantFrom<Auth>('key', 'campaign', 'wrong', 'none', 'garbage'),
  )
  .map(([r, auth]) => ({ ...r, auth }));

// Slack: payloads the app listens for (they are acknowledged at once), and anything else signed.
const ACTIONS = [
  'case_approve',
  'case_approve_warn',
  'case_approve_suspend',
  'case_escalate',
  'case_claim',
  'case_release',
  'case_undo',
  'case_reject',
  'case_request_info',
  'case_note',
  'appeal_restore',
  'appeal_uphold',
];
const slackUser = fc.oneof(fc.constant(REVIEWER), text);
const form = (fields: Record<string, string>) =>
  new URLSearchParams(
    Object.entries(fields).map(([k, v]) => [k, wellFormed(v)] as [string, string]),
  ).toString();
const payloadForm = (payload: unknown) => form({ payload: JSON.stringify(payload) });

interface SlackRequest {
  body: string;
  contentType: string;
}
const slackForm = (body: string): SlackRequest => ({
  body,
  contentType: 'application/x-www-form-urlencoded',
});

const slackListened: fc.Arbitrary<SlackRequest> = fc.oneof(
  fc
    .record({
      actionId: fc.constantFrom(...ACTIONS),
      value: text,
      userId: slackUser,
      channel: text,
      fromHome: fc.boolean(),
      actionTs: text,
    })
    .map((a) => slackForm(payloadForm(blockActionPayload(a)))),
  fc
    .record({
      callbackId: fc.constantFrom('case_reject_modal', 'case_info_modal', 'case_note_modal'),
      userId: slackUser,
      privateMetadata: fc.oneof(
        text,
        fc.record({ caseId: text, channel: text }).map((m) => JSON.stringify(m)),
      ),
      values: fc.dictionary(
        fc.constantFrom('reason', 'note', 'question', 'code_word', 'language', 'species'),
        fc.oneof(
          text,
          text.map((s) => ({ selected: s })),
        ),
      ),
      viewId: text,
    })
    .map((v) => slackForm(payloadForm(viewSubmissionPayload(v)))),
  fc
    .record({ command: fc.constantFrom('/case', '/campaign'), text, user_id: slackUser, channel_id: text })
    .map((c) =>
      slackForm(
        form({
          ...c,
          team_id: 'T0TEST',
          trigger_id: 'trigger-fuzz',
          response_url: 'http://127.0.0.1:9/unused',
          token: 'legacy',
        }),
      ),
    ),
);
/** Envelopes of every payload type with each field Bolt or a handler reads replaced by anything. */
const slackEnvelope = fc
  .record(
    {
      type: fc.constantFrom(
        'block_actions',
        'view_submission',
        'view_closed',
        'event_callback',
        'shortcut',
        'message_action',
        'block_suggestion',
      ),
      user: fc.oneof(json, fc.record({ id: slackUser })),
      team: json,
      enterprise: json,
      channel: json,
      container: json,
      message: json,
      actions: fc.oneof(json, fc.array(fc.record({ action_id: fc.constantFrom(...ACTIONS), value: json }))),
      view: fc.oneof(json, fc.record({ callback_id: text, private_metadata: text, state: json })),
      event: fc.oneof(json, fc.record({ type: text, channel: json, item: json, user: json, tab: text })),
      authorizations: json,
      command: text,
      text: json,
    },
    { requiredKeys: ['type'] },
  )
  .map((v) => slackForm(payloadForm(v)));
const slackAnything: fc.Arbitrary<SlackRequest> = fc.oneof(
  slackEnvelope,
  slackEnvelope,
  json.map((v) => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' })),
  json.map((v) => slackForm(payloadForm(v))),
  fc
    .record({ type: fc.constantFrom('event_callback', 'url_verification', 'block_actions'), event: json })
    .map((v) => ({ body: JSON.stringify({ ...v, team_id: 'T0TEST' }), contentType: 'application/json' })),
  text.map((s) => slackForm(s)),
);

// ---- The running system ---------------------------------------------------------------------------

describe('fuzzing every route and the Slack endpoint', () => {
  let db: TestDatabase;
  let slack: FakeSlack;
  let system: ChildProcess;
  let base: string;
  let apiKey: string;
  const output: string[] = [];
  const failures: string[] = [];

  beforeAll(async () => {
    [db, slack] = await Promise.all([createTestDatabase(), startFakeSlack({ token: SLACK_TOKEN })]);
    ({ apiKey } = await createPlatform(db.pool, { id: 'shop', name: 'Shop' }));
    system = spawn(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'start', '--role', 'api', '--role', 'bots'],
      {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: db.url,
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TEMPORAL_TASK_QUEUE: `fuzz-${Date.now()}`,
          PORT: '0',
          DATA_DIR: mkdtempSync(join(tmpdir(), 'ws-fuzz-')),
          SLACK_BOT_TOKEN: SLACK_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
          SLACK_REVIEW_CHANNEL: 'C0REVIEW',
          SLACK_REVIEWERS: REVIEWER,
          COMMS_LEADS: REVIEWER,
          CAMPAIGN_API_TOKEN: CAMPAIGN_TOKEN,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (d: Buffer) => {
      output.push(String(d));
      if (output.length > 400) output.shift();
    };
    system.stderr!.on('data', keep);
    base = await new Promise<string>((resolve, reject) => {
      system.stdout!.on('data', (d: Buffer) => {
        keep(d);
        const m = /API: (http:\/\/\S+) /.exec(String(d));
        if (m) resolve(m[1]!);
      });
      system.once('exit', (code) => reject(new Error(`the system exited (${code}):\n${output.join('')}`)));
    });
  });

  afterAll(async () => {
    if (system && system.exitCode === null) {
      const exited = new Promise((r) => system.once('exit', r));
      system.kill('SIGTERM');
      await exited;
    }
    await slack?.close();
    await db?.drop();
  });

  const alive = () => system.exitCode === null && system.signalCode === null;
  const describeRequest = (r: { method?: string; path?: string; body?: string }) =>
    JSON.stringify(r).slice(0, 300);

  async function send(r: ApiRequest): Promise<number> {
    const authorization = {
      key: `Bearer ${apiKey}`,
      campaign: `Bearer ${CAMPAIGN_TOKEN}`,
      wrong: 'Bearer ws_not_a_key',
      none: undefined,
      garbage: 'Basic \u00ff\u00fe',
    }[r.auth];
    const headers: Record<string, string> = {};
    if (authorization) headers.authorization = authorization;
    if (r.contentType) headers['content-type'] = r.contentType;
    const res = await fetch(`${base}${r.path}`, {
      method: r.method,
      headers,
      ...(r.body !== undefined && r.method !== 'GET' ? { body: r.body } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return res.status;
  }

  async function sendSlack(r: SlackRequest): Promise<number> {
    const res = await postSigned(`${base}/slack/events`, r.body, r.contentType, {
      signingSecret: SIGNING_SECRET,
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** Checks one answer; a 5xx or a hang is recorded with the request that caused it. */
  async function check<T extends object>(request: T, run: (r: T) => Promise<number>): Promise<boolean> {
    try {
      const status = await run(request);
      if (status < 500) return true;
      failures.push(`${status} ${describeRequest(request)}`);
    } catch (err) {
      failures.push(`${(err as Error).message} ${describeRequest(request)}`);
    }
    return false;
  }

  /** fc.assert, with the failing answers in the message when it fails. */
  async function assertNoFailures<T>(property: fc.IAsyncProperty<T>, params: fc.Parameters<T>) {
    try {
      await fc.assert(property, params);
    } catch (err) {
      throw new Error(`${[...new Set(failures)].slice(0, 15).join('\n')}\n${(err as Error).message}`);
    }
  }

  it('answers every HTTP route without a 5xx, with a platform key, a wrong key and none', async () => {
    await assertNoFailures(
      fc.asyncProperty(fc.array(apiRequest, { minLength: 1, maxLength: 6 }), async (batch) => {
        const ok = await Promise.all(batch.map((r) => check(r, send)));
        return ok.every(Boolean) && alive();
      }),
      { numRuns: 400 },
    );
    expect(failures).toEqual([]);
  });

  it('answers signed Slack payloads without a 5xx', async () => {
    await assertNoFailures(
      fc.asyncProperty(fc.array(slackListened, { minLength: 1, maxLength: 6 }), async (batch) => {
        const ok = await Promise.all(batch.map((r) => check(r, sendSlack)));
        return ok.every(Boolean) && alive();
      }),
      { numRuns: 40 },
    );
    // Payloads no listener takes: Bolt answers them after its 3-second ack timeout, so fewer rounds.
    await assertNoFailures(
      fc.asyncProperty(fc.array(slackAnything, { minLength: 12, maxLength: 16 }), async (batch) => {
        const ok = await Promise.all(batch.map((r) => check(r, sendSlack)));
        return ok.every(Boolean) && alive();
      }),
      { numRuns: 4 },
    );
    expect(failures).toEqual([]);
  });

  it('is still alive and healthy afterwards', async () => {
    // Errors after Slack's ack run on in the background; give them a moment to surface.
    await new Promise((r) => setTimeout(r, 1000));
    expect(alive()).toBe(true);
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    expect(res.status).toBe(200);
    expect(output.join('')).not.toMatch(/unhandled promise rejection/);
  });
});
