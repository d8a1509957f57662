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
  type RejectionReason,
  type ReviewerStats,
  type ReviewQuality,
  rejectionReasons,
  reviewers,
  reviewQuality,
  type VolunteerStats,
  volunteers,
} from './people.ts';
import { type Relisting, relisting } from './relisting.ts';
import { relistingAsOf } from './rollup.ts';
import { type TimeToTakedown, timeToTakedown } from './timing.ts';
import { type TracedQuery, traced } from './trace.ts';

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
  rejectionReasons: RejectionReason[];
  reviewQuality: ReviewQuality;
  volunteers: VolunteerStats;
  keywordLibrary: LibraryGrowth;
  topTerms: TermHits[];
  campaigns: CampaignStats;
  relisting: Relisting;
  previous: PreviousPeriod;
}

/** The label each figure's queries carry in a trace (and in the report's --explain). */
export const QUERY_LABELS = {
  totals: 'totals',
  byPlatform: 'per platform',
  bySpecies: 'per species',
  byLanguage: 'per language',
  series: 'series',
  timeToTakedown: 'time to takedown',
  reviewers: 'reviewers',
  rejectionReasons: 'rejection reasons',
  reviewQuality: 'review quality',
  volunteers: 'volunteers',
  libraryGrowth: 'library growth',
  topTerms: 'top terms',
  campaigns: 'campaigns',
  relisting: 're-listing',
  freshness: 'freshness',
  previousTotals: 'previous period: totals',
  previousTimeToTakedown: 'previous period: time to takedown',
} as const;

/** Every figure for the filters; with `log`, each query is recorded under its QUERY_LABELS label. */
export async function computeMetrics(
  db: Queryable,
  f: MetricsFilters,
  log?: TracedQuery[],
): Promise<Metrics> {
  const bucket = bucketFor(f);
  const q = (label: keyof typeof QUERY_LABELS) => traced(db, QUERY_LABELS[label], log);
  const asOf = new Date().toISOString();
  const before = previousPeriod(f);
  const [t, p, s, l, ser, ttt, rv, rr, rq, v, lib, terms, camp, rel, relAsOf, prevT, prevTtt] =
    await Promise.all([
      totals(q('totals'), f),
      byPlatform(q('byPlatform'), f),
      bySpecies(q('bySpecies'), f),
      byLanguage(q('byLanguage'), f),
      series(q('series'), f, bucket),
      timeToTakedown(q('timeToTakedown'), f),
      reviewers(q('reviewers'), f),
      rejectionReasons(q('rejectionReasons'), f),
      reviewQuality(q('reviewQuality'), f),
      volunteers(q('volunteers'), f),
      libraryGrowth(q('libraryGrowth'), f),
      topTerms(q('topTerms'), f),
      campaignDeliveries(q('campaigns'), f),
      relisting(q('relisting'), f),
      relistingAsOf(q('freshness')),
      totals(q('previousTotals'), before),
      timeToTakedown(q('previousTimeToTakedown'), before),
    ]);
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
    rejectionReasons: rr,
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
