// A local server that speaks Slack's Web API (https://api.slack.com/web) for the methods Wild Sentinel
// calls, recording every call so tests can assert what a real workspace would have received.
import type { IncomingMessage } from 'node:http';
import { listen, type RunningServer, readBody, sendJson } from './http.ts';

export interface SlackCall {
  method: string;
  token: string | undefined;
  args: Record<string, unknown>;
}

export interface FakeSlack extends RunningServer {
  /** Base URL for `slackApiUrl` (ends with /api/). */
  apiUrl: string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /** Messages as they stand now (after chat.update), by channel and ts. */
  messages: Map<string, Record<string, unknown>>;
  /** Makes the next n calls of a method fail with the given Slack error. */
  failNext(method: string, error: string, n?: number): void;
}

function parseArgs(req: IncomingMessage, raw: string): Record<string, unknown> {
  if ((req.headers['content-type'] ?? '').includes('application/json')) return raw ? JSON.parse(raw) : {};
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // The SDK sends objects (blocks, attachments, view) as JSON strings in form bodies.
    args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return args;
}

/** Slack's own limits: 40,000 characters of text, 50 blocks, 3,000 characters in a section's text. */
function messageLimitError(args: Record<string, unknown>): string | undefined {
  if (typeof args.text === 'string' && args.text.length > 40_000) return 'msg_too_long';
  const blocks = Array.isArray(args.blocks)
    ? (args.blocks as { type?: string; text?: { text?: string } }[])
    : [];
  if (blocks.length > 50) return 'invalid_blocks';
  if (blocks.some((b) => b.type === 'section' && (b.text?.text?.length ?? 0) > 3000)) return 'invalid_blocks';
  return undefined;
}

export async function startFakeSlack(options: {
  token: string;
  botUserId?: string;
  /** Slack user groups by id (S…) and their members, answered by usergroups.users.list. */
  userGroups?: Record<string, string[]>;
}): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const messages = new Map<string, Record<string, unknown>>();
  const failures = new Map<string, { error: string; left: number }>();
  let tsCounter = 1_700_000_000;

  const server = await listen(async (req, res) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
    const raw = await readBody(req);
    const args = parseArgs(req, raw);
    const token =
      (req.headers.authorization ?? '').replace(/^Bearer /, '') || (args.token as string | undefined);
    calls.push({ method, token, args });
    if (token !== options.token) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
    const failure = failures.get(method);
    if (failure && failure.left > 0) {
      failure.left -= 1;
      return sendJson(res, 200, { ok: false, error: failure.error });
    }
    switch (method) {
      case 'auth.test':
        return sendJson(res, 200, {
          ok: true,
          url: 'https://wild-sentinel-test.slack.com/',
          team: 'Wild Sentinel Test',
          user: 'wild-sentinel',
          team_id: 'T0TEST',
          user_id: options.botUserId ?? 'UBOT',
          bot_id: 'BBOT',
        });
      case 'chat.postMessage': {
        const refused = messageLimitError(args);
        if (refused) return sendJson(res, 200, { ok: false, error: refused });
        const ts = `${tsCounter++}.000100`;
        const channel = String(args.channel);
        const message = { ...args, ts };
        messages.set(`${channel}/${ts}`, message);
        return sendJson(res, 200, { ok: true, channel, ts, message });
      }
      case 'chat.update': {
        const refused = messageLimitError(args);
        if (refused) return sendJson(res, 200, { ok: false, error: refused });
        const key = `${String(args.channel)}/${String(args.ts)}`;
        if (!messages.has(key)) return sendJson(res, 200, { ok: false, error: 'message_not_found' });
        messages.set(key, { ...args });
        return sendJson(res, 200, { ok: true, channel: args.channel, ts: args.ts });
      }
      case 'chat.postEphemeral':
        return sendJson(res, 200, { ok: true, message_ts: `${tsCounter++}.000200` });
      case 'views.open':
      case 'views.update':
      case 'views.publish':
      case 'views.push':
        return sendJson(res, 200, { ok: true, view: { id: `V${tsCounter++}`, ...(args.view as object) } });
      case 'usergroups.users.list': {
        const users = options.userGroups?.[String(args.usergroup)];
        if (!users) return sendJson(res, 200, { ok: false, error: 'no_such_subteam' });
        return sendJson(res, 200, { ok: true, users });
      }
      case 'conversations.open':
        return sendJson(res, 200, { ok: true, channel: { id: `D${String(args.users)}` } });
      default:
        return sendJson(res, 200, { ok: false, error: 'unknown_method' });
    }
  });

  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages,
    failNext(method, error, n = 1) {
      failures.set(method, { error, left: n });
    },
  };
}
