// Training the learned scorer: labelled listings (JSON lines, each with who wrote it and from what) go
// through the first stage exactly as screening runs it; those with a wildlife term become feature
// vectors, and an L2-regularised logistic regression is fitted to them by full-batch gradient descent.
// Deterministic: no sampling, rows in file order, features in name order, so the same rows give the same
// model byte for byte. Evidence features are kept at weight ≥ 0 (features.ts: context is local).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { CompiledLibrary } from './compile.ts';
import { extractFeatures, type Features, isEvidenceFeature } from './features.ts';
import { listingSignals, screenWith } from './index.ts';
import { type DevRow, evaluate, type Metrics, type QualityReport } from './quality.ts';
import { decide } from './score.ts';
import { parseScorerModel, type ScorerModel } from './scorer-model.ts';

export const labelledRowSchema = z.object({
  id: z.string().min(1).max(200),
  language: z.string().min(2).max(20),
  label: z.enum(['illicit', 'legit']),
  title: z.string().max(1000),
  description: z.string().max(20_000).default(''),
  /** Who wrote or labelled the row, and from what: provenance for every row. */
  source: z.string().min(1).max(500),
  hardNegative: z.boolean().default(false),
});
export type LabelledRow = z.infer<typeof labelledRowSchema>;

export class TrainingDataError extends Error {
  override name = 'TrainingDataError';
}

/** Reads labelled rows; the first bad line stops it with `file:line: field: problem`. */
export function parseLabelledRows(text: string, where: string, requireSource = true): LabelledRow[] {
  const schema = requireSource
    ? labelledRowSchema
    : labelledRowSchema.extend({ source: z.string().default('') });
  const rows: LabelledRow[] = [];
  const ids = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new TrainingDataError(`${where}:${i + 1}: not a JSON object`);
    }
    const r = schema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new TrainingDataError(`${where}:${i + 1}: ${issue.path.join('.') || 'row'}: ${issue.message}`);
    }
    if (ids.has(r.data.id)) throw new TrainingDataError(`${where}:${i + 1}: id ${r.data.id} appears twice`);
    ids.add(r.data.id);
    rows.push(r.data);
  }
  return rows;
}

export function readLabelledRows(path: string): LabelledRow[] {
  return parseLabelledRows(readFileSync(path, 'utf8'), path);
}

/** A held-out split to evaluate on: labelled rows, `source` optional (the dev-set and holdout format). */
export function readEvaluationRows(path: string): DevRow[] {
  return parseLabelledRows(readFileSync(path, 'utf8'), path, false).map(toDevRow);
}

export interface TrainOptions {
  version: string;
  /** L2 penalty on the weights (not the bias). */
  l2?: number;
  iterations?: number;
  learningRate?: number;
  /** A neighbouring word becomes a feature when it is next to a term in at least this many rows. */
  minWordRows?: number;
  maxVocabulary?: number;
  /** Fixed threshold; by default the highest that keeps cross-validated recall at `targetRecall`. */
  reviewThreshold?: number;
  targetRecall?: number;
  now?: Date;
}

export const TRAINING_DEFAULTS = {
  l2: 0.01,
  iterations: 3000,
  learningRate: 1,
  minWordRows: 3,
  maxVocabulary: 300,
  targetRecall: 0.95,
  folds: 5,
} as const;

const THRESHOLDS = [0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2];

// Function words say nothing about a sale; left out of the learned vocabulary.
const STOP_WORDS = new Set(
  'the and for with from this that are was has have not its very one all any our your you new old les des une pour avec del los las con por para que uma com dos das der die das und mit ein eine yang dan untuk dengan'.split(
    ' ',
  ),
);

interface Example {
  features: Features;
  label: 0 | 1;
  weight: number;
}

/**
 * Fits a model to the rows that reach the scorer. Its review threshold is the highest at which the
 * model, trained on four fifths of the rows, still finds `targetRecall` of the illicit rows in the fifth
 * it did not see (folds by row position, so the choice is deterministic too).
 */
export function trainScorer(
  rows: readonly LabelledRow[],
  library: CompiledLibrary,
  options: TrainOptions,
): ScorerModel {
  const o = { ...TRAINING_DEFAULTS, ...options };
  let threshold = options.reviewThreshold;
  if (threshold === undefined) {
    const predictions: { p: number; illicit: boolean }[] = [];
    for (let k = 0; k < o.folds; k++) {
      const train = rows.filter((_, i) => i % o.folds !== k);
      const test = rows.filter((_, i) => i % o.folds === k);
      const model = fitScorer(train, library, { ...o, reviewThreshold: 0.5 });
      for (const r of test) {
        const result = screenWith(library, { title: r.title, description: r.description }, undefined, model);
        // Listings the model did not weigh keep the rules' verdict: count them as certain either way.
        const p = result.scorer?.probability ?? (result.verdict === 'allow' ? 0 : 1);
        predictions.push({ p, illicit: r.label === 'illicit' });
      }
    }
    const positives = predictions.filter((x) => x.illicit).length;
    threshold =
      THRESHOLDS.find(
        (t) => predictions.filter((x) => x.illicit && x.p >= t).length >= o.targetRecall * positives,
      ) ?? THRESHOLDS[THRESHOLDS.length - 1]!;
  }
  const model = fitScorer(rows, library, { ...o, reviewThreshold: threshold });
  const inSample = evaluateScorer(library, model, rows.map(toDevRow)).overall;
  return { ...model, trainingMetrics: pick(inSample) };
}

