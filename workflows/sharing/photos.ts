// Photo linking: deep screening stores each listing's photo hashes (PDQ); a listing whose photo is a
// near-duplicate of a photo of a listing removed here, or of a photo signal shared by another deployment,
// is linked like a shared contact id. "Same photo" is PDQ's usual 31 bits, so a re-encoded, resized or
// retouched copy still links; so does a mirrored or rotated one, since a listing's photos are compared by
// all eight of their dihedral hashes with the removed photos as posted.
import { PDQ_MATCH_THRESHOLD, PDQ_QUALITY_THRESHOLD, pdqDistance } from '../../detectors/image/pdq.ts';
import type { Queryable } from '../../shared/db/pool.ts';
import { REMOVING_TAKEDOWN } from '../../shared/db/removals.ts';

export interface ListingPhoto {
  pdq?: string;
  quality?: number;
  /** Hashes of the photo's rotations and mirror images. */
  variants?: string[];
}

/**
 * Stores a listing's distinct photo hashes above PDQ's quality floor (a flat or tiny image hashes alike
 * whatever it shows). A photo within the threshold of one already kept is the same photo posted twice:
 * keeping one makes a removed listing count once in shared counts.
 */
export async function recordListingPhotos(
  db: Queryable,
  listingId: string,
  photos: readonly ListingPhoto[],
): Promise<string[]> {
  const kept: { pdq: string; quality: number; variants: string[] }[] = [];
  for (const p of photos) {
    if (!p.pdq || p.quality === undefined || p.quality < PDQ_QUALITY_THRESHOLD) continue;
    const pdq = p.pdq.toLowerCase();
    if (kept.some((k) => pdqDistance(k.pdq, pdq) <= PDQ_MATCH_THRESHOLD)) continue;
    const variants = (p.variants ?? []).map((v) => v.toLowerCase()).filter((v) => v !== pdq);
    kept.push({ pdq, quality: p.quality, variants: [...new Set(variants)].slice(0, 7) });
  }
  if (kept.length === 0) return [];
  // One row per photo; its variants as a text[] literal each (unnest cannot take an array of arrays).
  await db.query(
    `INSERT INTO listing_photo_hashes (listing_id, pdq, quality, variants)
     SELECT $1, pdq, quality, variants::text[]
     FROM unnest($2::text[], $3::smallint[], $4::text[]) AS p(pdq, quality, variants)
     ON CONFLICT DO NOTHING`,
    [
      listingId,
      kept.map((k) => k.pdq),
      kept.map((k) => k.quality),
      kept.map((k) => `{${k.variants.join(',')}}`),
    ],
  );
  return kept.map((k) => k.pdq);
}

export interface PhotoLink {
  localRemovedListings: number;
  localPlatforms: number;
  sharedRemovedListings: number;
  sharedPlatforms: number;
  origins: string[];
}

const REMOVED = `SELECT DISTINCT c.listing_id FROM takedowns t JOIN cases c ON c.id = t.case_id
  WHERE ${REMOVING_TAKEDOWN}
    AND c.status <> 'restored'`;

/**
 * CTEs `mine` (the hashes $2) and `matched` (listing_id, distance): listings removed here, other than $1, with
 * a photo within $3 bits of one of $2, and the closest pair's distance.
 * The distance is computed only for rows the EXISTS keeps, so a scan that matches nothing costs the same.
 */
const MATCHED_REMOVED = `
  mine AS MATERIALIZED (SELECT ('x' || pdq)::bit(256) AS bits FROM unnest($2::text[]) AS m(pdq)),
  matched AS MATERIALIZED (
    SELECT x.listing_id, min(x.distance) AS distance FROM (
      SELECT p.listing_id, (SELECT min(bit_count(m.bits # p.bits)) FROM mine m) AS distance
      FROM (${REMOVED} AND c.listing_id <> $1) r JOIN listing_photo_hashes p ON p.listing_id = r.listing_id
      WHERE EXISTS (SELECT 1 FROM mine m WHERE bit_count(m.bits # p.bits) <= $3)) x
    GROUP BY x.listing_id)`;

/** A listing's photo hashes with their rotations and mirror images: what linking compares. */
async function photoHashes(db: Queryable, listingId: string): Promise<string[]> {
  const { rows } = await db.query<{ hash: string }>(
    `SELECT DISTINCT h AS hash FROM listing_photo_hashes p, unnest(array_prepend(p.pdq, p.variants)) AS h
     WHERE p.listing_id = $1`,
    [listingId],
  );
  return rows.map((r) => r.hash);
}

