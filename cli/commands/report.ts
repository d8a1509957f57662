// wild-sentinel report --from <date> --to <date> [--platform <id or name>] [--species <key or name>]
// [--format md|html|csv] [--explain] [--out <file>]: the progress report for the period (Markdown by default),
// or the numbers as CSV. Both dates are included. --explain appends every query behind the numbers.
import { writeFileSync } from 'node:fs';
import { librarySpeciesCatalogue } from '../../keywords/species-catalogue.ts';
import { metricsToCsv } from '../../shared/metrics/csv.ts';
import { buildProgressReport, renderHtml, renderMarkdown } from '../../shared/metrics/report.ts';
import { libraryGrowthDetail, libraryGrowthSection } from '../../workflows/terms/growth.ts';
import { readFilterArgs, withResolvedFilters } from '../metrics-filters.ts';

export const USAGE =
  'usage: wild-sentinel report --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--platform <id or name>] [--species <key or name>] [--format md|html|csv] [--explain] [--out <file>]' +
  '\nThe period includes both dates (UTC days) and is compared with the previous period of the same length.' +
  '\n--explain appends the SQL and parameters of every query the numbers come from (md and html).' +
  '\nExamples:\n  wild-sentinel report --from 2026-10-01 --to 2026-12-31 --format md --out q4.md' +
  '\n  wild-sentinel report --from 2026-12-01 --to 2026-12-07 --platform "Shop A" --format md --explain';

export async function run(args: string[]): Promise<number> {
  const read = readFilterArgs(args, USAGE, {
    format: { type: 'string', default: 'md' },
    out: { type: 'string' },
    explain: { type: 'boolean', default: false },
  });
  if (!read) return 2;
  const { format, out } = read.own;
  const explain = (read.own as Record<string, unknown>).explain === true;
  if (!['md', 'html', 'csv'].includes(format ?? '')) {
    console.error(`--format must be md, html or csv\n${USAGE}`);
    return 2;
  }
  return withResolvedFilters(read.filters, async (db, filters) => {
    const report = await buildProgressReport(db, filters, { species: librarySpeciesCatalogue(), explain });
    report.extraSections = [libraryGrowthSection(await libraryGrowthDetail(db, filters))];
    const text =
      format === 'csv'
        ? metricsToCsv(report.metrics)
        : format === 'html'
          ? renderHtml(report)
          : renderMarkdown(report);
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  });
}
