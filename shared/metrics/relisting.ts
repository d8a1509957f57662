// Re-listing rate: of the listings removed in the period, how many came back afterwards — a later listing
// from the same seller on the same platform, with the same title, carrying one of its contact ids, or
// showing one of its photos. The matches are computed every 15 minutes (metrics_relisting, refreshCaseFacts):
// a removal since the last refresh counts as not re-listed yet, and the figure carries its "as of" time.
//
// By photo counts only the links deep screening recorded when the later listing's case opened
// (listing_photo_links): a re-posted photo on a listing that never became a case is not counted. Comparing
// every listing's photos with every removed photo at refresh would be a quadratic Hamming-distance self-join
// (10M listings a year), and linking runs only when a case opens (a scan per listing; see photos.ts), so the
// links found then are stored and this reads them.
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
  byPhoto: number;
}

export async function relisting(db: Queryable, f: MetricsFilters): Promise<Relisting> {
  const { rows } = await db.query(
    `WITH r AS (${removedScope}),
     m AS (SELECT coalesce(x.relisted_seller, false) AS seller, coalesce(x.relisted_title, false) AS title,
                  coalesce(x.relisted_contact, false) AS contact, coalesce(x.relisted_photo, false) AS photo
           FROM r LEFT JOIN metrics_relisting x ON x.case_id = r.case_id WHERE r.status <> 'restored')
     SELECT count(*) AS removed, count(*) FILTER (WHERE seller OR title OR contact OR photo) AS relisted,
            count(*) FILTER (WHERE seller) AS by_seller, count(*) FILTER (WHERE title) AS by_title,
            count(*) FILTER (WHERE contact) AS by_contact, count(*) FILTER (WHERE photo) AS by_photo
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
    byPhoto: Number(r.by_photo),
  };
}
