// A local server that speaks the Telegram Bot API (https://core.telegram.org/bots/api) for the methods
// Wild Sentinel calls: `POST|GET /bot<token>/<method>` with JSON, urlencoded or multipart parameters, and
// `{ ok, result }` / `{ ok: false, error_code, description, parameters }` answers. Every call is recorded.
// Point grammY at it with `new Api(token, { apiRoot: fake.apiRoot })`. Other tests can add methods.
// Updates for a bot: `pushUpdate` queues one for long-polling getUpdates (offset and timeout honoured) or,
// after setWebhook, POSTs it to the webhook with the X-Telegram-Bot-Api-Secret-Token header. Files: addFile,
// then getFile and GET /file/bot<token>/<file_path> as on the real server.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Chat, Message, PhotoSize, Update, User } from 'grammy/types';
import { listen, type RunningServer, readBody, sendJson } from './http.ts';

export interface TelegramCall {
  method: string;
  token: string;
  params: Record<string, unknown>;
}

export interface TelegramFailure {
  /** HTTP status and error_code, e.g. 500, 429, 400, 403. */
  errorCode: number;
  description?: string;
  /** Seconds, for 429 answers (parameters.retry_after). */
  retryAfter?: number;
  /** Only calls for this chat_id fail. */
  chatId?: string;
}

type TelegramAnswer = { ok: true; result: unknown } | { ok: false; error_code: number; description: string };

export type TelegramMethodHandler = (
  params: Record<string, unknown>,
  call: TelegramCall,
) => TelegramAnswer | Promise<TelegramAnswer>;

export interface FakeTelegramFile {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  file_path: string;
}

export interface FakeTelegram extends RunningServer {
  /** For grammY's `apiRoot`. */
  apiRoot: string;
  bot: User;
  calls: TelegramCall[];
  callsTo(method: string): TelegramCall[];
  /** Messages the bot sent, by chat id (numeric id, or @username as given). */
  sent: Map<string, Message[]>;
  /** Chats answered with 400 "chat not found". */
  unknownChats: Set<string>;
  /** The next n calls of a method (every method when omitted) fail with this answer. */
  failNext(failure: TelegramFailure, n?: number, method?: string): void;
  clearFailures(): void;
  /** Adds or replaces a method. */
  method(name: string, handler: TelegramMethodHandler): void;
  /** Delivers an update to the bot: by webhook when one is set, else through getUpdates. Returns its id. */
  pushUpdate(update: Omit<Update, 'update_id'>): Promise<number>;
  /** The webhook set with setWebhook, if any. */
  webhook(): { url: string; secretToken?: string } | undefined;
  /** Each webhook POST and the HTTP status the bot answered. */
  webhookDeliveries: { updateId: number; status: number }[];
  /** Stores a file the bot can fetch; `announcedSize` lets a test make Telegram understate the size. */
  addFile(bytes: Buffer, options?: { announcedSize?: number; extension?: string }): FakeTelegramFile;
  /** Each GET of /file/bot<token>/<path> and its status. */
  fileDownloads: { path: string; status: number }[];
  /** Command menus set with setMyCommands, by language code ('' = default). */
  myCommands: Map<string, { command: string; description: string }[]>;
}

async function parseParams(req: IncomingMessage, raw: string, query: URLSearchParams) {
  const params: Record<string, unknown> = Object.fromEntries(query);
  const type = req.headers['content-type'] ?? '';
  if (!raw) return params;
  if (type.includes('application/json')) return { ...params, ...JSON.parse(raw) };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    for (const [k, v] of form) params[k] = typeof v === 'string' ? v : { file: v.name };
    return params;
  }
  for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
  return params;
}

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'tg-emoji',
  'code',
  'pre',
  'blockquote',
]);

/** Telegram rejects text whose HTML it cannot parse; this mirrors the cases that matter for escaping. */
export function htmlParseError(text: string): string | undefined {
  const stack: string[] = [];
  const tag = /<(\/?)([^\s>/]*)[^>]*>|<|&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);)/gi;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    const offset = Buffer.byteLength(text.slice(0, m.index));
    if (m[0] === '<') return `Can't find end of the entity starting at byte offset ${offset}`;
    if (m[0] === '&') return `Character entity expected at byte offset ${offset}`;
    const name = m[2]!.toLowerCase();
    if (!HTML_TAGS.has(name)) return `Unsupported start tag "${name}" at byte offset ${offset}`;
    if (m[1]) {
      if (stack.pop() !== name)
        return `Unmatched end tag at byte offset ${offset}, expected "</${stack.at(-1)}>"`;
    } else stack.push(name);
  }
  return stack.length ? `Can't find end tag corresponding to start tag "${stack.at(-1)}"` : undefined;
}

function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

