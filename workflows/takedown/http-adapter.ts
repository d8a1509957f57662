// The generic takedown adapter: POSTs the request as JSON to the platform's webhook, signed with
// HMAC-SHA256 over "<timestamp>.<body>" (header x-wild-sentinel-signature: sha256=<hex>) and carrying an
// Idempotency-Key header. 2xx is done, 4xx is final, anything else is retried by the caller.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { TakedownAdapter, TakedownOutcome, TakedownRequest } from './adapter.ts';

const platformAnswer = z.object({ reference: z.string().min(1) }).loose();

export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface HttpAdapterOptions {
  url: string;
  signingSecret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function createHttpTakedownAdapter(opts: HttpAdapterOptions): TakedownAdapter {
  const doFetch = opts.fetch ?? fetch;
  return {
    async send(request: TakedownRequest): Promise<TakedownOutcome> {
      const body = JSON.stringify(request);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const res = await doFetch(opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': request.idempotencyKey,
          'x-wild-sentinel-timestamp': timestamp,
          'x-wild-sentinel-signature': signBody(opts.signingSecret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        redirect: 'error',
      });
      const text = await res.text();
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        return { kind: 'rejected', error: `platform answered ${res.status}: ${text.slice(0, 300)}` };
      }
      if (!res.ok) throw new Error(`platform answered ${res.status}`);
      const parsed = platformAnswer.safeParse(safeJson(text));
      if (!parsed.success) throw new Error('platform answered 2xx without a takedown reference');
      return { kind: 'done', reference: parsed.data.reference };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
