// What this deployment offers its trusted peers, kept as a change log (share_outbox): every item it would
// export now, each with a sequence number that moves when the item is new, changed or withdrawn. A peer asks
// for what changed since the last number it applied (GET /v1/share/bundles?since=) and gets a signed bundle.
// An item that is no longer derivable (its takedown undone, its hash gone from the bank, its library
// version superseded) becomes a withdrawal item, which every receiver applies.
import { createHash, type KeyObject } from 'node:crypto';

import { inTransaction, type Pool, type Queryable } from '../../shared/db/pool.ts';
import { log } from '../../shared/logger.ts';
import { BUNDLE_FORMAT, type Feed, type ShareItem, type SignedBundle, signBundle } from './bundle.ts';
import { buildBundle } from './export.ts';

export interface FeedConfig {
  /** This deployment's origin name (what peers trust its key as). */
  origin: string;
  /** Image-hash banks offered to peers, by name. */
  banks: readonly string[];
  /** Offer the latest published keyword-library version. */
  keywords: boolean;
  /** Offer the candidate terms mined here that the curators have not dismissed (off unless set). */
  candidates?: boolean;
  /** Removals this recent are shared; items live this long on receivers (refreshed at half-life). */
  days: number;
  /** Items per answer (FEED_PAGE_SIZE by default). */
  pageSize?: number;
}

const DAY = 24 * 3600 * 1000;
/** Items per bundle; a peer asks again while `more` is true. */
export const FEED_PAGE_SIZE = 500;

/** Serialises every writer of the outbox, so sequence numbers become visible in the order they were taken. */
export async function lockOutbox(tx: Queryable): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('wild_sentinel.share_outbox'))");
}

/**
 * A fingerprint of what a receiver would store. The builder writes keys in a fixed order, so plain JSON is
 * stable (and ~20x cheaper than canonical JSON at 20k items); a change of that order only re-sends items once.
 */
export function itemDigest(item: Pick<ShareItem, 'type' | 'payload' | 'provenance'>): string {
  return createHash('sha256')
    .update(JSON.stringify([item.type, item.payload, item.provenance]))
    .digest('hex');
}

/** Items written per statement when the outbox changes. */
const UPSERT_CHUNK = 500;

async function existingBanks(db: Queryable, names: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    'SELECT name FROM image_hash_banks WHERE name = ANY($1::text[])',
    [names],
  );
  const found = new Set(rows.map((r) => r.name));
  for (const name of names)
    if (!found.has(name)) log.warn('a bank set to be shared does not exist', { name });
  return names.filter((n) => found.has(n));
}

/** Why an item this deployment shared is no longer offered. */
async function withdrawalReason(db: Queryable, type: string, payload: Record<string, unknown>) {
  if (type === 'keyword-library') return 'superseded by a newer library version';
  if (type === 'image-hashes') return 'the bank is no longer shared';
  if (type === 'term-candidate') return 'dismissed by the curators here, or candidates are no longer shared';
  const { rows } =
    type === 'seller-signal'
      ? await db.query(
          `SELECT 1 FROM listing_contact_signals s JOIN cases c ON c.listing_id = s.listing_id
           WHERE s.kind = $1 AND s.hash = $2 AND c.status = 'restored' LIMIT 1`,
          [payload.kind, payload.hash],
        )
      : await db.query(
          `SELECT 1 FROM listing_photo_hashes p JOIN cases c ON c.listing_id = p.listing_id
           WHERE p.pdq = $1 AND c.status = 'restored' LIMIT 1`,
          [payload.pdq],
        );
  return rows.length ? 'the takedown behind it was undone' : 'no longer backed by a recent removal here';
}

/**
 * Brings the outbox up to date with what this deployment would share now; in the caller's transaction,
 * under the outbox lock. Unchanged items keep their sequence number unless past half their lifetime.
 */
