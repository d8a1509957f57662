// The fast screening path: runs the in-process detectors on one listing and returns an explained decision.
import type { ListingInput, Verdict } from '../shared/listing.ts';
import { screenText, type TextEvidence } from './text/index.ts';

export interface Evidence extends Partial<TextEvidence> {
  detector: string;
  detail?: string;
}

export interface ScreeningDecision {
  verdict: Verdict;
  score: number;
  confidence: number;
  clause: string | null;
  explanation: string;
  species: string[];
  evidence: Evidence[];
}

export interface ScreeningContext {
  platformId: string;
}

export function screenListing(listing: ListingInput, _context: ScreeningContext): ScreeningDecision {
  const text = screenText(listing);
  const evidence: Evidence[] = text.evidence.map((e) => ({ detector: 'keywords', ...e }));
  const flagged = text.verdict !== 'allow';
  return {
    verdict: text.verdict,
    score: text.score,
    confidence: text.score,
    clause: flagged ? 'prohibited-wildlife-products' : null,
    explanation: flagged
      ? `Mentions ${text.species.join(', ')} products (${[...new Set(text.evidence.map((e) => e.term))].join(', ')}).`
      : 'No wildlife-trade signal found.',
    species: text.species,
    evidence,
  };
}
