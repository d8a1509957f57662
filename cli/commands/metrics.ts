// wild-sentinel metrics --from <date> --to <date> [--platform <id>] [--species <name>]: prints the impact
// metrics for the period as JSON. `wild-sentinel metrics refresh [--since <date>]` recounts the metrics
// rollups (the nightly schedule does this too).
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config.ts';
import { computeMetrics, metricsFiltersSchema } from '../../shared/metrics/index.ts';
import { refreshMetrics } from '../../shared/metrics/rollup.ts';
import { withDatabase } from '../database.ts';

const USAGE =
  'usage: wild-sentinel metrics --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--platform <id>] [--species <name>]\n' +
  '       wild-sentinel metrics refresh [--since <YYYY-MM-DD>]';

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
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        platform: { type: 'string' },
        species: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const filters = metricsFiltersSchema.safeParse(values);
  if (!filters.success) {
    console.error(
      `${filters.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}\n${USAGE}`,
    );
    return 2;
  }
  const metrics = await withDatabase(loadConfig(), (pool) => computeMetrics(pool, filters.data));
  console.log(JSON.stringify(metrics, null, 2));
  return 0;
}
