// The search-term alert API over HTTP: platform-authenticated, answered from the active keyword library.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPlatform } from '../../shared/db/platforms.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('GET /v1/search-alert', () => {
  let db: TestDatabase;
  let api: TestApi;
  let base: string;
  let apiKey: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ apiKey } = await createPlatform(db.pool, { id: 'search', name: 'Search engine' }));
    api = await startTestApi(db, 'unused');
    base = api.base;
  });
  afterAll(async () => {
    await api.close();
    await db.drop();
  });

  const ask = (query: Record<string, string>, key: string | null = apiKey) =>
    fetch(`${base}/v1/search-alert?${new URLSearchParams(query)}`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });

  it('shows the pop-up with a localised message for a trafficking search', async () => {
    const res = await ask({ q: 'buy pangolin scales', lang: 'en' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      alert: boolean;
      message: { body: string };
      matched: { term: string }[];
    };
    expect(body.alert).toBe(true);
    expect(body.matched.map((m) => m.term)).toContain('pangolin scale');
    expect(body.message.body.length).toBeGreaterThan(20);
  });

  it('stays quiet for lookalikes and ordinary searches', async () => {
    for (const q of ['tiger balm', 'garden chairs']) {
      const body = (await (await ask({ q })).json()) as { alert: boolean };
      expect(body.alert, q).toBe(false);
    }
  });

  it('requires a platform key so the term list cannot be enumerated', async () => {
    expect((await ask({ q: 'rhino horn' }, null)).status).toBe(401);
    expect((await ask({ q: 'rhino horn' }, 'wsk_bad')).status).toBe(401);
  });

  it('answers without touching the database once the key is known', async () => {
    expect((await ask({ q: 'rhino horn' })).status).toBe(200);
    const query = vi.spyOn(db.pool, 'query');
    const connect = vi.spyOn(db.pool, 'connect');
    try {
      for (const q of ['rhino horn', 'buy pangolin scales', 'garden chairs']) {
        expect((await ask({ q })).status).toBe(200);
      }
      expect(query).not.toHaveBeenCalled();
      expect(connect).not.toHaveBeenCalled();
    } finally {
      query.mockRestore();
      connect.mockRestore();
    }
  });

  it('answers 400 for a missing or oversized query', async () => {
    expect((await ask({})).status).toBe(400);
    expect((await ask({ q: 'x'.repeat(500) })).status).toBe(400);
  });
});
