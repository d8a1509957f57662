// The fast screening path: runs the in-process detectors on one listing, then the policy engine, and
// returns an explained decision. Every verdict comes from the policy engine with its clause and evidence.
import type { ListingInput, Verdict } from '../shared/listing.ts';
import { decide, type PolicyDecision } from './policy/decide.ts';
import { BASE_POLICY } from './policy/framework.ts';
import type { LimitReason } from './policy/messages.ts';
import type { Policy, Signal } from './policy/schema.ts';
import { textSignals } from './policy/text-signals.ts';
import { screenText, type TextScreenResult } from './text/index.ts';

/** One piece of evidence: a detector's signal, as the policy engine read it. */
export type Evidence = Signal;

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
  exemption?: PolicyDecision['exemption'];
  policyVersion?: string;
  platformId?: string;
  /** Present once LLM triage has looked at the listing. */
  triage?: TriageNote;
}

export interface TriageNote {
  status: 'ok' | 'cached' | 'skipped' | 'failed';
  model?: string;
  reason?: string;
  /** The model's rationale, shown to reviewers as the model's opinion, never as a fact. */
  rationale?: string;
}

export interface ScreeningContext {
  platformId: string;
  verifiedVendor?: boolean;
  locale?: string;
  /** Extra signals from detectors that ran before (image hashes, OCR, volunteer reports). */
  signals?: readonly Signal[];
}

export function toScreeningDecision(d: PolicyDecision): ScreeningDecision {
  return {
    verdict: d.verdict,
    score: d.score,
    confidence: d.confidence,
    clause: d.clause,
    explanation: d.explanation,
    species: d.species,
    evidence: d.evidence,
    prescribed: d.prescribed,
    limits: d.limits,
    exemption: d.exemption,
    policyVersion: d.policyVersion,
    platformId: d.platformId,
  };
}

/** Decides on a text-detector result already computed (the batch scan path). */
export function decideFromText(
  text: TextScreenResult,
  context: ScreeningContext,
  policy: Policy = BASE_POLICY,
): ScreeningDecision {
  const signals = [...textSignals(text), ...(context.signals ?? [])];
  return toScreeningDecision(
    decide(
      {
        signals,
        platformId: context.platformId,
        verifiedVendor: context.verifiedVendor,
        locale: context.locale,
      },
      policy,
    ),
  );
}

export function screenListing(
  listing: ListingInput,
  context: ScreeningContext,
  policy: Policy = BASE_POLICY,
): ScreeningDecision {
  return decideFromText(screenText(listing), context, policy);
}
