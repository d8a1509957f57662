// Seller linking: does a listing share a contact id, seller account or photo with listings removed here, or
// with signals imported from other deployments? The summary goes on the case card and can raise priority.
import type { Queryable } from '../../shared/db/pool.ts';
import { REMOVING_TAKEDOWN } from '../../shared/db/removals.ts';
import type { ContactKind } from './contacts.ts';
import type { CoalitionKey } from './keyed-hash.ts';
import { linkListingPhotos } from './photos.ts';
import { type ListingForSignals, recordListingSignals } from './signals.ts';

/** What links: a contact id or seller account (exact keyed hash), or a photo (PDQ near-duplicate). */
export type LinkKind = ContactKind | 'photo';

export interface LinkMatch {
  kind: LinkKind;
  /** Removed listings here (other than this one) with the same identifier or photo, and their platforms. */
  localRemovedListings: number;
  localPlatforms: number;
  /** Accepted, unexpired signals from other deployments. */
  sharedRemovedListings: number;
  sharedPlatforms: number;
  origins: string[];
}

export interface LinkingSummary {
  listingId: string;
  matches: LinkMatch[];
  /** e.g. "seller's phone seen in 3 removed listings on 2 platforms". */
  lines: string[];
  /** 1 (most urgent) when any identifier links to removed listings; otherwise null (leave as is). */
  suggestedPriority: 1 | null;
}

const LABEL: Record<LinkKind, string> = {
  phone: "seller's phone",
  wechat: "seller's WeChat id",
  line: "seller's LINE id",
  zalo: "seller's Zalo id",
  email: "seller's email",
  payment: "seller's payment handle",
  seller: 'seller account',
  photo: 'listing photo',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function describeMatch(m: LinkMatch): string {
  const listings = m.localRemovedListings + m.sharedRemovedListings;
  const platforms = m.localPlatforms + m.sharedPlatforms;
  const via = m.origins.length ? ` (shared by ${m.origins.join(', ')})` : '';
  return `${LABEL[m.kind]} seen in ${plural(listings, 'removed listing')} on ${plural(platforms, 'platform')}${via}`;
}

/**
 * What links a listing to removed ones. With recordPhotoLinks, the photo links found are also stored
 * (listing_photo_links, for the re-listing metric) by the same scan: where linking sets a case's priority.
 */
export async function linkListing(
  db: Queryable,
  listingId: string,
  options: { recordPhotoLinks?: boolean } = {},
): Promise<LinkingSummary> {
  const { rows } = await db.query(
    `WITH mine AS (SELECT kind, hash FROM listing_contact_signals WHERE listing_id = $1),
     local AS (
       SELECT m.kind, count(DISTINCT l.id) AS listings, count(DISTINCT l.platform_id) AS platforms
       FROM mine m JOIN listing_contact_signals s ON s.hash = m.hash AND s.listing_id <> $1
         JOIN listings l ON l.id = s.listing_id
         JOIN cases c ON c.listing_id = l.id AND c.status <> 'restored'
       WHERE EXISTS (SELECT 1 FROM takedowns t WHERE t.case_id = c.id AND ${REMOVING_TAKEDOWN})
       GROUP BY m.kind),
     shared AS (
       SELECT m.kind, sum(coalesce((si.provenance->>'removedListings')::int, 1)) AS listings,
              sum(coalesce((si.provenance->>'platforms')::int, 1)) AS platforms,
              array_agg(DISTINCT si.origin ORDER BY si.origin) AS origins
       FROM mine m JOIN shared_items si ON si.hash = m.hash AND si.signal_kind = m.kind
       WHERE si.status = 'accepted' AND si.expires_at > now()
       GROUP BY m.kind)
     SELECT coalesce(local.kind, shared.kind) AS kind, local.listings AS l_listings, local.platforms AS l_platforms,
            shared.listings AS s_listings, shared.platforms AS s_platforms, shared.origins
     FROM local FULL JOIN shared ON shared.kind = local.kind ORDER BY 1`,
    [listingId],
  );
  const matches: LinkMatch[] = rows.map((r) => ({
    kind: r.kind as ContactKind,
    localRemovedListings: Number(r.l_listings ?? 0),
    localPlatforms: Number(r.l_platforms ?? 0),
    sharedRemovedListings: Number(r.s_listings ?? 0),
    sharedPlatforms: Number(r.s_platforms ?? 0),
    origins: (r.origins as string[] | null) ?? [],
  }));
  const photo = await linkListingPhotos(db, listingId, { record: options.recordPhotoLinks });
  if (photo) matches.push({ kind: 'photo', ...photo });
  return {
    listingId,
    matches,
    lines: matches.map(describeMatch),
    suggestedPriority: matches.length ? 1 : null,
  };
}

/**
 * On ingest (or report), in the listing's transaction: records the listing's hashed contact ids, then links
 * them. Without a coalition key nothing is recorded and only the seller account can link.
 */
export async function recordAndLink(
  db: Queryable,
  key: CoalitionKey | undefined,
  listingId: string,
  listing: ListingForSignals,
): Promise<LinkingSummary> {
  if (key) await recordListingSignals(db, key, listingId, listing);
  return linkListing(db, listingId);
}
