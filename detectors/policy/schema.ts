// Policy as data: the shapes of the species table, the clauses, per-platform overrides and the detector
// signals the decision function reads. Everything that enters the engine is parsed with these schemas.
import { z } from 'zod';
import { VERDICTS } from '../../shared/listing.ts';

export const APPENDICES = ['I', 'II', 'III'] as const;
export type Appendix = (typeof APPENDICES)[number];

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lowercase slug');

export const speciesEntrySchema = z.object({
  id: slug,
  names: z.array(z.string().min(1).max(100)).min(1),
  scientific: z.array(z.string().min(1).max(100)).default([]),
  group: slug,
  /** CITES appendix; null when the taxon is not listed (e.g. mammoth). */
  appendix: z.enum(APPENDICES).nullable(),
  /** Whether the animal's teeth or tusks are traded as ivory. */
  ivory: z.boolean().default(false),
  note: z.string().max(500).optional(),
  /** False where the row rests on background knowledge not yet checked against Species+. */
  verified: z.boolean(),
});
export type SpeciesEntry = z.input<typeof speciesEntrySchema>;
export type Species = z.output<typeof speciesEntrySchema>;

// ---- Signals: what detectors tell the engine (domain types, defined in shared/) --------------------

import {
  PRODUCT_FORMS,
  type ProductForm,
  SIGNAL_KINDS,
  type Signal,
  type SignalKind,
  signalSchema,
} from '../../shared/screening.ts';

export { PRODUCT_FORMS, type ProductForm, SIGNAL_KINDS, type Signal, type SignalKind, signalSchema };

// ---- Clauses ---------------------------------------------------------------------------------------

/** The closed set of conditions a clause can state; parameters are data. */
export const ruleSchema = z.discriminatedUnion('type', [
  /** A traded (product, code word, image match or live) species on one of these appendices. */
  z.object({ type: z.literal('cites'), appendices: z.array(z.enum(APPENDICES)).min(1) }),
  /** Any of these product forms, whatever the species. */
  z.object({ type: z.literal('product-form'), forms: z.array(z.enum(PRODUCT_FORMS)).min(1) }),
  /** A traded species of one of these framework groups, or one of these species. */
  z.object({
    type: z.literal('species-group'),
    groups: z.array(slug).min(1),
    species: z.array(slug).default([]),
  }),
  /** A traded species from this list (platform additions). */
  z.object({ type: z.literal('species'), species: z.array(slug).min(1) }),
  /** Live animals: of wild (tabled) species, of any species, or of any species unless a verified vendor. */
  z.object({
    type: z.literal('live-animals'),
    scope: z.enum(['wild-species', 'all', 'all-unless-verified-vendor']),
  }),
  /** A wildlife signal no other clause resolved (unknown species, a bare mention, a model flag). */
  z.object({ type: z.literal('unresolved') }),
]);
export type Rule = z.infer<typeof ruleSchema>;

/** How a seller's claim changes a clause: `cap` caps the verdict at review, `ignore` disregards it. */
const claimHandling = z.enum(['cap', 'ignore']);

export const DSA_GROUNDS = [
  'DECISION_GROUND_ILLEGAL_CONTENT',
  'DECISION_GROUND_INCOMPATIBLE_CONTENT',
] as const;

export const clauseSchema = z.object({
  id: slug,
  title: z.string().min(1).max(200),
  /** The policy wording a seller is shown. */
  text: z.string().min(1).max(2000),
  /** The title in other languages, by locale (en is `title`). */
  titles: z.record(z.string().regex(/^[a-z]{2}$/), z.string().min(1).max(200)).default({}),
  /** Where the clause comes from (framework section, CITES, platform policy). */
  basis: z.string().min(1).max(500),
  rule: ruleSchema,
  /** The verdict the clause prescribes; `block` still needs the platform's auto-block consent. */
  verdict: z.enum(['review', 'block']),
  /** Higher wins when two clauses prescribe the same verdict. */
  priority: z.number().int(),
  exemptions: z
    .object({
      /** A stated imitation material: `allow` clears the clause, `cap` sends it to review, `ignore`. */
      declaredImitation: z.enum(['allow', 'cap', 'ignore']).default('allow'),
      antiqueClaim: claimHandling.default('cap'),
      permitClaim: claimHandling.default('ignore'),
    })
    .prefault({}),
  dsa: z.object({
    ground: z.enum(DSA_GROUNDS),
    /** The law relied on, for DECISION_GROUND_ILLEGAL_CONTENT. */
    legalGround: z.string().max(500).optional(),
    /** Whether the content is also considered illegal (the `incompatible_content_illegal` field). */
    illegal: z.boolean(),
    keywords: z.array(z.string().regex(/^KEYWORD_[A-Z_]+$/)).min(1),
  }),
});
export type ClauseInput = z.input<typeof clauseSchema>;
export type Clause = z.output<typeof clauseSchema>;

