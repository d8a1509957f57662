// Re-listing rate: of the listings removed in the period, how many came back afterwards — a later listing
// from the same seller on the same platform, with the same title, or carrying one of its contact ids. The
// matches are computed when metrics_case_facts is refreshed.
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
     m AS (SELECT relisted_seller AS seller, relisted_title AS title, relisted_contact AS contact
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
