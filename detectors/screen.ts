// The fast screening path: runs the in-process detectors on one listing, then the policy engine, and
// returns an explained decision. Every verdict comes from the policy engine with its clause and evidence.
import type { ListingInput } from '../shared/listing.ts';
import type { ScreeningDecision } from '../shared/screening.ts';
import { decideValidated, type PolicyDecision, signalsSchema } from './policy/decide.ts';
import { BASE_POLICY } from './policy/framework.ts';
import type { Policy, Signal } from './policy/schema.ts';
import { textSignals } from './policy/text-signals.ts';
import { screenText, type TextScreenResult } from './text/index.ts';
import { describeOpinion } from './text/scorer-model.ts';

export type { Evidence, ScreeningDecision, TriageNote } from '../shared/screening.ts';

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
  // The text engine's signals are built here and valid by construction; other detectors' are checked.
  const extra = context.signals?.length ? signalsSchema.parse(context.signals) : [];
  const signals = [...textSignals(text), ...extra];
  const decision = toScreeningDecision(
    decideValidated(
      {
        signals,
        platformId: context.platformId,
        verifiedVendor: context.verifiedVendor,
        locale: context.locale,
      },
      policy,
    ),
  );
  // The scorer's opinion and the features that weighed most, for the reviewer reading the decision.
  if (text.scorer) decision.explanation = `${decision.explanation} ${describeOpinion(text.scorer)}`;
  return decision;
}

export function screenListing(
  listing: ListingInput,
  context: ScreeningContext,
  policy: Policy = BASE_POLICY,
): ScreeningDecision {
  return decideFromText(screenText(listing), context, policy);
}
