// Platform API keys in memory: no query once a key is known, and a changed key or platform stops (or starts)
// authenticating at once, whether the change is made here, by another connection, or by the CLI in
// another process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PlatformKeyCache, platformKeyCache } from '../../shared/db/platform-keys.ts';
import { createPlatform, hashApiKey, rotateApiKey } from '../../shared/db/platforms.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A change made behind this process's back: its own connection, no in-process notice. */
async function elsewhere(url: string, sql: string, params: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('platform key cache', () => {
  let db: TestDatabase;
  let caches: PlatformKeyCache[] = [];
  const cache = (options: Parameters<typeof platformKeyCache>[1] = {}) => {
    const c = platformKeyCache(db.pool, options);
    caches.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(caches.map((c) => c.stop()));
    caches = [];
  });
  afterAll(async () => {
    await db.drop();
  });

  it('answers a known key, and an unknown one, from memory after the first lookup', async () => {
    const { apiKey } = await createPlatform(db.pool, { id: 'mem', name: 'Mem' });
    const keys = cache();
    const query = vi.spyOn(db.pool, 'query');
    expect((await keys.find(apiKey))?.id).toBe('mem');
    expect(await keys.find('wsk_mem_wrong')).toBeUndefined();
    expect(query).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 50; i++) {
      expect((await keys.find(apiKey))?.id).toBe('mem');
      expect(await keys.find('wsk_mem_wrong')).toBeUndefined();
    }
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('collapses concurrent lookups of one key into one query', async () => {
    const { apiKey } = await createPlatform(db.pool, { id: 'burst', name: 'Burst' });
    const keys = cache();
    const query = vi.spyOn(db.pool, 'query');
    const found = await Promise.all(Array.from({ length: 20 }, () => keys.find(apiKey)));
    expect(found.every((p) => p?.id === 'burst')).toBe(true);
    expect(query).toHaveBeenCalledTimes(1);
  });

  it('forgets at once when this process rotates a key or adds a platform', async () => {
    const { apiKey } = await createPlatform(db.pool, { id: 'here', name: 'Here' });
    const keys = cache();
    expect((await keys.find(apiKey))?.id).toBe('here');
    const rotated = await rotateApiKey(db.pool, 'here');
    expect(await keys.find(apiKey)).toBeUndefined();
    expect((await keys.find(rotated!))?.id).toBe('here');

    // A key looked up before its platform existed was remembered as unknown; creating it clears that.
    const unknownFirst = 'wsk_later_x';
    expect(await keys.find(unknownFirst)).toBeUndefined();
    await db.pool.query('INSERT INTO platforms (id, name, api_key_hash) VALUES ($1, $2, $3)', [
      'later',
      'Later',
      hashApiKey(unknownFirst),
    ]);
    // That raw INSERT is not announced in-process (without LISTEN it would show after the TTL); a platform
    // created through this process clears every entry, the remembered unknown key included.
    await createPlatform(db.pool, { id: 'later2', name: 'Later 2' });
    expect((await keys.find(unknownFirst))?.id).toBe('later');
  });

  it('without LISTEN, a change made elsewhere applies after the TTL and not before', async () => {
    const { apiKey } = await createPlatform(db.pool, { id: 'ttl', name: 'TTL' });
    let clock = 1_000;
    const keys = cache({ ttlMs: 5_000, now: () => clock });
    expect((await keys.find(apiKey))?.id).toBe('ttl');
    await elsewhere(db.url, 'UPDATE platforms SET api_key_hash = $2 WHERE id = $1', ['ttl', 'revoked-ttl']);
    clock += 4_000;
    expect((await keys.find(apiKey))?.id).toBe('ttl');
    clock += 1_001;
    expect(await keys.find(apiKey)).toBeUndefined();
  });

  it('with LISTEN, a change made by another connection applies as soon as it commits', async () => {
    const { apiKey } = await createPlatform(db.pool, { id: 'far', name: 'Far' });
    let clock = 1_000;
    const keys = cache({ listenUrl: db.url, now: () => clock });
    await keys.ready();
    expect(keys.listening).toBe(true);
    expect((await keys.find(apiKey))?.id).toBe('far');
    clock += 60_000; // far beyond the TTL used without LISTEN: the entry still holds while listening
    const query = vi.spyOn(db.pool, 'query');
    expect((await keys.find(apiKey))?.id).toBe('far');
    expect(query).not.toHaveBeenCalled();
    await elsewhere(db.url, 'UPDATE platforms SET name = $2 WHERE id = $1', ['far', 'Far renamed']);
    await eventually(async () => (await keys.find(apiKey))?.name === 'Far renamed');
    await elsewhere(db.url, 'DELETE FROM platforms WHERE id = $1', ['far']);
    await eventually(async () => (await keys.find(apiKey)) === undefined);
  });

  it('with LISTEN, a key rotated by the CLI in another process stops working', async () => {
    const { apiKey } = await createPlatform(db.pool, { id: 'cli', name: 'CLI' });
    const keys = cache({ listenUrl: db.url });
    await keys.ready();
    expect((await keys.find(apiKey))?.id).toBe('cli');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'platform', 'rotate-key', 'cli'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'error' } },
    );
    const rotated = stdout.trim().split('\n').at(-1)!;
    expect(rotated).toMatch(/^wsk_cli_/);
    await eventually(async () => (await keys.find(apiKey)) === undefined);
    expect((await keys.find(rotated))?.id).toBe('cli');
  });

  it('after losing its LISTEN connection, it starts from an empty cache once reconnected', async () => {
    const { apiKey } = await createPlatform(db.pool, { id: 'lost', name: 'Lost' });
    const keys = cache({ listenUrl: db.url, reconnectMs: 400 });
    await keys.ready();
    expect((await keys.find(apiKey))?.id).toBe('lost');
    await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND query LIKE 'LISTEN wild_sentinel_platforms%'`,
    );
    await eventually(async () => !keys.listening);
    // Changed while nobody listened: the notification is lost, the cache must not trust old entries.
    await elsewhere(db.url, 'UPDATE platforms SET api_key_hash = $2 WHERE id = $1', ['lost', 'revoked-lost']);
    await eventually(async () => keys.listening);
    expect(await keys.find(apiKey)).toBeUndefined();
  });
});
