// A local server speaking the OpenAI chat-completions wire format, answering from a script: JSON answers,
// raw text, refusals, HTTP errors, slow or hanging replies. Every request is recorded for assertions.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson } from './http.ts';

export type ScriptedReply =
  /** An assistant message whose content is this value as JSON. */
  | { json: unknown }
  /** An assistant message with exactly this content (malformed JSON, prose…). */
  | { content: string; finishReason?: 'stop' | 'length' | 'content_filter' }
  | { refusal: string }
  /** An HTTP error with an OpenAI-style error body. */
  | { status: number; message?: string; headers?: Record<string, string> }
  /** Wait, then answer. */
  | { delayMs: number; reply: ScriptedReply }
  /** Never answer (until the client gives up or the server closes). */
  | { hang: true };

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
    [key: string]: unknown;
  };
}

export interface FakeOpenAI {
  /** Base URL including /v1, as the SDK's `baseURL` expects. */
  baseURL: string;
  requests: RecordedRequest[];
  /** Queues replies, answered in order; when the queue is empty the fallback answers (500 by default). */
  script(...replies: ScriptedReply[]): void;
  fallback(reply: ScriptedReply | ((req: RecordedRequest) => ScriptedReply)): void;
  close(): Promise<void>;
}

let counter = 0;

function completion(model: string, message: Record<string, unknown>, finishReason = 'stop') {
  counter += 1;
  return {
    id: `chatcmpl-fake-${counter}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      { index: 0, finish_reason: finishReason, logprobs: null, message: { role: 'assistant', ...message } },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  };
}

export async function startFakeOpenAI(options: { apiKey?: string } = {}): Promise<FakeOpenAI> {
  const queue: ScriptedReply[] = [];
  let fallback: ScriptedReply | ((req: RecordedRequest) => ScriptedReply) = {
    status: 500,
    message: 'no scripted reply',
  };
  const requests: RecordedRequest[] = [];

  async function answer(reply: ScriptedReply, model: string, res: ServerResponse): Promise<void> {
    if ('delayMs' in reply) {
      await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      return answer(reply.reply, model, res);
    }
    if ('hang' in reply) return;
    if ('status' in reply) {
      const type = reply.status >= 500 ? 'server_error' : 'invalid_request_error';
      sendJson(
        res,
        reply.status,
        { error: { message: reply.message ?? 'error', type, param: null, code: null } },
        reply.headers,
      );
      return;
    }
    if ('refusal' in reply) {
      sendJson(res, 200, completion(model, { content: null, refusal: reply.refusal }));
      return;
    }
    const content = 'json' in reply ? JSON.stringify(reply.json) : reply.content;
    const finish = 'finishReason' in reply ? reply.finishReason : 'stop';
    sendJson(res, 200, completion(model, { content, refusal: null }, finish));
  }

  const server = await listen(async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      sendJson(res, 404, {
        error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' },
      });
      return;
    }
    const raw = await readBody(req);
    let body: RecordedRequest['body'];
    try {
      body = JSON.parse(raw);
    } catch {
      sendJson(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
      return;
    }
    const recorded: RecordedRequest = { path: req.url, authorization: req.headers.authorization, body };
    requests.push(recorded);
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
      return;
    }
    const next = queue.shift() ?? (typeof fallback === 'function' ? fallback(recorded) : fallback);
    await answer(next, body.model ?? 'unknown', res);
  });

  return {
    baseURL: `${server.url}/v1`,
    requests,
    script: (...replies) => queue.push(...replies),
    fallback: (reply) => {
      fallback = reply;
    },
    close: () => server.close(),
  };
}
