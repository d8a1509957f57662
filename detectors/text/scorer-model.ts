// The learned scorer: a logistic regression over the named features of features.ts. The automaton stays
// the first stage; only listings with a wildlife term reach this. A model is plain JSON (weights by
// feature name), validated on load, so a stored or shipped model that does not read is refused whole.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type Features, featureLabel, isEvidenceFeature } from './features.ts';

export const DEFAULT_MODEL_PATH = fileURLToPath(
  new URL('../../keywords/training/default-model.json', import.meta.url),
);

const metricsSchema = z.object({
  listings: z.number().int().nonnegative(),
  positives: z.number().int().nonnegative(),
  recall: z.number().min(0).max(1),
  falsePositiveRate: z.number().min(0).max(1),
  precision: z.number().min(0).max(1),
});

export const scorerModelSchema = z
  .object({
    format: z.literal('wild-sentinel/scorer-model'),
    formatVersion: z.literal(1),
    /** A name for this model: the shipped default's, or the version it is stored under. */
    version: z.string().min(1).max(100),
    trainedAt: z.string().datetime(),
    bias: z.number().finite(),
    weights: z.record(z.string().min(1).max(200), z.number().finite()),
    /** Probability at or above which a listing goes to review. */
    reviewThreshold: z.number().gt(0).lt(1),
    training: z.object({
      rows: z.number().int().nonnegative(),
      /** Rows that reached the scorer (held a wildlife term): the ones it learned from. */
      scored: z.number().int().nonnegative(),
      sources: z.record(z.string(), z.number().int().nonnegative()),
      l2: z.number().nonnegative(),
      iterations: z.number().int().positive(),
    }),
    /** Quality on the training rows themselves (in-sample), for reference only. */
    trainingMetrics: metricsSchema.optional(),
  })
  .superRefine((m, ctx) => {
    for (const [name, w] of Object.entries(m.weights)) {
      if (isEvidenceFeature(name) && w < 0)
        ctx.addIssue({
          code: 'custom',
          path: ['weights'],
          message: `evidence feature ${name} has a negative weight`,
        });
    }
  });
export type ScorerModel = z.infer<typeof scorerModelSchema>;

export class ScorerModelError extends Error {
  override name = 'ScorerModelError';
}

/** Parses a model, with one line saying what is wrong when it does not read. */
export function parseScorerModel(value: unknown, where = 'model'): ScorerModel {
  const r = scorerModelSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ScorerModelError(`${where}: ${issue.path.join('.') || 'model'}: ${issue.message}`);
  }
  return r.data;
}

export function readScorerModel(path: string): ScorerModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as { code?: string }).code) throw err;
    throw new ScorerModelError(`${path}: not JSON (${(err as Error).message})`);
  }
  return parseScorerModel(json, path);
}

export interface Contribution {
  feature: string;
  label: string;
  /** weight × value: what this feature added to (or took from) the log-odds. */
  weight: number;
}

export interface ScorerOpinion {
  model: string;
  probability: number;
  verdict: 'allow' | 'review';
  /** The features that weighed most, largest first. */
  top: Contribution[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
export const TOP_FEATURES = 4;

export function logit(model: ScorerModel, features: Features): number {
  let z = model.bias;
  for (const [name, value] of features) z += (model.weights[name] ?? 0) * value;
  return z;
}

export function predict(model: ScorerModel, features: Features): ScorerOpinion {
  const probability = sigmoid(logit(model, features));
  const top: Contribution[] = [];
  for (const [feature, value] of features) {
    const weight = (model.weights[feature] ?? 0) * value;
    if (weight !== 0)
      top.push({ feature, label: featureLabel(feature), weight: Math.round(weight * 100) / 100 });
  }
  top.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.feature < b.feature ? -1 : 1));
  return {
    model: model.version,
    probability: Math.round(probability * 1000) / 1000,
    verdict: probability >= model.reviewThreshold ? 'review' : 'allow',
    top: top.slice(0, TOP_FEATURES),
  };
}

/** One line for a reviewer: the model, its probability and the features that weighed most. */
export function describeOpinion(o: ScorerOpinion): string {
  const parts = o.top.map((c) => `${c.label} ${c.weight > 0 ? '+' : '−'}${Math.abs(c.weight).toFixed(2)}`);
  return `Scorer ${o.model}: ${Math.round(o.probability * 100)}% likely a sale${parts.length ? ` (${parts.join('; ')})` : ''}.`;
}

// ---- The active model of this process --------------------------------------------------------------

// null: no model, the rules alone decide. A deployment activates a model (wild-sentinel model activate,
// or the weekly retraining's gate); model-reload.ts brings every process the active one.
let active: ScorerModel | null = null;

/** The model screening uses in this process, or null for the rules alone. */
export function getActiveModel(): ScorerModel | null {
  return active;
}

/** Swaps the model in with one assignment (null: the rules alone); calls in flight finish on the old one. */
export function setActiveModel(model: ScorerModel | null): void {
  active = model;
}

/** The shipped default model (keywords/training/default-model.json), or null when the build has none. */
export function defaultModel(): ScorerModel | null {
  return existsSync(DEFAULT_MODEL_PATH) ? readScorerModel(DEFAULT_MODEL_PATH) : null;
}
