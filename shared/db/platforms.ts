import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './pool.ts';

/** What is kept of the listings the policy allows: every one in full, or counts only (migration 0930). */
export type BenignStorage = 'full' | 'counters';
export const BENIGN_STORAGE: readonly BenignStorage[] = ['full', 'counters'];

export interface Platform {
  id: string;
  name: string;
  takedownUrl: string | null;
  benignStorage: BenignStorage;
  /** Days the platform's allowed listings are kept in full; null: always (migration 0940). */
  benignRetentionDays: number | null;
}

const PLATFORM_COLUMNS =
  'id, name, takedown_url AS "takedownUrl", benign_storage AS "benignStorage", benign_retention_days AS "benignRetentionDays"';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function newApiKey(platformId: string): string {
  return `wsk_${platformId}_${randomBytes(24).toString('base64url')}`;
}

/**
 * Called after this process changed the platforms table, so its key caches forget at once. Other
 * processes learn it from the table's trigger (NOTIFY wild_sentinel_platforms, migration 0840).
 */
const changeListeners = new Set<() => void>();
export function onPlatformsChanged(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}
export function platformsChanged(): void {
  for (const listener of changeListeners) listener();
}

/** Registers a platform and returns its new API key; only the key's hash is stored. */
export async function createPlatform(
  db: Queryable,
  p: { id: string; name: string; takedownUrl?: string | null },
): Promise<{ platform: Platform; apiKey: string }> {
  const apiKey = newApiKey(p.id);
  await db.query('INSERT INTO platforms (id, name, api_key_hash, takedown_url) VALUES ($1, $2, $3, $4)', [
    p.id,
    p.name,
    hashApiKey(apiKey),
    p.takedownUrl ?? null,
  ]);
  platformsChanged();
  return {
    platform: {
      id: p.id,
      name: p.name,
      takedownUrl: p.takedownUrl ?? null,
      benignStorage: 'full',
      benignRetentionDays: null,
    },
    apiKey,
  };
}

/** Gives a platform a new API key; the old one stops working (everywhere: see onPlatformsChanged). */
export async function rotateApiKey(db: Queryable, platformId: string): Promise<string | undefined> {
  const apiKey = newApiKey(platformId);
  const { rowCount } = await db.query('UPDATE platforms SET api_key_hash = $2 WHERE id = $1', [
    platformId,
    hashApiKey(apiKey),
  ]);
  platformsChanged();
  return rowCount ? apiKey : undefined;
}

/** Sets what is kept of the platform's allowed listings; false when there is no such platform. */
export async function setBenignStorage(db: Queryable, platformId: string, storage: BenignStorage) {
  const { rowCount } = await db.query('UPDATE platforms SET benign_storage = $2 WHERE id = $1', [
    platformId,
    storage,
  ]);
  platformsChanged();
  return rowCount === 1;
}

/** Sets how long the platform's allowed listings are kept (null: always); false when there is no such platform. */
export async function setBenignRetention(db: Queryable, platformId: string, days: number | null) {
  const { rowCount } = await db.query('UPDATE platforms SET benign_retention_days = $2 WHERE id = $1', [
    platformId,
    days,
  ]);
  platformsChanged();
  return rowCount === 1;
}

/** The platform whose key hashes to this (hex SHA-256), straight from the database. */
export async function findPlatformByKeyHash(db: Queryable, keyHash: string): Promise<Platform | undefined> {
  const { rows } = await db.query<Platform>(
    `SELECT ${PLATFORM_COLUMNS} FROM platforms WHERE api_key_hash = $1`,
    [keyHash],
  );
  return rows[0];
}

export async function findPlatformByApiKey(db: Queryable, apiKey: string): Promise<Platform | undefined> {
  return findPlatformByKeyHash(db, hashApiKey(apiKey));
}

export async function getPlatform(db: Queryable, id: string): Promise<Platform | undefined> {
  const { rows } = await db.query<Platform>(`SELECT ${PLATFORM_COLUMNS} FROM platforms WHERE id = $1`, [id]);
  return rows[0];
}

export async function countPlatforms(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM platforms');
  return Number(rows[0]!.n);
}
