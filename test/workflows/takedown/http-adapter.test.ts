import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TakedownRequest } from '../../../workflows/takedown/adapter.ts';
import { createHttpTakedownAdapter } from '../../../workflows/takedown/http-adapter.ts';
import { type FakePlatform, startFakePlatform } from '../../fakes/platform-endpoint.ts';

const request: TakedownRequest = {
  caseId: 'case-1',
  action: 'remove_listing',
  idempotencyKey: 'case-1:remove_listing',
  listing: { externalId: 'L1', url: 'https://shop.example/L1' },
  decidedBy: 'U1',
  clause: 'cites-appendix-i',
};

describe('generic HTTP takedown adapter', () => {
  let platform: FakePlatform;
  beforeAll(async () => {
    platform = await startFakePlatform('shared-secret');
  });
  afterAll(() => platform.close());

  it('signs the body and sends the idempotency key; the platform acts once per key', async () => {
    const adapter = createHttpTakedownAdapter({ url: platform.takedownUrl, signingSecret: 'shared-secret' });
    expect(await adapter.send(request)).toEqual({ kind: 'done', reference: 'TD-1' });
    expect(await adapter.send(request)).toEqual({ kind: 'done', reference: 'TD-1' });
    expect(
      platform.requests.every((r) => r.signatureValid && r.idempotencyKey === request.idempotencyKey),
    ).toBe(true);
    expect(platform.performed.size).toBe(1);
  });

  it('treats a 4xx answer as final', async () => {
    const adapter = createHttpTakedownAdapter({ url: platform.takedownUrl, signingSecret: 'wrong-secret' });
    const outcome = await adapter.send({ ...request, idempotencyKey: 'k2' });
    expect(outcome.kind).toBe('rejected');
  });

  it('throws on 5xx and 429 so the activity retries', async () => {
    const adapter = createHttpTakedownAdapter({ url: platform.takedownUrl, signingSecret: 'shared-secret' });
    platform.failNext(503);
    await expect(adapter.send({ ...request, idempotencyKey: 'k3' })).rejects.toThrow(/503/);
    platform.failNext(429);
    await expect(adapter.send({ ...request, idempotencyKey: 'k3' })).rejects.toThrow(/429/);
    expect(await adapter.send({ ...request, idempotencyKey: 'k3' })).toEqual({
      kind: 'done',
      reference: 'TD-2',
    });
  });

  it('throws when the platform cannot be reached in time', async () => {
    const adapter = createHttpTakedownAdapter({
      url: 'http://127.0.0.1:9/takedown',
      signingSecret: 's',
      timeoutMs: 500,
    });
    await expect(adapter.send(request)).rejects.toThrow();
  });
});
