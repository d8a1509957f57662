// Platform API keys, cached in memory so an authenticated request costs no database query once its key is
// known. Keys are looked up by their SHA-256 (what the table stores) and then compared in constant time.
//
// Invalidation: a change made in this process clears the cache at once (platformsChanged); a change made
// anywhere else arrives as NOTIFY wild_sentinel_platforms (a trigger on the table, migration 0840) on a
// dedicated LISTEN connection. While that connection is down (or when none is opened) entries live only
// `ttlMs`, so a missed notification costs at most that long; when it comes back the cache is cleared,
// since notifications sent meanwhile are lost.
import { timingSafeEqual } from 'node:crypto';
import pg from 'pg';
import { log } from '../logger.ts';
import { findPlatformByKeyHash, hashApiKey, onPlatformsChanged, type Platform } from './platforms.ts';
import type { Queryable } from './pool.ts';

export const PLATFORMS_CHANNEL = 'wild_sentinel_platforms';

export interface PlatformKeyCacheOptions {
  /** Open a LISTEN connection to this database; without it, entries expire after ttlMs. */
  listenUrl?: string;
  /** Lifetime of an entry while no LISTEN connection is up (default 5 s). */
  ttlMs?: number;
  /** Lifetime of an entry while LISTEN is up: a safety net only (default 10 min). */
  listeningTtlMs?: number;
  /** Unknown keys remembered at most (a flood of random keys then costs one query each, not memory). */
  maxUnknown?: number;
  /** Wait before reconnecting a lost LISTEN connection (default 1 s). */
  reconnectMs?: number;
  now?: () => number;
}

export interface PlatformKeyCache {
  /** The platform this key belongs to, or undefined. */
  find(apiKey: string): Promise<Platform | undefined>;
  invalidate(): void;
  /** Whether a LISTEN connection is up (changes elsewhere arrive at once). */
  readonly listening: boolean;
  /** Resolves when the LISTEN connection is up (at once without listenUrl). */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

interface Entry {
  hash: Buffer;
  platform: Platform | undefined;
  at: number;
}

export function platformKeyCache(db: Queryable, options: PlatformKeyCacheOptions = {}): PlatformKeyCache {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 5_000;
  const listeningTtlMs = options.listeningTtlMs ?? 600_000;
  const maxUnknown = options.maxUnknown ?? 10_000;
  const known = new Map<string, Entry>();
  const unknown = new Map<string, Entry>();
  const pending = new Map<string, Promise<Platform | undefined>>();
  // Bumped on every invalidation: a lookup that started before it must not repopulate the cache.
  let generation = 0;
  let listener: pg.Client | undefined;
  let listening = false;
  let stopped = false;
  let reconnect: NodeJS.Timeout | undefined;
  let readyResolve: (() => void) | undefined;
  const readyPromise = new Promise<void>((resolve) => {
    readyResolve = resolve;
  });

  const invalidate = () => {
    generation++;
    known.clear();
    unknown.clear();
    pending.clear();
  };
  const unsubscribe = onPlatformsChanged(invalidate);

  const connect = async () => {
    if (stopped || !options.listenUrl) return;
    const client = new pg.Client({ connectionString: options.listenUrl });
    listener = client;
    const lost = (err?: unknown) => {
      if (listener !== client) return;
      listener = undefined;
      listening = false;
      invalidate();
      client.removeAllListeners('notification');
      void client.end().catch(() => {});
      if (stopped) return;
      log.warn('platform key cache: LISTEN connection lost; keys expire after their TTL until it is back', {
        error: err === undefined ? undefined : String(err),
      });
      reconnect = setTimeout(() => void connect(), options.reconnectMs ?? 1_000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel === PLATFORMS_CHANNEL) invalidate();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${PLATFORMS_CHANNEL}`);
      if (listener !== client) return;
      // Notifications sent while no connection listened are gone: start from an empty cache.
      invalidate();
      listening = true;
      readyResolve?.();
    } catch (err) {
      lost(err);
    }
  };

  const fresh = (e: Entry) => now() - e.at < (listening ? listeningTtlMs : ttlMs);

  const lookup = (hashHex: string, hash: Buffer): Promise<Platform | undefined> => {
    const inFlight = pending.get(hashHex);
    if (inFlight) return inFlight;
    const started = generation;
    const promise = findPlatformByKeyHash(db, hashHex).then(
      (platform) => {
        if (pending.get(hashHex) === promise) pending.delete(hashHex);
        if (generation === started) {
          const entry = { hash, platform, at: now() };
          if (platform) known.set(hashHex, entry);
          else {
            if (unknown.size >= maxUnknown) unknown.clear();
            unknown.set(hashHex, entry);
          }
        }
        return platform;
      },
      (err: unknown) => {
        if (pending.get(hashHex) === promise) pending.delete(hashHex);
        throw err;
      },
    );
    pending.set(hashHex, promise);
    return promise;
  };

  if (options.listenUrl) void connect();
  else readyResolve?.();

  return {
    async find(apiKey: string) {
      const hashHex = hashApiKey(apiKey);
      const hash = Buffer.from(hashHex, 'hex');
      const entry = known.get(hashHex) ?? unknown.get(hashHex);
      // The map is keyed by the hash, which an attacker cannot steer; the final check is constant-time.
      if (entry && fresh(entry) && timingSafeEqual(entry.hash, hash)) return entry.platform;
      return lookup(hashHex, hash);
    },
    invalidate,
    get listening() {
      return listening;
    },
    ready: () => readyPromise,
    async stop() {
      stopped = true;
      unsubscribe();
      if (reconnect) clearTimeout(reconnect);
      const client = listener;
      listener = undefined;
      listening = false;
      if (client) await client.end().catch(() => {});
    },
  };
}