export async function startFakeTelegram(options: {
  token: string;
  botUsername?: string;
}): Promise<FakeTelegram> {
  const calls: TelegramCall[] = [];
  const sent = new Map<string, Message[]>();
  const unknownChats = new Set<string>();
  const failures: { failure: TelegramFailure; left: number; method?: string }[] = [];
  const methods = new Map<string, TelegramMethodHandler>();
  const bot: User = {
    id: 7_000_000_001,
    is_bot: true,
    first_name: 'Wild Sentinel',
    username: options.botUsername ?? 'wild_sentinel_bot',
  };
  const nextMessageId = new Map<string, number>();
  const queue: Update[] = [];
  let nextUpdateId = 1;
  let webhook: { url: string; secretToken?: string } | undefined;
  const webhookDeliveries: { updateId: number; status: number }[] = [];
  const waiters = new Set<() => void>();
  const files = new Map<string, { meta: FakeTelegramFile; bytes: Buffer }>();
  const fileDownloads: { path: string; status: number }[] = [];
  const myCommands = new Map<string, { command: string; description: string }[]>();

  const chatFor = (chatId: string): Chat => {
    if (chatId.startsWith('@'))
      return { id: -1_000_000_000_001, type: 'channel', title: chatId, username: chatId.slice(1) };
    const id = Number(chatId);
    return id < 0
      ? { id, type: 'supergroup', title: `chat ${id}` }
      : { id, type: 'private', first_name: `user ${id}` };
  };

  const badRequest = (description: string) => ({
    ok: false as const,
    error_code: 400,
    description: `Bad Request: ${description}`,
  });

  /** Shared checks of the send* methods; returns the base message or an error answer. */
  const prepareSend = (params: Record<string, unknown>, textField: 'text' | 'caption') => {
    const chatId = params.chat_id === undefined ? '' : String(params.chat_id);
    if (!chatId) return badRequest('chat_id is empty');
    if (unknownChats.has(chatId)) return badRequest('chat not found');
    const text = params[textField] === undefined ? undefined : String(params[textField]);
    if (textField === 'text' && !text) return badRequest('message text is empty');
    if (text !== undefined && params.parse_mode === 'HTML') {
      const error = htmlParseError(text);
      if (error) return badRequest(`can't parse entities: ${error}`);
    }
    const limit = textField === 'text' ? 4096 : 1024;
    const visible = text === undefined ? undefined : params.parse_mode === 'HTML' ? plainText(text) : text;
    if (visible && visible.length > limit)
      return badRequest(`${textField === 'text' ? 'message' : 'message caption'} is too long`);
    const id = (nextMessageId.get(chatId) ?? 0) + 1;
    nextMessageId.set(chatId, id);
    return {
      chatId,
      visible,
      message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: chatFor(chatId), from: bot },
    };
  };

  const record = (chatId: string, message: Message) => {
    const list = sent.get(chatId) ?? [];
    list.push(message);
    sent.set(chatId, list);
    return { ok: true as const, result: message };
  };

  methods.set('getMe', () => ({
    ok: true,
    result: {
      ...bot,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    },
  }));
  methods.set('sendMessage', (params) => {
    const prepared = prepareSend(params, 'text');
    if ('ok' in prepared) return prepared;
    return record(prepared.chatId, { ...prepared.message, text: prepared.visible } as Message);
  });
  methods.set('sendPhoto', (params) => {
    if (params.photo === undefined || params.photo === '')
      return badRequest('there is no photo in the request');
    const prepared = prepareSend(params, 'caption');
    if ('ok' in prepared) return prepared;
    const photo: PhotoSize[] = [
      {
        file_id: `photo-${prepared.message.message_id}`,
        file_unique_id: `u${prepared.message.message_id}`,
        width: 1280,
        height: 720,
      },
    ];
    return record(prepared.chatId, {
      ...prepared.message,
      photo,
      ...(prepared.visible ? { caption: prepared.visible } : {}),
    } as Message);
  });

  methods.set('getUpdates', async (params) => {
    if (webhook)
      return {
        ok: false,
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      };
    const offset = Number(params.offset ?? 0);
    const limit = Math.min(Math.max(Number(params.limit ?? 100), 1), 100);
    const timeout = Math.min(Number(params.timeout ?? 0), 50);
    // An offset confirms every update before it: they are never sent again.
    if (offset > 0) while (queue.length && queue[0]!.update_id < offset) queue.shift();
    if (queue.length === 0 && timeout > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, timeout * 1000);
        waiters.add(wake);
      });
    }
    return { ok: true, result: queue.slice(0, limit) };
  });
  methods.set('setWebhook', (params) => {
    const url = typeof params.url === 'string' ? params.url : '';
    if (!url) {
      webhook = undefined;
      return { ok: true, result: true };
    }
    if (!/^https?:\/\//.test(url))
      return badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    const secretToken = typeof params.secret_token === 'string' ? params.secret_token : undefined;
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken))
      return badRequest('secret token contains unallowed characters');
    webhook = { url, ...(secretToken ? { secretToken } : {}) };
    return { ok: true, result: true };
  });
  methods.set('deleteWebhook', (params) => {
    webhook = undefined;
    if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') queue.length = 0;
    return { ok: true, result: true };
  });
  methods.set('answerCallbackQuery', (params) =>
    params.callback_query_id
      ? { ok: true, result: true }
      : badRequest('query is too old and response timeout expired or query ID is invalid'),
  );
  methods.set('setMyCommands', (params) => {
    const commands = typeof params.commands === 'string' ? JSON.parse(params.commands) : params.commands;
    if (!Array.isArray(commands) || commands.length > 100) return badRequest('commands must be an array');
    for (const c of commands as { command?: unknown; description?: unknown }[]) {
      if (typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command))
        return badRequest('command must contain only lowercase English letters, digits and underscores');
      if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256)
        return badRequest('command description must be 1-256 characters');
    }
    const language = typeof params.language_code === 'string' ? params.language_code : '';
    myCommands.set(language, commands as { command: string; description: string }[]);
    return { ok: true, result: true };
  });
  methods.set('getFile', (params) => {
    const file = files.get(String(params.file_id ?? ''));
    return file ? { ok: true, result: file.meta } : badRequest('invalid file_id');
  });

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch && req.method === 'GET') {
      const path = decodeURIComponent(fileMatch[2]!);
      const file = [...files.values()].find((f) => f.meta.file_path === path);
      const status = fileMatch[1] !== options.token ? 401 : file ? 200 : 404;
      fileDownloads.push({ path, status });
      if (status !== 200)
        return sendJson(res, status, { ok: false, error_code: status, description: 'Not Found' });
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': file!.bytes.length,
      });
      res.end(file!.bytes);
      return;
    }
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = match as unknown as [string, string, string];
    let params: Record<string, unknown>;
    try {
      params = await parseParams(req, await readBody(req), url.searchParams);
    } catch {
      return sendJson(res, 400, {
        ok: false,
        error_code: 400,
        description: 'Bad Request: invalid request body',
      });
    }
    const call: TelegramCall = { method, token, params };
    calls.push(call);
    if (token !== options.token)
      return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });

    const failure = failures.find(
      (f) =>
        f.left > 0 &&
        (!f.method || f.method === method) &&
        (f.failure.chatId === undefined || f.failure.chatId === String(params.chat_id)),
    );
    if (failure) {
      failure.left -= 1;
      const f = failure.failure;
      if (f.errorCode === 429) {
        const retryAfter = f.retryAfter ?? 1;
        return sendJson(res, 429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${retryAfter}`,
          parameters: { retry_after: retryAfter },
        });
      }
      return sendJson(res, f.errorCode, {
        ok: false,
        error_code: f.errorCode,
        description:
          f.description ?? (f.errorCode >= 500 ? 'Internal Server Error' : 'Bad Request: injected failure'),
      });
    }

    const handler = methods.get(method);
    if (!handler)
      return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    const answer = await handler(params, call);
    return sendJson(res, answer.ok ? 200 : answer.error_code, answer);
  });

  return {
    ...server,
    apiRoot: server.url,
    bot,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    sent,
    unknownChats,
    failNext(failure, n = 1, method) {
      failures.push({ failure, left: n, method });
    },
    clearFailures() {
      failures.length = 0;
    },
    method(name, handler) {
      methods.set(name, handler);
    },
    async pushUpdate(partial) {
      const update = { ...partial, update_id: nextUpdateId++ } as Update;
      if (webhook) {
        const res = await fetch(webhook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(webhook.secretToken ? { 'x-telegram-bot-api-secret-token': webhook.secretToken } : {}),
          },
          body: JSON.stringify(update),
        });
        await res.arrayBuffer();
        webhookDeliveries.push({ updateId: update.update_id, status: res.status });
        return update.update_id;
      }
      queue.push(update);
      for (const wake of [...waiters]) wake();
      return update.update_id;
    },
    webhook: () => webhook,
    webhookDeliveries,
    addFile(bytes, opts = {}) {
      const id = randomBytes(8).toString('hex');
      const meta: FakeTelegramFile = {
        file_id: `file-${id}`,
        file_unique_id: `u-${id}`,
        file_size: opts.announcedSize ?? bytes.length,
        file_path: `photos/file_${id}.${opts.extension ?? 'jpg'}`,
      };
      files.set(meta.file_id, { meta, bytes });
      return meta;
    },
    fileDownloads,
    myCommands,
  };
}
