import type { Evidence, ScreeningDecision } from '../../detectors/screen.ts';
import type { ListingInput } from '../listing.ts';
import type { Queryable } from './pool.ts';

/** Inserts the listing, or updates it when the platform sends the same external id again. */
export async function upsertListing(
  db: Queryable,
  platformId: string,
  listing: ListingInput,
): Promise<{ id: string; created: boolean }> {
  const { rows } = await db.query<{ id: string; created: boolean }>(
    `INSERT INTO listings (platform_id, external_id, url, title, description, price, currency, language,
                           seller_id, image_urls, raw)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (platform_id, external_id) DO UPDATE SET
       url = EXCLUDED.url, title = EXCLUDED.title, description = EXCLUDED.description, price = EXCLUDED.price,
       currency = EXCLUDED.currency, language = EXCLUDED.language, seller_id = EXCLUDED.seller_id,
       image_urls = EXCLUDED.image_urls, raw = EXCLUDED.raw, updated_at = now()
     RETURNING id, (xmax = 0) AS created`,
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
  return rows[0]!;
}

export async function insertDetection(
  db: Queryable,
  listingId: string,
  detector: string,
  /** Policy evidence, plus any detector-specific records (image matches, OCR hits) worth keeping. */
  decision: Pick<ScreeningDecision, 'verdict' | 'score' | 'clause' | 'explanation'> & {
    evidence: readonly (Evidence | ({ detector: string } & object))[];
  },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO detections (listing_id, detector, verdict, score, clause, explanation, evidence)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      listingId,
      detector,
      decision.verdict,
      decision.score,
      decision.clause,
      decision.explanation,
      JSON.stringify(decision.evidence),
    ],
  );
  return rows[0]!.id;
}
