// The held-out split's stored baseline (test/fixtures/text/quality-baseline.json): what recall and FPR were
// when it was last written, so a change that loses listings fails CI (test/detectors/text/quality-baseline
// .test.ts). `wild-sentinel keywords quality --write-baseline` rewrites it, e.g. after merging improvements.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { HOLDOUT_PATH, type Metrics, type QualityReport } from './quality.ts';

export const BASELINE_PATH = fileURLToPath(
  new URL('../../test/fixtures/text/quality-baseline.json', import.meta.url),
);

/**
 * The tolerance: overall, at most 1% of the positives more missed and 1% of the negatives more flagged (at
 * least one listing each); in any language, species or obfuscation class, at most one listing either way.
 */
export const TOLERANCE = { overallShare: 0.01, groupListings: 1 } as const;

const countsSchema = z.object({
  positives: z.number().int().nonnegative(),
  negatives: z.number().int().nonnegative(),
  truePositives: z.number().int().nonnegative(),
  falsePositives: z.number().int().nonnegative(),
  recall: z.number(),
  falsePositiveRate: z.number(),
});
type Counts = z.infer<typeof countsSchema>;

export const baselineSchema = z.object({
  split: z.literal('holdout'),
  /** sha256 of holdout.jsonl: a baseline only holds for the rows it was measured on. */
  holdoutSha256: z.string().regex(/^[0-9a-f]{64}$/),
  libraryVersion: z.string(),
  writtenAt: z.string(),
  overall: countsSchema,
  byLanguage: z.record(z.string(), countsSchema),
  bySpecies: z.record(z.string(), countsSchema),
  byObfuscation: z.record(z.string(), countsSchema),
});
export type Baseline = z.infer<typeof baselineSchema>;

export const holdoutChecksum = (path = HOLDOUT_PATH): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

const round = (x: number) => Math.round(x * 10000) / 10000;
const counts = (m: Metrics): Counts => ({
  positives: m.positives,
  negatives: m.negatives,
  truePositives: m.truePositives,
  falsePositives: m.falsePositives,
  recall: round(m.recall),
  falsePositiveRate: round(m.falsePositiveRate),
});
const mapCounts = (g: Record<string, Metrics>) =>
  Object.fromEntries(Object.entries(g).map(([k, m]) => [k, counts(m)]));

export function baselineOf(report: QualityReport, libraryVersion: string, sha256: string): Baseline {
  return {
    split: 'holdout',
    holdoutSha256: sha256,
    libraryVersion,
    writtenAt: new Date().toISOString(),
    overall: counts(report.overall),
    byLanguage: mapCounts(report.byLanguage),
    bySpecies: mapCounts(report.bySpecies),
    byObfuscation: mapCounts(report.byObfuscation),
  };
}

export function readBaseline(path = BASELINE_PATH): Baseline {
  return baselineSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export function writeBaseline(baseline: Baseline, path = BASELINE_PATH): void {
  writeFileSync(path, `${JSON.stringify(baseline, null, 2)}\n`);
}

export interface BaselineComparison {
  /** Losses beyond the tolerance: each one fails the check. */
  regressions: string[];
  /** Gains: refresh the baseline to keep them. */
  improvements: string[];
}

/** Compares a held-out report with the baseline; `sha256` is the checksum of the rows just measured. */
export function compareToBaseline(
  report: QualityReport,
  baseline: Baseline,
  sha256: string,
): BaselineComparison {
  const regressions: string[] = [];
  const improvements: string[] = [];
  if (sha256 !== baseline.holdoutSha256) {
    regressions.push(
      'holdout.jsonl changed since the baseline was written; measure and refresh it with `wild-sentinel keywords quality --write-baseline`',
    );
    return { regressions, improvements };
  }
  const check = (
    name: string,
    now: Metrics | undefined,
    then: Counts,
    missSlack: number,
    fpSlack: number,
  ) => {
    if (now === undefined) {
      regressions.push(`${name}: no longer measured`);
      return;
    }
    const lostTrue = then.truePositives - now.truePositives;
    const addedFalse = now.falsePositives - then.falsePositives;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    if (lostTrue > missSlack)
      regressions.push(
        `${name}: recall ${pct(now.recall)} < baseline ${pct(then.recall)} (${lostTrue} more missed, ${missSlack} allowed)`,
      );
    if (addedFalse > fpSlack)
      regressions.push(
        `${name}: FPR ${pct(now.falsePositiveRate)} > baseline ${pct(then.falsePositiveRate)} (${addedFalse} more flagged, ${fpSlack} allowed)`,
      );
    if (lostTrue < 0) improvements.push(`${name}: recall ${pct(then.recall)} -> ${pct(now.recall)}`);
    if (addedFalse < 0)
      improvements.push(`${name}: FPR ${pct(then.falsePositiveRate)} -> ${pct(now.falsePositiveRate)}`);
  };
  const share = (n: number) => Math.max(1, Math.floor(TOLERANCE.overallShare * n));
  check(
    'overall',
    report.overall,
    baseline.overall,
    share(baseline.overall.positives),
    share(baseline.overall.negatives),
  );
  const groups: [string, Record<string, Metrics>, Record<string, Counts>][] = [
    ['language', report.byLanguage, baseline.byLanguage],
    ['species', report.bySpecies, baseline.bySpecies],
    ['obfuscation', report.byObfuscation, baseline.byObfuscation],
  ];
  for (const [kind, now, then] of groups)
    for (const [key, counts] of Object.entries(then))
      check(`${kind} ${key}`, now[key], counts, TOLERANCE.groupListings, TOLERANCE.groupListings);
  return { regressions, improvements };
}
