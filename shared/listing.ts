// The listing as platforms send it: validated at every boundary (API, CLI, bots) with this one schema.
import { z } from 'zod';
import { safeString, safeText, safeUrl } from './text.ts';

/** Longest title/description accepted; longer text is an error at the API, never silently cut. */
export const MAX_TEXT_LENGTH = 20_000;

export const listingInputSchema = z.object({
  externalId: safeString().min(1).max(200),
  url: safeUrl({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  title: safeText().max(1000).min(1),
  description: safeText().max(MAX_TEXT_LENGTH).default(''),
  price: z.number().nonnegative().finite().optional(),
  currency: safeString()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like USD')
    .optional(),
  language: safeString()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag like en or zh-Hant')
    .optional(),
  seller: z.object({ id: safeString().min(1).max(200), name: safeText().max(200).optional() }).optional(),
  imageUrls: z
    .array(safeUrl({ protocol: /^https?$/ }))
    .max(20)
    .default([]),
  category: safeString().max(200).optional(),
});

export type ListingInput = z.infer<typeof listingInputSchema>;

export const VERDICTS = ['allow', 'review', 'block'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A verdict's severity, for "never lower" comparisons. */
export const verdictRank: Record<Verdict, number> = { allow: 0, review: 1, block: 2 };
