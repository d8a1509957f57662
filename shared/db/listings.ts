import type { ListingInput } from '../listing.ts';
import type { Evidence, ScreeningDecision } from '../screening.ts';
import type { Queryable } from './pool.ts';

export interface StoredListing {
  id: string;
  /** True when this external id was new. */
  created: boolean;
  /** The listing's version after this call (the database numbers versions: 0800_listing_versions.sql). */
  version: number;
  /** True when this call stored a new version: a new listing, or changed content. */
  changed: boolean;
}

/**
 * Inserts the listing, or stores a new version when the platform sends the same external id again with
 * different content. Identical content changes nothing. Earlier versions are never overwritten.
 */
export async function upsertListing(
  db: Queryable,
  platformId: string,
  listing: ListingInput,
): Promise<StoredListing> {
  const { rows } = await db.query<{ id: string; version: number; created: boolean }>(
    `INSERT INTO listings (platform_id, external_id, url, title, description, price, currency, language,
                           seller_id, image_urls, raw)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (platform_id, external_id) DO UPDATE SET
       url = EXCLUDED.url, title = EXCLUDED.title, description = EXCLUDED.description, price = EXCLUDED.price,
       currency = EXCLUDED.currency, language = EXCLUDED.language, seller_id = EXCLUDED.seller_id,
       image_urls = EXCLUDED.image_urls, raw = EXCLUDED.raw, updated_at = now()
     WHERE listings.raw IS DISTINCT FROM EXCLUDED.raw
     RETURNING id, current_version AS version, (xmax = 0) AS created`,
    [
      platformId,
      listing.externalId,
      listing.url ?? null,
      listing.title,
      listing.description,
      listing.price ?? null,
      listing.currency ?? null,
      listing.language ?? null,
      listing.seller?.id ?? null,
      JSON.stringify(listing.imageUrls),
      JSON.stringify(listing),
    ],
  );
  if (rows[0]) return { ...rows[0], changed: true };
  // Same content as the current version: nothing was written (the conflict row is locked until commit).
  const same = await db.query<{ id: string; version: number }>(
    'SELECT id, current_version AS version FROM listings WHERE platform_id = $1 AND external_id = $2',
    [platformId, listing.externalId],
  );
  return { ...same.rows[0]!, created: false, changed: false };
}

/** What one version of a listing says, as shown to people. */
export interface ListingContent {
  url: string | null;
  title: string;
  description: string;
  price: number | null;
  currency: string | null;
  sellerId: string | null;
  imageUrls: string[];
}

/** The content columns of a listing_versions row (url, title, … image_urls) as ListingContent. */
export function listingContentOf(r: {
  url: string | null;
  title: string;
  description: string;
  price: number | null;
  currency: string | null;
  seller_id: string | null;
  image_urls: string[];
}): ListingContent {
  return {
    url: r.url,
    title: r.title,
    description: r.description,
    price: r.price,
    currency: r.currency,
    sellerId: r.seller_id,
    imageUrls: r.image_urls,
  };
}

/** One stored version of a listing, as received. */
export interface ListingVersion extends ListingContent {
  version: number;
  receivedAt: string;
  raw: unknown;
}

/** Every version of a listing, oldest first. */
export async function listingVersions(db: Queryable, listingId: string): Promise<ListingVersion[]> {
  const { rows } = await db.query(
    `SELECT version, received_at, url, title, description, price, currency, seller_id, image_urls, raw
     FROM listing_versions WHERE listing_id = $1 ORDER BY version`,
    [listingId],
  );
  return rows.map((r) => ({
    version: r.version,
    receivedAt: r.received_at.toISOString(),
    ...listingContentOf(r),
    raw: r.raw,
  }));
}

export async function insertDetection(
  db: Queryable,
  listingId: string,
  detector: string,
  /** Policy evidence, plus any detector-specific records (image matches, OCR hits) worth keeping. */
  decision: Pick<ScreeningDecision, 'verdict' | 'score' | 'clause' | 'explanation'> & {
    evidence: readonly (Evidence | ({ detector: string } & object))[];
  },
  /** The version the detector looked at; by default the listing's current version. */
  version?: number,
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO detections (listing_id, detector, verdict, score, clause, explanation, evidence, listing_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      listingId,
      detector,
      decision.verdict,
      decision.score,
      decision.clause,
      decision.explanation,
      JSON.stringify(decision.evidence),
      version ?? null,
    ],
  );
  return rows[0]!.id;
}
