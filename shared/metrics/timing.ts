// Time to takedown (median and p90, in hours): from the listing's ingest, and from the first volunteer
// report where the case had one. Counted over removals completed in the period.
import type { Queryable } from '../db/pool.ts';
import { filterParams, type MetricsFilters } from './filters.ts';
import { removedScope } from './listings.ts';

export interface Durations {
  count: number;
  medianHours: number | null;
  p90Hours: number | null;
}

export interface TimeToTakedown {
  fromIngest: Durations;
  fromFirstReport: Durations;
}

const hours = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

export async function timeToTakedown(db: Queryable, f: MetricsFilters): Promise<TimeToTakedown> {
  const { rows } = await db.query(
    `WITH r AS (${removedScope}),
     d AS (SELECT extract(epoch FROM r.completed_at - r.received_at) / 3600 AS ingest_h,
                  extract(epoch FROM r.completed_at - r.first_report_at) / 3600 AS report_h
           FROM r)
     SELECT count(*) AS n_ingest,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ingest_h) AS med_ingest,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY ingest_h) AS p90_ingest,
            count(report_h) AS n_report,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY report_h) AS med_report,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY report_h) AS p90_report
     FROM d`,
    filterParams(f),
  );
  const r = rows[0]!;
  return {
    fromIngest: {
      count: Number(r.n_ingest),
      medianHours: hours(r.med_ingest),
      p90Hours: hours(r.p90_ingest),
    },
    fromFirstReport: {
      count: Number(r.n_report),
      medianHours: hours(r.med_report),
      p90Hours: hours(r.p90_report),
    },
  };
}
