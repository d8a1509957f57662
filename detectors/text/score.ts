// Scoring with context: wildlife terms are weighted by their false-positive risk, then combined with sale
// signals, legality wrappers and product-form cues, and weakened by lookalike, brand and news context.
// Weak evidence can reach review but never block: block needs a strong low-risk term plus a sale signal
// and no contrary context.

import type { Entry } from '../../keywords/schema.ts';
import type { Verdict } from '../../shared/listing.ts';
import type { CompiledLibrary } from './compile.ts';

export const REVIEW_THRESHOLD = 0.35;
export const BLOCK_THRESHOLD = 0.8;

const SALE_BONUS = 0.25;
const NO_SALE_FACTOR = 0.85;
const LEGALITY_BONUS = 0.1;
const FORM_BONUS = 0.1;
const NEGATIVE_PENALTY: Record<string, number> = {
  news: 0.55,
  imitation: 0.55,
  colour: 0.4,
  brand: 0.45,
  'legal-material': 0.35,
  plant: 0.45,
  food: 0.35,
  other: 0.35,
};

const CONTEXT_ONLY_FOR_WEAK = new Set(['colour', 'food', 'plant', 'legal-material']);

/** Weight of a positive term on its own, from its kind, strength and false-positive risk. */
export function entryWeight(entry: Entry, library: CompiledLibrary): number {
  if (entry.kind === 'species') {
    const live = entry.species !== undefined && library.species.get(entry.species)?.liveTrade === true;
    const byRisk = live ? { low: 0.4, medium: 0.3, high: 0.05 } : { low: 0.2, medium: 0.1, high: 0.05 };
    return byRisk[entry.fpRisk];
  }
  if (entry.fpRisk === 'high') return 0.2;
  if (entry.strength === 'strong') return entry.fpRisk === 'low' ? 0.75 : 0.6;
  return entry.fpRisk === 'low' ? 0.5 : 0.4;
}

export interface ScoredHit {
  entry: Entry;
  field: 'title' | 'description';
  start: number;
  end: number;
}

/** A product-form cue ("carving", "powder", "cub"): a product term with no species of its own. */
const isFormCue = (e: Entry): boolean => e.kind === 'product' && e.species === undefined;
export const isPositive = (e: Entry): boolean =>
  (e.kind === 'species' || e.kind === 'product' || e.kind === 'code' || e.kind === 'hashtag') &&
  !isFormCue(e);

export interface Decision {
  verdict: Verdict;
  score: number;
  species: string[];
}

export function decide(
  hits: readonly ScoredHit[],
  hasNumericSale: boolean,
  library: CompiledLibrary,
): Decision {
  const weights: number[] = [];
  const species = new Set<string>();
  let strong = false;
  let sale = hasNumericSale;
  let legality = false;
  let form = false;
  const negatives = new Map<string, Set<Entry>>(); // context -> distinct terms
  for (const { entry } of hits) {
    if (isPositive(entry)) {
      weights.push(entryWeight(entry, library));
      if (entry.species) species.add(entry.species);
      if (entry.strength === 'strong' && entry.fpRisk === 'low' && entry.kind !== 'species') strong = true;
    } else if (isFormCue(entry)) form = true;
    else if (entry.kind === 'sale') sale = true;
    else if (entry.kind === 'legality') legality = true;
    else if (entry.kind === 'negative') {
      const context = entry.negativeContext ?? 'other';
      negatives.set(context, (negatives.get(context) ?? new Set()).add(entry));
    }
  }
  if (weights.length === 0) return { verdict: 'allow', score: 0, species: [] };

  // The strongest term counts fully; further distinct terms corroborate with falling weight.
  weights.sort((a, b) => b - a);
  let score = 0;
  weights.forEach((w, i) => {
    score += w * (i === 0 ? 1 : i === 1 ? 0.35 : 0.15);
  });
  if (form) score += FORM_BONUS;
  if (legality) score += LEGALITY_BONUS;
  score = sale ? score + SALE_BONUS : score * NO_SALE_FACTOR;
  // Colour, food, plant and legal-material context explain away ambiguous terms, not a strong product term.
  let penalty = 0;
  // Several distinct terms of one context (police + seized + court) weigh more than one, up to double.
  for (const [context, terms] of negatives) {
    if (strong && CONTEXT_ONLY_FOR_WEAK.has(context)) continue;
    penalty += (NEGATIVE_PENALTY[context] ?? 0.35) * Math.min(2, 1 + 0.5 * (terms.size - 1));
  }
  score = Math.max(0, Math.min(1, score - Math.min(penalty, 0.8)));

  let verdict: Verdict = 'allow';
  if (score >= BLOCK_THRESHOLD && strong && sale && negatives.size === 0) verdict = 'block';
  else if (score >= REVIEW_THRESHOLD) verdict = 'review';
  return {
    verdict,
    score: Math.round(score * 1000) / 1000,
    species: verdict === 'allow' ? [] : [...species],
  };
}
