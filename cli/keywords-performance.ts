// wild-sentinel keywords performance --from --to [--platform] [--format table|json]: how each library entry
// did in the period, per platform (see workflows/terms/performance.ts for what each column counts).
import { compileLibrary } from '../detectors/text/compile.ts';
import { loadConfig } from '../shared/config.ts';
import { currentLibrary } from '../workflows/terms/current-library.ts';
import { type TermPerformance, termPerformance } from '../workflows/terms/performance.ts';
import { withDatabase } from './database.ts';
import { readFilterArgs } from './metrics-filters.ts';

export const PERFORMANCE_USAGE =
  'usage: wild-sentinel keywords performance --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--platform <id>] [--format table|json]\n' +
  'The period includes both dates. Per entry and platform: listings flagged, confirmed, rejected (by reason code),\n' +
  'still open, missed (volunteer reports of unflagged listings the entry matches), precision and reviewer minutes.\n' +
  'Examples:\n  wild-sentinel keywords performance --from 2026-10-01 --to 2026-12-31 --platform shopa';

const pct = (p: number | null) => (p === null ? '–' : `${(p * 100).toFixed(1)}%`);

export function performanceTable(rows: readonly TermPerformance[]): string {
  const head = [
    'platform',
    'lang',
    'kind',
    'term',
    'flagged',
    'confirmed',
    'rejected',
    'open',
    'missed',
    'precision',
    'rev.min',
    'rejected by',
  ];
  const body = rows.map((r) => [
    r.platform,
    r.language,
    r.kind,
    r.term,
    String(r.flagged),
    String(r.confirmed),
    String(r.rejected),
    String(r.pending),
    String(r.missed),
    pct(r.precision),
    r.reviewerMinutes.toFixed(1),
    Object.entries(r.rejectedBy)
      .sort(([, a], [, b]) => b - a)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  ]);
  const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...body.map((row) => row[i]!.length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const cut = c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c;
        return i >= 4 && i <= 10 ? cut.padStart(widths[i]!) : cut.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(head), ...body.map(line), `${rows.length} rows`].join('\n');
}

export async function runPerformance(args: string[]): Promise<number> {
  if (args.includes('--help')) {
    console.error(PERFORMANCE_USAGE);
    return 0;
  }
  const read = readFilterArgs(args, PERFORMANCE_USAGE, { format: { type: 'string', default: 'table' } });
  if (!read) return 2;
  const format = read.own.format;
  if ((format !== 'table' && format !== 'json') || read.filters.species !== undefined) {
    console.error(
      read.filters.species !== undefined
        ? `--species is not a filter here\n${PERFORMANCE_USAGE}`
        : PERFORMANCE_USAGE,
    );
    return 2;
  }
  const rows = await withDatabase(loadConfig(), async (db) =>
    termPerformance(db, read.filters, compileLibrary(await currentLibrary(db))),
  );
  console.log(format === 'json' ? JSON.stringify(rows, null, 2) : performanceTable(rows));
  return 0;
}
