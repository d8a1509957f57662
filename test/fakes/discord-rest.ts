// A local server that speaks Discord's REST API v10 (https://discord.com/developers/docs/reference) for the
// routes Wild Sentinel calls, recording every request. Point @discordjs/rest at it with
// `new REST({ api: fake.apiUrl })`. Other tests can add routes with `fake.route(...)`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  APIAttachment,
  APIEmbed,
  APIMessage,
  RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import { listen, type RunningServer, readBody, sendJson } from './http.ts';

export interface DiscordCall {
  method: string;
  /** Path below /api/v10, e.g. /channels/123/messages. */
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface DiscordFailure {
  status: number;
  /** Seconds, for 429 answers (Retry-After header and retry_after field). */
  retryAfter?: number;
  global?: boolean;
  code?: number;
  message?: string;
}

export type DiscordRouteHandler = (ctx: {
  params: Record<string, string>;
  body: unknown;
  call: DiscordCall;
}) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;

export interface FakeDiscord extends RunningServer {
  /** For `new REST({ api })`: the base without the version, e.g. http://127.0.0.1:PORT/api. */
  apiUrl: string;
  applicationId: string;
  botUserId: string;
  calls: DiscordCall[];
  callsTo(method: string, pathPattern: RegExp): DiscordCall[];
  /** Messages created, by channel id. */
  messages: Map<string, APIMessage[]>;
  /** Channels answered with 404 Unknown Channel (code 10003). */
  unknownChannels: Set<string>;
  /** The next n requests whose path matches fail with this answer (all routes when pattern is omitted). */
  failNext(failure: DiscordFailure, n?: number, pathPattern?: RegExp): void;
  clearFailures(): void;
  /** Adds a route; `:name` segments become params. Later routes win over earlier ones. */
  route(method: string, pattern: string, handler: DiscordRouteHandler): void;
  /**
   * A file a user uploaded, served like Discord's CDN (GET /attachments/<id>/<name>, no bot token) for as
   * long as the server runs; `size` may be set to what Discord would announce.
   */
  addAttachment(bytes: Buffer, file: { name: string; contentType?: string; size?: number }): APIAttachment;
  /** Attachment downloads served. */
  attachmentDownloads: string[];
}

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: DiscordRouteHandler;
}

function compile(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = pattern.replace(/:(\w+)/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

async function parseBody(req: IncomingMessage, raw: string): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!raw) return undefined;
  if (type.startsWith('multipart/form-data')) {
    // discord.js sends files as multipart with the JSON body in the payload_json field.
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    const payload = form.get('payload_json');
    const files = [...form.keys()].filter((k) => k.startsWith('files['));
    return { ...(typeof payload === 'string' ? JSON.parse(payload) : {}), _files: files };
  }
  return JSON.parse(raw);
}

let snowflakeCounter = 0n;
/** A Discord-shaped id: milliseconds since the Discord epoch in the high bits. */
export function fakeSnowflake(now = Date.now()): string {
  snowflakeCounter = (snowflakeCounter + 1n) % 4096n;
  return ((BigInt(now - 1420070400000) << 22n) | snowflakeCounter).toString();
}

function discordError(res: ServerResponse, status: number, code: number, message: string, extra = {}) {
  sendJson(res, status, { message, code, ...extra });
}

