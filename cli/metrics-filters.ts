// The period and filter options the metrics and report commands share, read into validated filters.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { librarySpeciesCatalogue } from '../keywords/species-catalogue.ts';
import { loadConfig } from '../shared/config.ts';
import type { Pool } from '../shared/db/pool.ts';
import { type MetricsFilters, metricsFiltersSchema } from '../shared/metrics/filters.ts';
import { resolveFilters, UnknownFilterError } from '../shared/metrics/names.ts';
import { withDatabase } from './database.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

const FILTER_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  platform: { type: 'string' },
  species: { type: 'string' },
} as const satisfies Options;

/**
 * People mean "up to and including" by `--to 2026-12-31`; the queries read a period [from, to), so a
 * date alone ends at the start of the next day. A date-time is taken as it is.
 */
function inclusiveEnd(to: unknown): unknown {
  if (typeof to !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return to;
  const next = new Date(`${to}T00:00:00Z`);
  if (Number.isNaN(next.getTime())) return to; // the schema names the bad date
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * --from, --to (inclusive), --platform and --species, plus a command's own string options. On a bad argument it
 * prints what is wrong and the usage, and returns undefined (the command exits with 2).
 */
export function readFilterArgs(
  args: string[],
  usage: string,
  own: Options = {},
): { filters: MetricsFilters; own: Record<string, string | undefined> } | undefined {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args, options: { ...FILTER_OPTIONS, ...own }, strict: true }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return undefined;
  }
  const { from, to, platform, species, ...rest } = values;
  const filters = metricsFiltersSchema.safeParse({ from, to: inclusiveEnd(to), platform, species });
  if (!filters.success) {
    console.error(
      `${filters.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}\n${usage}`,
    );
    return undefined;
  }
  return { filters: filters.data, own: rest as Record<string, string | undefined> };
}

/**
 * Opens the database, turns a platform or species given by name into its id, and runs fn. A name that matches
 * nothing is a wrong command line: one line saying so and what exists, exit code 2.
 */
export async function withResolvedFilters(
  filters: MetricsFilters,
  fn: (db: Pool, filters: MetricsFilters) => Promise<void>,
): Promise<number> {
  return withDatabase(loadConfig(), async (db) => {
    let resolved: MetricsFilters;
    try {
      resolved = await resolveFilters(db, filters, librarySpeciesCatalogue());
    } catch (err) {
      if (!(err instanceof UnknownFilterError)) throw err;
      console.error(err.message);
      return 2;
    }
    await fn(db, resolved);
    return 0;
  });
}
