// Re-listing rate: of the listings removed in the period, how many came back afterwards — a later listing
// from the same seller on the same platform, with the same title, or carrying one of its contact ids.
import type { Queryable } from '../db/pool.ts';
import { filterParams, type MetricsFilters } from './filters.ts';
import { removedScope } from './listings.ts';

export interface Relisting {
  removed: number;
  relisted: number;
  rate: number | null;
  bySeller: number;
  byTitle: number;
  byContact: number;
}

export async function relisting(db: Queryable, f: MetricsFilters): Promise<Relisting> {
  const { rows } = await db.query(
    `WITH r AS (${removedScope}),
     m AS (
       SELECT r.id,
         EXISTS (SELECT 1 FROM listings n WHERE r.seller_id IS NOT NULL AND n.platform_id = r.platform_id
                   AND n.seller_id = r.seller_id AND n.id <> r.id AND n.received_at > r.completed_at) AS seller,
         EXISTS (SELECT 1 FROM listings n WHERE md5(lower(n.title)) = md5(lower(r.title))
                   AND n.id <> r.id AND n.received_at > r.completed_at) AS title,
         EXISTS (SELECT 1 FROM listing_contact_signals s JOIN listing_contact_signals ns ON ns.hash = s.hash
                   JOIN listings n ON n.id = ns.listing_id
                 WHERE s.listing_id = r.id AND n.id <> r.id AND n.received_at > r.completed_at) AS contact
       FROM r WHERE r.status <> 'restored')
     SELECT count(*) AS removed, count(*) FILTER (WHERE seller OR title OR contact) AS relisted,
            count(*) FILTER (WHERE seller) AS by_seller, count(*) FILTER (WHERE title) AS by_title,
            count(*) FILTER (WHERE contact) AS by_contact
     FROM m`,
    filterParams(f),
  );
  const r = rows[0]!;
  const removed = Number(r.removed);
  const relisted = Number(r.relisted);
  return {
    removed,
    relisted,
    rate: removed > 0 ? Math.round((relisted / removed) * 10000) / 10000 : null,
    bySeller: Number(r.by_seller),
    byTitle: Number(r.by_title),
    byContact: Number(r.by_contact),
  };
}
