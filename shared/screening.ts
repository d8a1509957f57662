// Domain types of screening that every layer reads: the signals detectors report (stored as a case's
// evidence) and the explained decision the policy engine makes from them. The engine lives in detectors/;
// the shapes live here, so database access can store them without depending on the engine.
import { z } from 'zod';
import type { Verdict } from './listing.ts';

/**
 * species     a species or taxon is named
 * product     a part or derivative (ivory, horn, skin, scale, fin, …), with or without a species
 * code-word   a known trade euphemism; implies both species and product
 * live        a live animal is offered
 * image-match a photo matched a bank of known wildlife-product images
 * commerce    a sale cue (price, "DM to buy", "for sale")
 * imitation   an imitation material is stated (resin, tagua, faux, bakelite…)
 * authenticity a claim that the item is genuine; contests an imitation claim
 * antique     an antique, pre-ban or pre-Convention claim
 * permit      a claim of CITES or other permits
 * lookalike   a legitimate homonym or colour use ("ivory dress", "Tiger Balm"); neutralises what it covers
 * news        news, education or awareness context rather than trade
 * model-flag  a model's overall judgement that the listing is suspicious, without a more specific signal
 */
export const SIGNAL_KINDS = [
  'species',
  'product',
  'code-word',
  'live',
  'image-match',
  'commerce',
  'imitation',
  'authenticity',
  'antique',
  'permit',
  'lookalike',
  'news',
  'model-flag',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export const PRODUCT_FORMS = [
  'ivory',
  'horn',
  'skin',
  'bone',
  'scale',
  'fin',
  'shell',
  'tooth-claw',
  'feather',
  'meat',
  'medicine',
  'other',
] as const;
export type ProductForm = (typeof PRODUCT_FORMS)[number];

export const signalSchema = z.object({
  detector: z.string().min(1).max(50),
  kind: z.enum(SIGNAL_KINDS),
  /** How strongly the detector believes this signal, 0..1. */
  strength: z.number().min(0).max(1),
  species: z.string().min(1).max(200).optional(),
  product: z.enum(PRODUCT_FORMS).optional(),
  term: z.string().max(500).optional(),
  /** The keyword library entry that matched ("language|kind|term"), for term performance. */
  entry: z.string().max(800).optional(),
  field: z.string().max(50).optional(),
  start: z.number().int().nonnegative().optional(),
  end: z.number().int().nonnegative().optional(),
  detail: z.string().max(2000).optional(),
});
export type Signal = z.infer<typeof signalSchema>;

/** One piece of evidence: a detector's signal, as the policy engine read it. */
export type Evidence = Signal;

/** Why a verdict is below what its clause prescribes. */
export type LimitReason =
  | 'antique-claim'
  | 'permit-claim'
  | 'imitation-claim'
  | 'imitation-contested'
  | 'news-context'
  | 'auto-block-off'
  | 'auto-block-confidence'
  | 'auto-block-clause'
  | 'model-only';

/** An exemption that cleared a clause (an allow that still names the clause). */
export type Exemption = 'declared-imitation' | null;

export interface TriageNote {
  status: 'ok' | 'cached' | 'skipped' | 'failed';
  model?: string;
  reason?: string;
  /** The model's rationale, shown to reviewers as the model's opinion, never as a fact. */
  rationale?: string;
}

export interface ScreeningDecision {
  verdict: Verdict;
  score: number;
  confidence: number;
  clause: string | null;
  explanation: string;
  species: string[];
  evidence: Evidence[];
  /** What the clause prescribes before seller claims and the platform's auto-block gate. */
  prescribed?: Verdict;
  limits?: LimitReason[];
  exemption?: Exemption;
  policyVersion?: string;
  platformId?: string;
  /** Present once LLM triage has looked at the listing. */
  triage?: TriageNote;
}
