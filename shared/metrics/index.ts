// All impact metrics for one set of filters, computed from the stored events in parallel queries.
import type { Queryable } from '../db/pool.ts';
import { type Bucket, bucketFor, type MetricsFilters } from './filters.ts';
import { type LibraryGrowth, libraryGrowth, type TermHits, topTerms } from './library.ts';
import {
  type Breakdown,
  byLanguage,
  byPlatform,
  bySpecies,
  series,
  type Totals,
  totals,
} from './listings.ts';
import { type CampaignStats, campaignDeliveries } from './outreach.ts';
import {
  type ReviewerStats,
  type ReviewQuality,
  reviewers,
  reviewQuality,
  type VolunteerStats,
  volunteers,
} from './people.ts';
import { type Relisting, relisting } from './relisting.ts';
import { relistingAsOf } from './rollup.ts';
import { type TimeToTakedown, timeToTakedown } from './timing.ts';

export { type MetricsFilters, metricsFiltersSchema } from './filters.ts';

/**
 * How current the figures are: every count is live (as of the moment the query ran) except the re-listing
 * matches, recomputed every 15 minutes.
 */
export interface Freshness {
  asOf: string;
  relistingAsOf: string | null;
}

/** The period of the same length just before: the figures people compare with. */
export interface PreviousPeriod {
  from: string;
  to: string;
  totals: Totals;
  timeToTakedown: TimeToTakedown;
}

export function previousPeriod(f: MetricsFilters): MetricsFilters {
  const length = f.to.getTime() - f.from.getTime();
  return { ...f, from: new Date(f.from.getTime() - length), to: f.from };
}

export interface Metrics {
  freshness: Freshness;
  filters: { from: string; to: string; platform: string | null; species: string | null };
  bucket: Bucket;
  totals: Totals;
  byPlatform: Breakdown[];
  bySpecies: Breakdown[];
  byLanguage: Breakdown[];
  series: Breakdown[];
  timeToTakedown: TimeToTakedown;
  reviewers: ReviewerStats[];
  reviewQuality: ReviewQuality;
  volunteers: VolunteerStats;
  keywordLibrary: LibraryGrowth;
  topTerms: TermHits[];
  campaigns: CampaignStats;
  relisting: Relisting;
  previous: PreviousPeriod;
}

export async function computeMetrics(db: Queryable, f: MetricsFilters): Promise<Metrics> {
  const bucket = bucketFor(f);
  const asOf = new Date().toISOString();
  const before = previousPeriod(f);
  const [t, p, s, l, ser, ttt, rv, rq, v, lib, terms, camp, rel, relAsOf, prevT, prevTtt] = await Promise.all(
    [
      totals(db, f),
      byPlatform(db, f),
      bySpecies(db, f),
      byLanguage(db, f),
      series(db, f, bucket),
      timeToTakedown(db, f),
      reviewers(db, f),
      reviewQuality(db, f),
      volunteers(db, f),
      libraryGrowth(db, f),
      topTerms(db, f),
      campaignDeliveries(db, f),
      relisting(db, f),
      relistingAsOf(db),
      totals(db, before),
      timeToTakedown(db, before),
    ],
  );
  return {
    freshness: { asOf, relistingAsOf: relAsOf?.toISOString() ?? null },
    filters: {
      from: f.from.toISOString(),
      to: f.to.toISOString(),
      platform: f.platform ?? null,
      species: f.species ?? null,
    },
    bucket,
    totals: t,
    byPlatform: p,
    bySpecies: s,
    byLanguage: l,
    series: ser,
    timeToTakedown: ttt,
    reviewers: rv,
    reviewQuality: rq,
    volunteers: v,
    keywordLibrary: lib,
    topTerms: terms,
    campaigns: camp,
    relisting: rel,
    previous: {
      from: before.from.toISOString(),
      to: before.to.toISOString(),
      totals: prevT,
      timeToTakedown: prevTtt,
    },
  };
}
