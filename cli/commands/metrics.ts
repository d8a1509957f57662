// wild-sentinel metrics --from <date> --to <date> [--platform <id or name>] [--species <key or name>]: prints
// the impact metrics for the period as JSON (live: see migration 0890). `wild-sentinel metrics refresh
// [--since <date>]` recounts the screened rollup and the re-listing matches (the schedules do this too).
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config.ts';
import { computeMetrics } from '../../shared/metrics/index.ts';
import { refreshMetrics } from '../../shared/metrics/rollup.ts';
import { withDatabase } from '../database.ts';
import { readFilterArgs, withResolvedFilters } from '../metrics-filters.ts';

export const USAGE =
  'usage: wild-sentinel metrics --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--platform <id or name>] [--species <key or name>]\n' +
  '       wild-sentinel metrics refresh [--since <YYYY-MM-DD>]' +
  '\nExamples:\n  wild-sentinel metrics --from 2026-01-01 --to 2026-03-31 --platform shopa\n  wild-sentinel metrics --from 2026-12-01 --to 2026-12-07 --species Pangolin\n  wild-sentinel metrics refresh';

async function refresh(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { since: { type: 'string' } } });
  const since = values.since ? new Date(values.since) : undefined;
  if (since && Number.isNaN(since.getTime())) {
    console.error(USAGE);
    return 2;
  }
  const done = await withDatabase(loadConfig(), (pool) => refreshMetrics(pool, { since }));
  console.log(JSON.stringify(done));
  return 0;
}

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'refresh') return refresh(args.slice(1));
  const read = readFilterArgs(args, USAGE);
  if (!read) return 2;
  return withResolvedFilters(read.filters, async (db, filters) => {
    console.log(JSON.stringify(await computeMetrics(db, filters), null, 2));
  });
}
