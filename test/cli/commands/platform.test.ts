// The platform command against a real database: keys are shown once and stored hashed; domains map links.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/platform.ts';
import { findPlatformByApiKey } from '../../../shared/db/platforms.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

describe('wild-sentinel platform', () => {
  let db: TestDatabase;
  const printed: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    vi.stubEnv('DATABASE_URL', db.url);
    vi.spyOn(console, 'log').mockImplementation((...a) => void printed.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void printed.push(a.join(' ')));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await db.drop();
  });

  it('registers a platform and prints a key that authenticates it, storing only its hash', async () => {
    expect(await run(['add', 'shop', '--name', 'Shop', '--takedown-url', 'https://shop.example/hook'])).toBe(
      0,
    );
    const key = printed.at(-1)!.split('\n').at(-1)!;
    expect(key).toMatch(/^wsk_shop_/);
    expect((await findPlatformByApiKey(db.pool, key))?.id).toBe('shop');
    const { rows } = await db.pool.query('SELECT api_key_hash FROM platforms');
    expect(JSON.stringify(rows)).not.toContain(key);
  });

  it('maps a link domain to a known platform only', async () => {
    expect(
      await run(['domain', 'shop', '--domain', 'Shop.Example', '--external-id-pattern', '/items/([^/?]+)']),
    ).toBe(0);
    const { rows } = await db.pool.query(
      'SELECT domain, platform_id, external_id_pattern FROM platform_domains',
    );
    expect(rows).toEqual([
      { domain: 'shop.example', platform_id: 'shop', external_id_pattern: '/items/([^/?]+)' },
    ]);
    expect(await run(['domain', 'nope', '--domain', 'x.example'])).toBe(1);
  });

  it('rotates a key: the new one authenticates, the old one no longer does', async () => {
    expect(await run(['add', 'rot', '--name', 'Rot'])).toBe(0);
    const old = printed.at(-1)!.split('\n').at(-1)!;
    expect(await run(['rotate-key', 'rot'])).toBe(0);
    const fresh = printed.at(-1)!.split('\n').at(-1)!;
    expect(fresh).toMatch(/^wsk_rot_/);
    expect(fresh).not.toBe(old);
    expect(await findPlatformByApiKey(db.pool, old)).toBeUndefined();
    expect((await findPlatformByApiKey(db.pool, fresh))?.id).toBe('rot');
    expect(await run(['rotate-key', 'nope'])).toBe(1);
  });

  it('refuses invalid arguments with the usage', async () => {
    expect(await run(['add', 'Bad Id', '--name', 'x'])).toBe(2);
    expect(
      await run(['domain', 'shop', '--domain', 'shop.example', '--external-id-pattern', '(unclosed']),
    ).toBe(2);
    expect(printed.at(-1)).toMatch(/usage: wild-sentinel platform/);
  });
});