export async function syncOutbox(
  tx: Queryable,
  cfg: FeedConfig,
  now = new Date(),
): Promise<{ changed: number; withdrawn: number }> {
  await lockOutbox(tx);
  const { rows: versions } = await tx.query('SELECT 1 FROM keyword_library_versions LIMIT 1');
  const body = await buildBundle(tx, {
    origin: cfg.origin,
    keywordVersion: cfg.keywords && versions.length ? 'latest' : undefined,
    banks: await existingBanks(tx, cfg.banks),
    sellerSignalsSince: new Date(now.getTime() - cfg.days * DAY),
    termCandidates: cfg.candidates === true,
    ttlDays: cfg.days,
    now,
  });
  const { rows: current } = await tx.query<{
    item_id: string;
    type: string;
    digest: string;
    status: string;
    published_at: Date;
  }>('SELECT item_id, type, digest, status, published_at FROM share_outbox WHERE audience IS NULL');
  const known = new Map(current.map((r) => [r.item_id, r]));
  const refreshBefore = now.getTime() - (cfg.days * DAY) / 2;
  const changed: {
    id: string;
    type: string;
    payload: unknown;
    provenance: unknown;
    digest: string;
    expiresAt: string;
  }[] = [];
  for (const item of body.items) {
    const digest = itemDigest(item);
    const was = known.get(item.id);
    known.delete(item.id);
    const unchanged =
      was && was.status === 'active' && was.digest === digest && was.published_at.getTime() > refreshBefore;
    if (!unchanged) changed.push({ ...item, digest });
  }
  for (let i = 0; i < changed.length; i += UPSERT_CHUNK) {
    await tx.query(
      `INSERT INTO share_outbox (item_id, type, payload, provenance, digest, status, published_at, expires_at)
       SELECT c.id, c.type, c.payload, c.provenance, c.digest, 'active', $2, c."expiresAt"
       FROM jsonb_to_recordset($1::jsonb)
         AS c(id text, type text, payload jsonb, provenance jsonb, digest text, "expiresAt" timestamptz)
       ON CONFLICT (item_id) DO UPDATE SET type = EXCLUDED.type, payload = EXCLUDED.payload,
         provenance = EXCLUDED.provenance, digest = EXCLUDED.digest, status = 'active', reason = NULL,
         seq = nextval('share_outbox_seq'), published_at = EXCLUDED.published_at, expires_at = EXCLUDED.expires_at`,
      [JSON.stringify(changed.slice(i, i + UPSERT_CHUNK)), now],
    );
  }
  let withdrawn = 0;
  for (const gone of known.values()) {
    if (gone.status !== 'active') continue;
    const { rows } = await tx.query<{ payload: Record<string, unknown> }>(
      'SELECT payload FROM share_outbox WHERE item_id = $1',
      [gone.item_id],
    );
    await tx.query(
      `UPDATE share_outbox SET status = 'withdrawn', reason = $2, seq = nextval('share_outbox_seq'),
         published_at = $3 WHERE item_id = $1`,
      [gone.item_id, await withdrawalReason(tx, gone.type, rows[0]!.payload), now],
    );
    withdrawn++;
  }
  return { changed: changed.length, withdrawn };
}

interface OutboxRow {
  item_id: string;
  type: string;
  payload: unknown;
  provenance: unknown;
  status: 'active' | 'withdrawn';
  reason: string | null;
  seq: string;
  published_at: Date;
  expires_at: Date;
}

function toItem(row: OutboxRow, origin: string, ttlDays: number): ShareItem {
  const createdAt = row.published_at.toISOString();
  if (row.status === 'active') {
    return {
      id: row.item_id,
      type: row.type,
      createdAt,
      expiresAt: row.expires_at.toISOString(),
      provenance: row.provenance,
      payload: row.payload,
    } as ShareItem;
  }
  return {
    id: `withdrawal:${row.item_id}`,
    type: 'withdrawal',
    createdAt,
    expiresAt: new Date(row.published_at.getTime() + ttlDays * DAY).toISOString(),
    provenance: { origin, source: 'withdrawal' },
    payload: { itemId: row.item_id, itemType: row.type, reason: row.reason ?? 'withdrawn' },
  };
}

/**
 * The outbox items after `since` that `audience` may see: items for every peer and those addressed to it.
 * From the start (since 0) withdrawn items are left out: the peer never had them.
 */
export async function readFeed(
  db: Queryable,
  o: { origin: string; audience: string; since: number; ttlDays: number; onlyAddressed?: boolean },
  limit = FEED_PAGE_SIZE,
): Promise<{ items: ShareItem[]; cursor: number; more: boolean }> {
  const { rows } = await db.query<OutboxRow>(
    `SELECT item_id, type, payload, provenance, status, reason, seq, published_at, expires_at FROM share_outbox
     WHERE seq > $1 AND (audience = $2 OR (audience IS NULL AND NOT $4::boolean))
       AND (status = 'active' OR $1 > 0) AND (status = 'withdrawn' OR expires_at > now())
     ORDER BY seq LIMIT $3`,
    [o.since, o.audience, limit + 1, o.onlyAddressed === true],
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => toItem(r, o.origin, o.ttlDays)),
    cursor: page.length ? Number(page.at(-1)!.seq) : o.since,
    more,
  };
}

export function signFeedBundle(
  origin: string,
  feed: Feed,
  items: ShareItem[],
  key: KeyObject,
  now = new Date(),
): SignedBundle {
  return signBundle(
    { format: BUNDLE_FORMAT, version: 1, origin, createdAt: now.toISOString(), feed, items },
    key,
  );
}

/** The answer to a peer's pull: the outbox brought up to date, then the page after `since`, signed. */
export async function feedBundle(
  pool: Pool,
  cfg: FeedConfig,
  key: KeyObject,
  request: { audience: string; since: number },
  now = new Date(),
): Promise<SignedBundle> {
  const page = await inTransaction(pool, async (tx) => {
    // A peer paging through what it was already offered gets the next page as it stands; a peer that has
    // caught up gets the outbox brought up to date first.
    const { rows } = await tx.query<{ last: string | null }>(
      `SELECT max(seq) AS last FROM share_outbox
       WHERE (audience IS NULL OR audience = $1) AND (status = 'withdrawn' OR expires_at > now())`,
      [request.audience],
    );
    const midway = request.since > 0 && request.since < Number(rows[0]?.last ?? 0);
    if (!midway) await syncOutbox(tx, cfg, now);
    return readFeed(tx, { origin: cfg.origin, ttlDays: cfg.days, ...request }, cfg.pageSize);
  });
  return signFeedBundle(
    cfg.origin,
    { audience: request.audience, since: request.since, cursor: page.cursor, more: page.more },
    page.items,
    key,
    now,
  );
}
