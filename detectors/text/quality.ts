// Quality on labelled listings: precision, recall and false-positive rate overall and per language, species
// and obfuscation class, where a listing counts as flagged when the verdict is review or block. Three sets
// (test/fixtures/text/README.md says who wrote which rows and how): the development set the library is
// tuned on, the held-out split that is never tuned on, and the evaluation-only real-style posts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { TextScreenResult } from './index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/text/${name}`, import.meta.url));
export const DEV_SET_PATH = fixture('dev-set.jsonl');
/** The held-out split: never used for tuning; its recall and FPR are held to quality-baseline.json. */
export const HOLDOUT_PATH = fixture('holdout.jsonl');
/** Listings in the style of real auction and social posts: evaluation only, never for tuning or training. */
export const REAL_STYLE_PATH = fixture('real-style-eval-only.jsonl');

/** How a held-out listing hides its wildlife term; `none` for plain text. */
export const OBFUSCATION_CLASSES = [
  'none',
  'leet',
  'separators',
  'repeated',
  'homoglyph',
  'invisible',
  'diacritics',
  'emoji',
  'code-word',
] as const;

export const devRowSchema = z.object({
  id: z.string(),
  language: z.string(),
  label: z.enum(['illicit', 'legit']),
  hardNegative: z.boolean(),
  title: z.string(),
  description: z.string(),
  /** The species a listing sells, or the one a lookalike resembles (held-out split). */
  species: z.string().nullable().optional(),
  obfuscation: z.enum(OBFUSCATION_CLASSES).optional(),
  /** Who wrote the row (held-out split), see test/fixtures/text/README.md. */
  writtenBy: z.string().optional(),
});
export type DevRow = z.infer<typeof devRowSchema>;

export const realStyleRowSchema = z.object({
  id: z.string(),
  language: z.string(),
  label: z.enum(['sale', 'not-sale']),
  /** auction, social-hashtag, live-animal, dealer, classified, debate, news, colour-material, other */
  style: z.string().min(1),
  /** The public description of such posts the row's style was written from. */
  basedOn: z.url({ protocol: /^https?$/ }),
  title: z.string(),
  description: z.string(),
  writtenBy: z.string(),
});
export type RealStyleRow = z.infer<typeof realStyleRowSchema>;

function readJsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, n }) => {
      const r = schema.safeParse(JSON.parse(line));
      if (!r.success) throw new Error(`${path}:${n}: ${r.error.issues[0]?.message}`);
      return r.data;
    });
}

export const readDevSet = (path = DEV_SET_PATH): DevRow[] => readJsonl(path, devRowSchema);

/** The real-style set as labelled listings: a sale post is the positive class. */
export function readRealStyleSet(path = REAL_STYLE_PATH): (DevRow & { style: string })[] {
  return readJsonl(path, realStyleRowSchema).map((r) => ({
    id: r.id,
    language: r.language,
    label: r.label === 'sale' ? 'illicit' : 'legit',
    hardNegative: r.label === 'not-sale',
    title: r.title,
    description: r.description,
    writtenBy: r.writtenBy,
    style: r.style,
  }));
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
  /** Rows with a species (held-out split): illicit rows by what they sell, legit ones by what they resemble. */
  bySpecies: Record<string, Metrics>;
  /** Rows with an obfuscation class (held-out split). */
  byObfuscation: Record<string, Metrics>;
  errors: { id: string; label: DevRow['label']; verdict: string; title: string }[];
}

export function metrics(rows: readonly { label: string; flagged: boolean }[]): Metrics {
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

type Flagged<R extends DevRow> = { row: R; label: DevRow['label']; verdict: string; flagged: boolean };

/** Metrics per value of `key`, skipping rows without one, keys sorted. */
export function groupMetrics<R extends DevRow>(
  scored: readonly Flagged<R>[],
  key: (row: R) => string | null | undefined,
): Record<string, Metrics> {
  const groups = new Map<string, Flagged<R>[]>();
  for (const s of scored) {
    const k = key(s.row);
    if (k === null || k === undefined) continue;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  return Object.fromEntries(
    [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, g]) => [k, metrics(g)]),
  );
}

/** Screens every row and flags it; for reports that group rows by more than these keys. */
export function screenRows<R extends DevRow>(
  rows: readonly R[],
  screen: (row: R) => TextScreenResult,
): Flagged<R>[] {
  return rows.map((row) => {
    const verdict = screen(row).verdict;
    return { row, label: row.label, verdict, flagged: verdict !== 'allow' };
  });
}

export function evaluate<R extends DevRow>(
  rows: readonly R[],
  screen: (row: R) => TextScreenResult,
): QualityReport {
  const scored = screenRows(rows, screen);
  return {
    overall: metrics(scored),
    byLanguage: groupMetrics(scored, (r) => r.language),
    bySpecies: groupMetrics(scored, (r) => r.species),
    byObfuscation: groupMetrics(scored, (r) => r.obfuscation),
    errors: scored
      .filter((s) => s.flagged !== (s.label === 'illicit'))
      .map((s) => ({ id: s.row.id, label: s.label, verdict: s.verdict, title: s.row.title })),
  };
}

/** One table of metrics, a row per group plus the overall line. */
export function formatTable(heading: string, groups: Record<string, Metrics>, overall?: Metrics): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const width = Math.max(9, heading.length + 1, ...Object.keys(groups).map((k) => k.length + 1));
  const line = (name: string, m: Metrics) =>
    `${name.padEnd(width)}${String(m.listings).padStart(6)}${String(m.positives).padStart(6)}${pct(m.precision)}${pct(m.recall)}${pct(m.falsePositiveRate)}`;
  return [
    `${heading.padEnd(width)}${'n'.padStart(6)}${'pos'.padStart(6)}${'prec'.padStart(7)}${'recall'.padStart(7)}${'FPR'.padStart(7)}`,
    ...Object.entries(groups).map(([name, m]) => line(name, m)),
    ...(overall ? [line('overall', overall)] : []),
  ].join('\n');
}

/** The per-language table, then species and obfuscation class where the rows carry them. */
export function formatReport(report: QualityReport): string {
  const parts = [formatTable('language', report.byLanguage, report.overall)];
  if (Object.keys(report.bySpecies).length > 0) parts.push(formatTable('species', report.bySpecies));
  if (Object.keys(report.byObfuscation).length > 0)
    parts.push(formatTable('obfuscation', report.byObfuscation));
  return parts.join('\n\n');
}
