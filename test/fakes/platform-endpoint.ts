// A platform's takedown webhook as Wild Sentinel's HTTP adapter expects it: verifies the HMAC signature,
// performs each idempotency key's takedown once, and records every request it saw.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { listen, type RunningServer, readBody, sendJson } from './http.ts';

export interface TakedownRequest {
  idempotencyKey: string | undefined;
  signatureValid: boolean;
  body: Record<string, unknown>;
}

export interface FakePlatform extends RunningServer {
  takedownUrl: string;
  requests: TakedownRequest[];
  /** Distinct takedowns performed (one per idempotency key). */
  performed: Map<string, string>;
  /** Answers the next n requests with this HTTP status instead of performing them. */
  failNext(status: number, n?: number): void;
  /**
   * Performs the next request but never answers it (the caller dies or times out waiting); resolves
   * with that request when it has been performed.
   */
  holdNext(): Promise<TakedownRequest>;
  /** Resolves right after the next performed request has been answered. */
  answeredNext(): Promise<void>;
}

export async function startFakePlatform(signingSecret: string): Promise<FakePlatform> {
  const requests: TakedownRequest[] = [];
  const performed = new Map<string, string>();
  let failure = { status: 0, left: 0 };
  let hold: ((request: TakedownRequest) => void) | undefined;
  let answered: (() => void) | undefined;

  const server = await listen(async (req, res) => {
    const raw = await readBody(req);
    const ts = String(req.headers['x-wild-sentinel-timestamp'] ?? '');
    const expected = `sha256=${createHmac('sha256', signingSecret).update(`${ts}.${raw}`).digest('hex')}`;
    const given = String(req.headers['x-wild-sentinel-signature'] ?? '');
    const signatureValid =
      given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    const request = { idempotencyKey, signatureValid, body: JSON.parse(raw) };
    requests.push(request);
    if (!signatureValid) return sendJson(res, 401, { error: 'bad signature' });
    if (failure.left > 0) {
      failure.left -= 1;
      return sendJson(res, failure.status, { error: 'injected failure' });
    }
    if (!idempotencyKey) return sendJson(res, 400, { error: 'Idempotency-Key header required' });
    let reference = performed.get(idempotencyKey);
    if (!reference) {
      reference = `TD-${performed.size + 1}`;
      performed.set(idempotencyKey, reference);
    }
    if (hold) {
      const performedNow = hold;
      hold = undefined;
      performedNow(request);
      return; // performed, never answered
    }
    sendJson(res, 200, { reference, status: 'done' });
    const answeredNow = answered;
    answered = undefined;
    answeredNow?.();
  });

  return {
    ...server,
    takedownUrl: `${server.url}/takedown`,
    requests,
    performed,
    failNext(status, n = 1) {
      failure = { status, left: n };
    },
    holdNext() {
      return new Promise<TakedownRequest>((resolve) => {
        hold = resolve;
      });
    },
    answeredNext() {
      return new Promise<void>((resolve) => {
        answered = resolve;
      });
    },
  };
}
