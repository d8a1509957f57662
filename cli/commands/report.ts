// wild-sentinel report --from <date> --to <date> [--platform <id>] [--species <name>] [--format md|html|csv]
// [--out <file>]: the progress report for the period (Markdown by default), or the numbers as CSV.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config.ts';
import { metricsToCsv } from '../../shared/metrics/csv.ts';
import { metricsFiltersSchema } from '../../shared/metrics/filters.ts';
import { buildProgressReport, renderHtml, renderMarkdown } from '../../shared/metrics/report.ts';
import { withDatabase } from '../database.ts';

const USAGE =
  'usage: wild-sentinel report --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--platform <id>] [--species <name>] [--format md|html|csv] [--out <file>]';

export async function run(args: string[]): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        platform: { type: 'string' },
        species: { type: 'string' },
        format: { type: 'string', default: 'md' },
        out: { type: 'string' },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { format, out, ...rest } = values;
  const filters = metricsFiltersSchema.safeParse(rest);
  if (!filters.success || !['md', 'html', 'csv'].includes(format ?? '')) {
    console.error(USAGE);
    return 2;
  }
  const report = await withDatabase(loadConfig(), (db) => buildProgressReport(db, filters.data));
  const text =
    format === 'csv'
      ? metricsToCsv(report.metrics)
      : format === 'html'
        ? renderHtml(report)
        : renderMarkdown(report);
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
  return 0;
}
