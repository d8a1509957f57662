// The filters every metrics query takes: a period [from, to), and optionally one platform and one species.
// Query strings reach this schema unchanged, so it bounds what PostgreSQL would otherwise reject (years far
// outside its range, NUL in a species) with a 400 that names the field.
import { z } from 'zod';
import { safeString } from '../text.ts';

const day = 24 * 3600 * 1000;

/** The period a metrics query may cover: no platform data predates 2000, and 2100 is far enough. */
export const EARLIEST = new Date('2000-01-01T00:00:00Z');
export const LATEST = new Date('2101-01-01T00:00:00Z');

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;
const BOUNDS = 'must lie between 2000-01-01 and 2101-01-01';

/** JavaScript rolls 2026-02-30 over to March 2; a calendar day must exist as written. */
function realDay(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const instant = safeString()
  .regex(ISO_INSTANT, {
    error: 'must be a date like 2026-03-01 or a date-time like 2026-03-01T00:00:00Z',
    abort: true,
  })
  .refine(realDay, 'is not a calendar date')
  .transform((s) => new Date(s))
  .pipe(z.date({ error: 'is not a calendar date' }).min(EARLIEST, BOUNDS).max(LATEST, BOUNDS));

export const metricsFiltersSchema = z
  .object({
    from: instant,
    to: instant,
    // An id or a name, in any case: resolveFilters (names.ts) turns it into the platform's id.
    platform: safeString().trim().min(1).max(200).optional(),
    species: safeString().trim().min(1).max(200).optional(),
  })
  .superRefine((f, ctx) => {
    // Zod still runs this when a field failed: compare only two dates that passed on their own.
    const ok = (d: unknown) => d instanceof Date && d >= EARLIEST && d <= LATEST;
    if (!ok(f.from) || !ok(f.to)) return;
    const span = f.to.getTime() - f.from.getTime();
    if (span <= 0) ctx.addIssue({ code: 'custom', message: '"to" must be after "from"', path: ['to'] });
    else if (span > 3700 * day)
      ctx.addIssue({ code: 'custom', message: 'the period is at most ten years', path: ['to'] });
  });

export type MetricsFilters = z.infer<typeof metricsFiltersSchema>;

export type Bucket = 'day' | 'week' | 'month';

/** The series granularity that keeps a chart readable: days up to two months, weeks up to a year. */
export function bucketFor(f: Pick<MetricsFilters, 'from' | 'to'>): Bucket {
  const days = (f.to.getTime() - f.from.getTime()) / day;
  if (days <= 62) return 'day';
  if (days <= 370) return 'week';
  return 'month';
}

/** Parameters $1..$4 shared by the queries: from, to, platform, species. */
export function filterParams(f: MetricsFilters): [Date, Date, string | null, string | null] {
  return [f.from, f.to, f.platform ?? null, f.species ?? null];
}

/** SQL: does listing `alias` carry evidence of species $4 (always true without a species filter). */
export function speciesMatch(alias: string): string {
  return `($4::text IS NULL OR EXISTS (
    SELECT 1 FROM detections sd, jsonb_array_elements(sd.evidence) se
    WHERE sd.listing_id = ${alias}.id AND se->>'species' = $4))`;
}
