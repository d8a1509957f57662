// The filters every metrics query takes: a period [from, to), and optionally one platform and one species.
import { z } from 'zod';

const day = 24 * 3600 * 1000;

export const metricsFiltersSchema = z
  .object({
    from: z.coerce.date(),
    to: z.coerce.date(),
    platform: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .optional(),
    species: z.string().min(1).max(200).optional(),
  })
  .refine((f) => f.to.getTime() > f.from.getTime(), { message: '"to" must be after "from"', path: ['to'] })
  .refine((f) => f.to.getTime() - f.from.getTime() <= 3700 * day, {
    message: 'the period is at most ten years',
    path: ['to'],
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
