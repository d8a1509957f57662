// Records a listing's contact identifiers as keyed hashes (listing_contact_signals). The lead calls this on
// ingest, in the listing's transaction; raw identifiers are hashed in memory and never stored here.
import type { Queryable } from '../../shared/db/pool.ts';
import { REMOVING_TAKEDOWN } from '../../shared/db/removals.ts';
import { type ContactKind, listingContacts } from './contacts.ts';
import type { CoalitionKey } from './keyed-hash.ts';

export interface ListingSignal {
  kind: ContactKind;
  hash: string;
}

export interface ListingForSignals {
  platformId: string;
  title: string;
  description?: string | null;
  sellerId?: string | null;
}

export function hashListingContacts(key: CoalitionKey, listing: ListingForSignals): ListingSignal[] {
  return listingContacts(listing).map((c) => ({ kind: c.kind, hash: key.hash(c) }));
}

export async function recordListingSignals(
  db: Queryable,
  key: CoalitionKey,
  listingId: string,
  listing: ListingForSignals,
): Promise<ListingSignal[]> {
  const signals = hashListingContacts(key, listing);
  if (signals.length === 0) return signals;
  await db.query(
    `INSERT INTO listing_contact_signals (listing_id, kind, hash)
     SELECT $1, kind, hash FROM unnest($2::text[], $3::text[]) AS s(kind, hash)
     ON CONFLICT DO NOTHING`,
    [listingId, signals.map((s) => s.kind), signals.map((s) => s.hash)],
  );
  return signals;
}

/** Signals of listings removed here (not restored), with how many removed listings and platforms carry each. */
export async function removedSellerSignals(
  db: Queryable,
  since: Date,
): Promise<
  {
    kind: ContactKind;
    hash: string;
    removedListings: number;
    platforms: number;
    firstSeen: Date;
    lastSeen: Date;
  }[]
> {
  const { rows } = await db.query(
    `SELECT s.kind, s.hash, count(DISTINCT l.id) AS listings, count(DISTINCT l.platform_id) AS platforms,
            min(t.completed_at) AS first_seen, max(t.completed_at) AS last_seen
     FROM listing_contact_signals s JOIN listings l ON l.id = s.listing_id
       JOIN cases c ON c.listing_id = l.id AND c.status <> 'restored'
       JOIN takedowns t ON t.case_id = c.id AND ${REMOVING_TAKEDOWN}
     WHERE t.completed_at >= $1 AND s.kind <> 'seller'
     GROUP BY s.kind, s.hash ORDER BY s.kind, s.hash`,
    [since],
  );
  return rows.map((r) => ({
    kind: r.kind as ContactKind,
    hash: String(r.hash),
    removedListings: Number(r.listings),
    platforms: Number(r.platforms),
    firstSeen: r.first_seen as Date,
    lastSeen: r.last_seen as Date,
  }));
}
