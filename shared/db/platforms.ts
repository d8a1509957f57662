import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './pool.ts';

export interface Platform {
  id: string;
  name: string;
  takedownUrl: string | null;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Registers a platform and returns its new API key; only the key's hash is stored. */
export async function createPlatform(
  db: Queryable,
  p: { id: string; name: string; takedownUrl?: string | null },
): Promise<{ platform: Platform; apiKey: string }> {
  const apiKey = `wsk_${p.id}_${randomBytes(24).toString('base64url')}`;
  await db.query('INSERT INTO platforms (id, name, api_key_hash, takedown_url) VALUES ($1, $2, $3, $4)', [
    p.id,
    p.name,
    hashApiKey(apiKey),
    p.takedownUrl ?? null,
  ]);
  return { platform: { id: p.id, name: p.name, takedownUrl: p.takedownUrl ?? null }, apiKey };
}

export async function findPlatformByApiKey(db: Queryable, apiKey: string): Promise<Platform | undefined> {
  const { rows } = await db.query<Platform>(
    'SELECT id, name, takedown_url AS "takedownUrl" FROM platforms WHERE api_key_hash = $1',
    [hashApiKey(apiKey)],
  );
  return rows[0];
}

export async function getPlatform(db: Queryable, id: string): Promise<Platform | undefined> {
  const { rows } = await db.query<Platform>(
    'SELECT id, name, takedown_url AS "takedownUrl" FROM platforms WHERE id = $1',
    [id],
  );
  return rows[0];
}

export async function countPlatforms(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM platforms');
  return Number(rows[0]!.n);
}