/**
 * Removed listings (here and shared) with a photo within the threshold of one of this listing's photos;
 * null when there are none.
 *
 * A scan, not an index: the listing's few hashes (eight per photo) are compared (bit_count of the 256-bit
 * XOR) with the photos of removed listings only, not of every listing, and with accepted shared photo
 * signals. Measured on PostgreSQL 15 (three photos on the listing, so 24 hashes): ~70 ms with 10k removed
 * photos, ~1 s with 150k; comparing the photos as posted only took ~27 ms and ~150 ms. It
 * runs only where a link is shown or sets a priority (a case opening, its card, `share link`), and not at
 * all for a listing without stored photos (the ingest fast path). Past ~50k removed or shared photos, or
 * to link every screened listing, the in-memory PdqHashIndex (detectors/image/hash-index.ts, kept current
 * from a change log like the bank matcher) should take over: microseconds per lookup at 1M hashes.
 */
export async function linkListingPhotos(
  db: Queryable,
  listingId: string,
  options: { record?: boolean } = {},
): Promise<PhotoLink | null> {
  const mine = await photoHashes(db, listingId);
  if (mine.length === 0) return null;
  const { rows } = await db.query(
    `WITH ${MATCHED_REMOVED},
     -- With record, the same scan also stores the links, for the re-listing metric.
     recorded AS (
       INSERT INTO listing_photo_links (listing_id, removed_listing_id, distance)
       SELECT $1, listing_id, distance FROM matched WHERE $4::boolean
       ON CONFLICT DO NOTHING),
     local AS (
       SELECT count(*) AS listings, count(DISTINCT l.platform_id) AS platforms
       FROM matched JOIN listings l ON l.id = matched.listing_id),
     -- Near-duplicates of one photo on one platform arrive as separate items (one per exact hash), so an
     -- origin's platforms are the most any matching item names: a lower bound, never an inflated count.
     shared AS (
       SELECT si.origin, sum(coalesce((si.provenance->>'removedListings')::int, 1)) AS listings,
              max(coalesce((si.provenance->>'platforms')::int, 1)) AS platforms
       FROM shared_items si
       WHERE si.type = 'photo-signal' AND si.status = 'accepted' AND si.expires_at > now()
         AND EXISTS (SELECT 1 FROM mine m WHERE bit_count(m.bits # si.photo_bits) <= $3)
       GROUP BY si.origin)
     SELECT local.listings AS l_listings, local.platforms AS l_platforms,
            (SELECT sum(listings) FROM shared) AS s_listings, (SELECT sum(platforms) FROM shared) AS s_platforms,
            (SELECT array_agg(origin ORDER BY origin) FROM shared) AS origins
     FROM local`,
    [listingId, mine, PDQ_MATCH_THRESHOLD, options.record === true],
  );
  const r = rows[0]!;
  const link: PhotoLink = {
    localRemovedListings: Number(r.l_listings ?? 0),
    localPlatforms: Number(r.l_platforms ?? 0),
    sharedRemovedListings: Number(r.s_listings ?? 0),
    sharedPlatforms: Number(r.s_platforms ?? 0),
    origins: (r.origins as string[] | null) ?? [],
  };
  return link.localRemovedListings + link.sharedRemovedListings > 0 ? link : null;
}

/** Photo hashes of listings removed here (not restored) since a time, for share bundles. */
export async function removedPhotoSignals(
  db: Queryable,
  since: Date,
): Promise<{ pdq: string; removedListings: number; platforms: number; firstSeen: Date; lastSeen: Date }[]> {
  const { rows } = await db.query(
    `SELECT p.pdq, count(DISTINCT l.id) AS listings, count(DISTINCT l.platform_id) AS platforms,
            min(t.completed_at) AS first_seen, max(t.completed_at) AS last_seen
     FROM listing_photo_hashes p JOIN listings l ON l.id = p.listing_id
       JOIN cases c ON c.listing_id = l.id AND c.status <> 'restored'
       JOIN takedowns t ON t.case_id = c.id AND ${REMOVING_TAKEDOWN}
     WHERE t.completed_at >= $1
     GROUP BY p.pdq ORDER BY p.pdq`,
    [since],
  );
  return rows.map((r) => ({
    pdq: String(r.pdq),
    removedListings: Number(r.listings),
    platforms: Number(r.platforms),
    firstSeen: r.first_seen as Date,
    lastSeen: r.last_seen as Date,
  }));
}
