// The listing as platforms send it: validated at every boundary (API, CLI, bots) with this one schema.
import { z } from 'zod';

/** Longest title/description accepted; longer text is an error at the API, never silently cut. */
export const MAX_TEXT_LENGTH = 20_000;

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine(
      (s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s),
      'must not contain control characters',
    );

export const listingInputSchema = z.object({
  externalId: z.string().min(1).max(200),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  title: text(1000).min(1),
  description: text(MAX_TEXT_LENGTH).default(''),
  price: z.number().nonnegative().finite().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like USD')
    .optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag like en or zh-Hant')
    .optional(),
  seller: z.object({ id: z.string().min(1).max(200), name: text(200).optional() }).optional(),
  imageUrls: z
    .array(z.url({ protocol: /^https?$/ }))
    .max(20)
    .default([]),
  category: z.string().max(200).optional(),
});

export type ListingInput = z.infer<typeof listingInputSchema>;

export const VERDICTS = ['allow', 'review', 'block'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A verdict's severity, for "never lower" comparisons. */
export const verdictRank: Record<Verdict, number> = { allow: 0, review: 1, block: 2 };
