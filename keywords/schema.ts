// The keyword library's shape, validated with zod wherever a library enters the system: the data files in
// keywords/library/, a published version read back from the database, and an imported export file.
import { z } from 'zod';

export const TERM_KINDS = ['species', 'product', 'code', 'hashtag', 'sale', 'legality', 'negative'] as const;
export type TermKind = (typeof TERM_KINDS)[number];

export const PRODUCT_TYPES = [
  'raw',
  'carving',
  'jewellery',
  'powder',
  'medicine',
  'food',
  'wine',
  'skin',
  'live',
  'trophy',
  'amulet',
  'scales',
  'shell',
  'fin',
  'maw',
  'feather',
  'any',
] as const;

/** What a negative (lookalike) term points to; decides how it weakens nearby evidence. */
export const NEGATIVE_CONTEXTS = [
  'imitation',
  'colour',
  'brand',
  'news',
  'question',
  'legal-material',
  'plant',
  'food',
  'other',
] as const;

export const ENTRY_STATUSES = ['active', 'proposed', 'retired'] as const;

/** A BCP 47 language tag such as en, vi, zh-Hans, zh-Hant. */
export const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag like en or zh-Hant');
export const libraryVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+$/, 'must look like 1.2.0')
  .max(40);

const httpUrl = z.url({ protocol: /^https?$/ });

export const provenanceSchema = z
  .object({
    /** Where the term was seen or documented. */
    source: httpUrl.optional(),
    /** The reviewer or volunteer who added it (for terms proposed through Slack/Telegram/Discord). */
    addedBy: z.string().min(1).max(200).optional(),
    /** A translation that a native speaker has not confirmed yet. */
    needsNativeReview: z.boolean().default(false),
    reviewNote: z.string().min(1).max(500).optional(),
  })
  .refine((p) => p.source !== undefined || p.addedBy !== undefined || p.needsNativeReview, {
    message: 'an entry needs a source URL, the reviewer who added it, or needsNativeReview',
  })
  .refine((p) => !p.needsNativeReview || p.reviewNote !== undefined, {
    message: 'needsNativeReview needs a reviewNote saying what to check',
  });
export type Provenance = z.infer<typeof provenanceSchema>;

const noControl = (s: string) => !/[\u0000-\u001F\u007F]/.test(s);

export const entrySchema = z
  .object({
    term: z.string().min(1).max(200).refine(noControl, 'must not contain control characters'),
    language: languageTag,
    kind: z.enum(TERM_KINDS),
    species: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .optional(),
    productType: z.enum(PRODUCT_TYPES).optional(),
    negativeContext: z.enum(NEGATIVE_CONTEXTS).optional(),
    strength: z.enum(['strong', 'weak']),
    fpRisk: z.enum(['low', 'medium', 'high']),
    provenance: provenanceSchema,
    addedIn: libraryVersion,
    status: z.enum(ENTRY_STATUSES).default('active'),
    note: z.string().max(500).optional(),
  })
  .refine((e) => e.kind !== 'negative' || e.negativeContext !== undefined, {
    message: 'a negative term needs a negativeContext',
  });
export type Entry = z.infer<typeof entrySchema>;

export const speciesSchema = z.object({
  key: z.string().regex(/^[a-z0-9-]+$/),
  scientific: z.string().min(1),
  group: z.string().min(1),
  cites: z.enum(['I', 'II', 'III', 'I/II', 'not-listed']),
  citesNote: z.string().optional(),
  /** Common names by language; these also become species-name entries in the library. */
  names: z.record(languageTag, z.array(z.string().min(1)).min(1)),
  /** Names that are also everyday words ("perezoso" = lazy, "loro"): high false-positive risk. */
  riskyNames: z.array(z.string()).default([]),
  /** Mostly traded alive (pets): a name next to a sale signal is enough for review. */
  liveTrade: z.boolean().default(false),
  source: httpUrl,
  addedIn: libraryVersion.default('1.0.0'),
});
export type Species = z.infer<typeof speciesSchema>;

/** Localised text of the search-term educational pop-up. */
export const alertMessagesSchema = z.record(languageTag, z.object({ title: z.string(), body: z.string() }));

export const librarySchema = z
  .object({
    version: libraryVersion,
    species: z.array(speciesSchema).min(1),
    entries: z.array(entrySchema),
    alertMessages: alertMessagesSchema,
  })
  .superRefine((lib, ctx) => {
    const keys = new Set(lib.species.map((s) => s.key));
    const seen = new Set<string>();
    lib.entries.forEach((e, i) => {
      if (e.species !== undefined && !keys.has(e.species)) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i, 'species'],
          message: `unknown species "${e.species}"`,
        });
      }
      const id = entryId(e);
      if (seen.has(id))
        ctx.addIssue({ code: 'custom', path: ['entries', i], message: `duplicate entry ${id}` });
      seen.add(id);
    });
  });
export type Library = z.infer<typeof librarySchema>;

/** An entry's identity across versions: language, kind and the term as written (case-folded). */
export function entryId(e: Pick<Entry, 'language' | 'kind' | 'term'>): string {
  return `${e.language}|${e.kind}|${e.term.normalize('NFC').toLowerCase()}`;
}

// The authoring format of keywords/library/terms/*.yaml: groups sharing fields, expanded into entries.
const termOverride = z.object({
  term: z.string(),
  species: z.string().optional(),
  productType: z.enum(PRODUCT_TYPES).optional(),
  strength: z.enum(['strong', 'weak']).optional(),
  fpRisk: z.enum(['low', 'medium', 'high']).optional(),
  source: httpUrl.optional(),
  needsNativeReview: z.boolean().optional(),
  reviewNote: z.string().optional(),
  note: z.string().optional(),
  status: z.enum(ENTRY_STATUSES).optional(),
  addedIn: libraryVersion.optional(),
});

export const termGroupSchema = z.object({
  kind: z.enum(TERM_KINDS),
  species: z.string().optional(),
  productType: z.enum(PRODUCT_TYPES).optional(),
  negativeContext: z.enum(NEGATIVE_CONTEXTS).optional(),
  strength: z.enum(['strong', 'weak']),
  fpRisk: z.enum(['low', 'medium', 'high']),
  source: httpUrl.optional(),
  addedBy: z.string().optional(),
  needsNativeReview: z.boolean().optional(),
  reviewNote: z.string().optional(),
  note: z.string().optional(),
  addedIn: libraryVersion.optional(),
  terms: z.array(z.union([z.string(), termOverride])).min(1),
});

export const termFileSchema = z.object({
  language: languageTag,
  addedIn: libraryVersion,
  /** Provenance default for the file's groups, e.g. a note on how the translations were made. */
  reviewNote: z.string().optional(),
  groups: z.array(termGroupSchema).min(1),
});
export type TermFile = z.infer<typeof termFileSchema>;
