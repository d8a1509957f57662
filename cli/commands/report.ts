// wild-sentinel report --from <date> --to <date> [--platform <id>] [--species <name>] [--format md|html|csv]
// [--out <file>]: the progress report for the period (Markdown by default), or the numbers as CSV.
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../shared/config.ts';
import { metricsToCsv } from '../../shared/metrics/csv.ts';
import { buildProgressReport, renderHtml, renderMarkdown } from '../../shared/metrics/report.ts';
import { libraryGrowthDetail, libraryGrowthSection } from '../../workflows/terms/growth.ts';
import { withDatabase } from '../database.ts';
import { readFilterArgs } from '../metrics-filters.ts';

export const USAGE =
  'usage: wild-sentinel report --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--platform <id>] [--species <name>] [--format md|html|csv] [--out <file>]' +
  '\nThe period includes both dates.\nExamples:\n  wild-sentinel report --from 2026-10-01 --to 2026-12-31 --format md --out q4.md';

export async function run(args: string[]): Promise<number> {
  const read = readFilterArgs(args, USAGE, {
    format: { type: 'string', default: 'md' },
    out: { type: 'string' },
  });
  if (!read) return 2;
  const { format, out } = read.own;
  if (!['md', 'html', 'csv'].includes(format ?? '')) {
    console.error(USAGE);
    return 2;
  }
  const report = await withDatabase(loadConfig(), async (db) => {
    const built = await buildProgressReport(db, read.filters);
    built.extraSections = [libraryGrowthSection(await libraryGrowthDetail(db, read.filters))];
    return built;
  });
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
