// Quality on the labelled development set: precision, recall and false-positive rate per language, where a
// listing counts as flagged when the verdict is review or block.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { TextScreenResult } from './index.ts';

export const DEV_SET_PATH = fileURLToPath(new URL('../../test/fixtures/text/dev-set.jsonl', import.meta.url));
/** Hard cases kept out of tuning; reported, not asserted. */
export const HOLDOUT_PATH = fileURLToPath(new URL('../../test/fixtures/text/holdout.jsonl', import.meta.url));

export const devRowSchema = z.object({
  id: z.string(),
  language: z.string(),
  label: z.enum(['illicit', 'legit']),
  hardNegative: z.boolean(),
  title: z.string(),
  description: z.string(),
});
export type DevRow = z.infer<typeof devRowSchema>;

export function readDevSet(path = DEV_SET_PATH): DevRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const r = devRowSchema.safeParse(JSON.parse(l));
      if (!r.success) throw new Error(`${path}:${i + 1}: ${r.error.issues[0]?.message}`);
      return r.data;
    });
}

export interface Metrics {
  listings: number;
  positives: number;
  negatives: number;
  truePositives: number;
  falsePositives: number;
  precision: number;
  recall: number;
  falsePositiveRate: number;
}

export interface QualityReport {
  overall: Metrics;
  byLanguage: Record<string, Metrics>;
  errors: { id: string; label: DevRow['label']; verdict: string; title: string }[];
}

function metrics(rows: { label: string; flagged: boolean }[]): Metrics {
  const positives = rows.filter((r) => r.label === 'illicit').length;
  const truePositives = rows.filter((r) => r.label === 'illicit' && r.flagged).length;
  const falsePositives = rows.filter((r) => r.label === 'legit' && r.flagged).length;
  const negatives = rows.length - positives;
  const flagged = truePositives + falsePositives;
  return {
    listings: rows.length,
    positives,
    negatives,
    truePositives,
    falsePositives,
    precision: flagged === 0 ? 1 : truePositives / flagged,
    recall: positives === 0 ? 1 : truePositives / positives,
    falsePositiveRate: negatives === 0 ? 0 : falsePositives / negatives,
  };
}

export function evaluate(rows: readonly DevRow[], screen: (row: DevRow) => TextScreenResult): QualityReport {
  const scored = rows.map((row) => ({ row, label: row.label, verdict: screen(row).verdict }));
  const withFlag = scored.map((s) => ({ ...s, flagged: s.verdict !== 'allow' }));
  const byLanguage: Record<string, Metrics> = {};
  for (const language of [...new Set(rows.map((r) => r.language))].sort()) {
    byLanguage[language] = metrics(withFlag.filter((s) => s.row.language === language));
  }
  return {
    overall: metrics(withFlag),
    byLanguage,
    errors: withFlag
      .filter((s) => s.flagged !== (s.label === 'illicit'))
      .map((s) => ({ id: s.row.id, label: s.label, verdict: s.verdict, title: s.row.title })),
  };
}

export function formatReport(report: QualityReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const line = (name: string, m: Metrics) =>
    `${name.padEnd(9)}${String(m.listings).padStart(6)}${String(m.positives).padStart(6)}${pct(m.precision)}${pct(m.recall)}${pct(m.falsePositiveRate)}`;
  return [
    `${'language'.padEnd(9)}${'n'.padStart(6)}${'pos'.padStart(6)}${'prec'.padStart(7)}${'recall'.padStart(7)}${'FPR'.padStart(7)}`,
    ...Object.entries(report.byLanguage).map(([language, m]) => line(language, m)),
    line('overall', report.overall),
  ].join('\n');
}