function fitScorer(
  rows: readonly LabelledRow[],
  library: CompiledLibrary,
  o: Required<Omit<TrainOptions, 'now'>> & { now?: Date },
): ScorerModel {
  const scored: { row: LabelledRow; features: Features; neighbours: string[] }[] = [];
  for (const row of rows) {
    const signals = listingSignals(library, { title: row.title, description: row.description });
    if (!signals) continue;
    const rules = decide(signals.hits, signals.price || signals.phone, library, signals.texts);
    const { features, neighbours, evidence } = extractFeatures(signals, library, rules.score);
    if (evidence === 0) continue; // screening does not ask the model about these either
    scored.push({ row, features, neighbours });
  }
  // The learned vocabulary: neighbouring words seen next to a term in enough rows.
  const wordRows = new Map<string, number>();
  for (const s of scored) {
    for (const w of new Set(s.neighbours)) {
      if (!STOP_WORDS.has(w)) wordRows.set(w, (wordRows.get(w) ?? 0) + 1);
    }
  }
  const vocabulary = [...wordRows]
    .filter(([, n]) => n >= o.minWordRows)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, o.maxVocabulary)
    .map(([w]) => w);
  const vocab = new Set(vocabulary);
  const positives = scored.filter((s) => s.row.label === 'illicit').length;
  const negatives = scored.length - positives;
  // Each class weighs half of the total, so the probability reads against even odds whatever the mix.
  const examples: Example[] = scored.map((s) => {
    const features = new Map(s.features);
    for (const w of s.neighbours) if (vocab.has(w)) features.set(`near:${w}`, 1);
    const label = s.row.label === 'illicit' ? 1 : 0;
    const weight = scored.length / (2 * Math.max(1, label ? positives : negatives));
    return { features, label, weight } as Example;
  });

  const names = [...new Set(examples.flatMap((e) => [...e.features.keys()]))].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  const evidence = names.map(isEvidenceFeature);
  const rowsX = examples.map((e) => [...e.features].map(([n, v]) => [index.get(n)!, v] as const));
  const w = new Float64Array(names.length);
  let b = 0;
  const n = Math.max(1, examples.length);
  const grad = new Float64Array(names.length);
  for (let it = 0; it < o.iterations; it++) {
    grad.fill(0);
    let gb = 0;
    for (let i = 0; i < examples.length; i++) {
      let z = b;
      for (const [j, v] of rowsX[i]!) z += w[j]! * v;
      const err = (1 / (1 + Math.exp(-z)) - examples[i]!.label) * examples[i]!.weight;
      gb += err;
      for (const [j, v] of rowsX[i]!) grad[j]! += err * v;
    }
    b -= (o.learningRate * gb) / n;
    for (let j = 0; j < w.length; j++) {
      let next = w[j]! - o.learningRate * (grad[j]! / n + o.l2 * w[j]!);
      if (evidence[j] && next < 0) next = 0; // projected: evidence only adds
      w[j] = next;
    }
  }
  const weights: Record<string, number> = {};
  names.forEach((name, j) => {
    const v = Math.round(w[j]! * 10_000) / 10_000;
    if (v !== 0 || !isEvidenceFeature(name)) weights[name] = v;
  });
  const sources: Record<string, number> = {};
  for (const r of rows) {
    const key = sourceKind(r.source);
    sources[key] = (sources[key] ?? 0) + 1;
  }
  const model = parseScorerModel({
    format: 'wild-sentinel/scorer-model',
    formatVersion: 1,
    version: o.version,
    trainedAt: (o.now ?? new Date()).toISOString(),
    bias: Math.round(b * 10_000) / 10_000,
    weights,
    reviewThreshold: o.reviewThreshold,
    training: {
      rows: rows.length,
      scored: scored.length,
      sources,
      l2: o.l2,
      iterations: o.iterations,
    },
  });
  return model;
}

/** "review:alice" → "review", "helper-scorer (domain.md §2.2)" → "helper-scorer". */
function sourceKind(source: string): string {
  return source.split(/[:(, ]/, 1)[0]!.trim() || 'unknown';
}

export function toDevRow(r: LabelledRow): DevRow {
  return {
    id: r.id,
    language: r.language,
    label: r.label,
    hardNegative: r.hardNegative,
    title: r.title,
    description: r.description,
  };
}

/** Quality of a model (or of the rules alone, with null) on labelled rows, per language. */
export function evaluateScorer(
  library: CompiledLibrary,
  model: ScorerModel | null,
  rows: readonly DevRow[],
): QualityReport {
  return evaluate(rows, (r) =>
    screenWith(library, { title: r.title, description: r.description }, undefined, model),
  );
}

export function pick(m: Metrics) {
  return {
    listings: m.listings,
    positives: m.positives,
    recall: round(m.recall),
    falsePositiveRate: round(m.falsePositiveRate),
    precision: round(m.precision),
  };
}
const round = (x: number) => Math.round(x * 10_000) / 10_000;