export async function startFakeDiscord(options: { token: string }): Promise<FakeDiscord> {
  const calls: DiscordCall[] = [];
  const messages = new Map<string, APIMessage[]>();
  const unknownChannels = new Set<string>();
  const failures: { failure: DiscordFailure; left: number; pattern?: RegExp }[] = [];
  const routes: Route[] = [];
  const applicationId = fakeSnowflake();
  const botUserId = applicationId;
  const attachments = new Map<string, { bytes: Buffer; contentType: string }>();
  const attachmentDownloads: string[] = [];

  const addRoute = (method: string, pattern: string, handler: DiscordRouteHandler) => {
    routes.unshift({ method: method.toUpperCase(), ...compile(pattern), handler });
  };

  addRoute('POST', '/channels/:channelId/messages', ({ params, body }) => {
    const channelId = params.channelId!;
    if (unknownChannels.has(channelId))
      return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
    const b = (body ?? {}) as RESTPostAPIChannelMessageJSONBody;
    const embeds = (b.embeds ?? []) as APIEmbed[];
    if (!b.content && embeds.length === 0) {
      return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    }
    if ((b.content ?? '').length > 2000) {
      return {
        status: 400,
        body: {
          message: 'Invalid Form Body',
          code: 50035,
          errors: {
            content: {
              _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }],
            },
          },
        },
      };
    }
    const message = botMessage(botUserId, {
      channel_id: channelId,
      content: b.content ?? '',
      embeds,
      components: b.components ?? [],
    }) as unknown as APIMessage;
    const list = messages.get(channelId) ?? [];
    list.push(message);
    messages.set(channelId, list);
    return { status: 200, body: message };
  });

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = /^\/attachments\/(\d+)\/[^/]+$/.exec(url.pathname);
    if (file && req.method === 'GET') {
      const found = attachments.get(file[1]!);
      attachmentDownloads.push(url.pathname);
      if (!found) return sendJson(res, 404, { message: 'Not Found' });
      res.writeHead(200, { 'content-type': found.contentType, 'content-length': found.bytes.length });
      res.end(found.bytes);
      return;
    }
    const match = /^\/api\/v10(\/.*)$/.exec(url.pathname);
    const raw = await readBody(req);
    const call: DiscordCall = {
      method: req.method ?? 'GET',
      path: match?.[1] ?? url.pathname,
      authorization: req.headers.authorization,
      body: undefined,
    };
    try {
      call.body = await parseBody(req, raw);
    } catch {
      calls.push(call);
      return discordError(res, 400, 50109, 'The request body contains invalid JSON.');
    }
    calls.push(call);
    if (!match) return discordError(res, 404, 0, '404: Not Found');
    // Interaction callbacks and webhook follow-ups are authorised by the interaction token in the path.
    const tokenInPath = /^\/(interactions|webhooks)\//.test(call.path);
    if (!tokenInPath && req.headers.authorization !== `Bot ${options.token}`)
      return discordError(res, 401, 0, '401: Unauthorized');

    const failure = failures.find((f) => f.left > 0 && (!f.pattern || f.pattern.test(call.path)));
    if (failure) {
      failure.left -= 1;
      const f = failure.failure;
      if (f.status === 429) {
        const retryAfter = f.retryAfter ?? 0.05;
        const headers: Record<string, string> = {
          'retry-after': String(retryAfter),
          'x-ratelimit-scope': f.global ? 'global' : 'user',
        };
        if (f.global) headers['x-ratelimit-global'] = 'true';
        return sendJson(
          res,
          429,
          { message: 'You are being rate limited.', retry_after: retryAfter, global: Boolean(f.global) },
          headers,
        );
      }
      return discordError(res, f.status, f.code ?? 0, f.message ?? `${f.status}: injected failure`);
    }

    for (const route of routes) {
      if (route.method !== call.method) continue;
      const m = route.regex.exec(call.path);
      if (!m) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      const answer = await route.handler({ params, body: call.body, call });
      if (answer.status === 204) {
        res.writeHead(204).end();
        return;
      }
      return sendJson(res, answer.status, answer.body);
    }
    return discordError(res, 404, 0, '404: Not Found');
  });

  return {
    ...server,
    apiUrl: `${server.url}/api`,
    applicationId,
    botUserId,
    calls,
    callsTo: (method, pattern) => calls.filter((c) => c.method === method && pattern.test(c.path)),
    messages,
    unknownChannels,
    failNext(failure, n = 1, pathPattern) {
      failures.push({ failure, left: n, pattern: pathPattern });
    },
    clearFailures() {
      failures.length = 0;
    },
    route: addRoute,
    addAttachment(bytes, f) {
      const id = fakeSnowflake();
      const contentType = f.contentType ?? 'application/octet-stream';
      attachments.set(id, { bytes, contentType });
      const fileUrl = `${server.url}/attachments/${id}/${encodeURIComponent(f.name)}`;
      return {
        id,
        filename: f.name,
        size: f.size ?? bytes.length,
        url: fileUrl,
        proxy_url: fileUrl,
        content_type: contentType,
        ephemeral: true,
      };
    },
    attachmentDownloads,
  };
}

/** A message the bot wrote, in Discord's wire shape (as interactions and webhook edits carry it). */
export function botMessage(botUserId: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: fakeSnowflake(),
    channel_id: '0',
    content: '',
    author: {
      id: botUserId,
      username: 'wild-sentinel',
      discriminator: '0',
      avatar: null,
      global_name: null,
      bot: true,
    },
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    ...fields,
  };
}