// ---- Platforms -------------------------------------------------------------------------------------

export const clauseOverrideSchema = z.object({
  enabled: z.boolean().optional(),
  verdict: z.enum(['review', 'block']).optional(),
  rule: ruleSchema.optional(),
  exemptions: z
    .object({
      declaredImitation: z.enum(['allow', 'cap', 'ignore']).optional(),
      antiqueClaim: claimHandling.optional(),
      permitClaim: claimHandling.optional(),
    })
    .optional(),
});
export type ClauseOverride = z.infer<typeof clauseOverrideSchema>;

export const EEA_COUNTRIES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
] as const;

export const platformPolicySchema = z.object({
  name: z.string().max(200).optional(),
  /** The platform's terms, cited as the contractual ground in statements of reasons. */
  termsUrl: z.url({ protocol: /^https?$/ }).optional(),
  territorialScope: z
    .array(z.enum(EEA_COUNTRIES))
    .min(1)
    .default([...EEA_COUNTRIES]),
  /** Automatic blocking, only where the platform consents and above its stated confidence. */
  autoBlock: z
    .object({
      enabled: z.boolean(),
      minConfidence: z.number().min(0).max(1),
      /** Restrict automatic blocking to these clauses; every blocking clause when absent. */
      clauses: z.array(slug).optional(),
    })
    .default({ enabled: false, minConfidence: 1 }),
  overrides: z.record(slug, clauseOverrideSchema).default({}),
  additionalClauses: z.array(clauseSchema).default([]),
});
export type PlatformPolicyInput = z.input<typeof platformPolicySchema>;
export type PlatformPolicy = z.output<typeof platformPolicySchema>;

// ---- The whole policy ------------------------------------------------------------------------------

export const policySchema = z
  .object({
    version: z.string().regex(/^[0-9A-Za-z.+-]{1,64}$/),
    framework: z.string().min(1).max(200),
    /** Signals weaker than this are kept as context but never decide anything. */
    minStrength: z.number().min(0).max(1).default(0.2),
    species: z.array(speciesEntrySchema).min(1),
    clauses: z.array(clauseSchema).min(1),
    /** Applies to platforms without their own entry. */
    defaults: platformPolicySchema.prefault({}),
    platforms: z.record(slug, platformPolicySchema).default({}),
  })
  .superRefine((policy, ctx) => {
    const ids = new Set<string>();
    for (const c of policy.clauses) {
      if (ids.has(c.id)) ctx.addIssue({ code: 'custom', message: `duplicate clause id ${c.id}` });
      ids.add(c.id);
    }
    for (const [platformId, p] of [
      ['defaults', policy.defaults] as const,
      ...Object.entries(policy.platforms),
    ]) {
      const local = new Set(ids);
      for (const c of p.additionalClauses) {
        if (local.has(c.id))
          ctx.addIssue({ code: 'custom', message: `${platformId} repeats clause id ${c.id}` });
        local.add(c.id);
      }
    }
    const all = [
      ...policy.clauses,
      ...Object.values(policy.platforms).flatMap((p) => p.additionalClauses),
      ...policy.defaults.additionalClauses,
    ];
    const known = new Set(all.map((c) => c.id));
    const speciesIds = new Set<string>();
    for (const s of policy.species) {
      if (speciesIds.has(s.id)) ctx.addIssue({ code: 'custom', message: `duplicate species id ${s.id}` });
      speciesIds.add(s.id);
    }
    for (const c of all) {
      if (c.rule.type === 'species') {
        for (const s of c.rule.species)
          if (!speciesIds.has(s))
            ctx.addIssue({ code: 'custom', message: `clause ${c.id} names unknown species ${s}` });
      }
    }
    for (const [platformId, p] of [
      ['defaults', policy.defaults] as const,
      ...Object.entries(policy.platforms),
    ]) {
      for (const id of Object.keys(p.overrides))
        if (!known.has(id))
          ctx.addIssue({ code: 'custom', message: `${platformId} overrides unknown clause ${id}` });
      for (const id of p.autoBlock.clauses ?? [])
        if (!known.has(id))
          ctx.addIssue({ code: 'custom', message: `${platformId} auto-blocks unknown clause ${id}` });
    }
  });
export type PolicyInput = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema>;

export const verdictSchema = z.enum(VERDICTS);
