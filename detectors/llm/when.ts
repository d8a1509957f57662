// Which listings go to LLM triage. Triage is slow and metered, so it runs off the fast path on listings
// that carry a risk signal (design.md, flow 1) and on every case; everything else is left alone.
import type { ScreeningDecision } from '../screen.ts';

export interface TriageCandidate {
  title: string;
  description?: string;
  category?: string;
  imageUrls?: readonly string[];
}

export interface TriageHints {
  /** The listing is already a case (flagged, or reported by a volunteer). */
  isCase?: boolean;
  /** The seller had listings removed or reported before. */
  sellerHasHistory?: boolean;
  /** Platform categories where wildlife products turn up (antiques, jewellery, pets, medicine…). */
  highRiskCategories?: readonly string[];
}

export type TriageReason =
  | 'case'
  | 'flagged'
  | 'weak-signal'
  | 'high-risk-category'
  | 'image-only'
  | 'seller-history';

/** Why a listing should be triaged, or null when it should not be. */
export function triageReason(
  listing: TriageCandidate,
  decision: ScreeningDecision,
  hints: TriageHints = {},
): TriageReason | null {
  if (hints.isCase) return 'case';
  if (decision.verdict !== 'allow') return 'flagged';
  if (decision.evidence.some((e) => e.kind !== 'commerce')) return 'weak-signal';
  const category = listing.category?.toLowerCase();
  if (category && hints.highRiskCategories?.some((c) => category.includes(c.toLowerCase()))) {
    return 'high-risk-category';
  }
  const words = `${listing.title} ${listing.description ?? ''}`.trim().split(/\s+/).length;
  if ((listing.imageUrls?.length ?? 0) > 0 && words <= 3) return 'image-only';
  if (hints.sellerHasHistory) return 'seller-history';
  return null;
}
