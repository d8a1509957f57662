// Statements of reasons for restrictive decisions, in the EU DSA Transparency Database's field structure
// (API field names and enumeration values), validated with zod and exportable as JSON batches.
import { z } from 'zod';
import { effectiveClauses, platformPolicy } from './decide.ts';
import { DSA_GROUNDS, EEA_COUNTRIES, type Policy, type Signal } from './schema.ts';

const yesNo = z.enum(['Yes', 'No']);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const dsaStatementSchema = z
  .object({
    decision_visibility: z
      .array(
        z.enum([
          'DECISION_VISIBILITY_CONTENT_REMOVED',
          'DECISION_VISIBILITY_CONTENT_DISABLED',
          'DECISION_VISIBILITY_CONTENT_DEMOTED',
          'DECISION_VISIBILITY_OTHER',
        ]),
      )
      .min(1),
    decision_ground: z.enum(DSA_GROUNDS),
    decision_ground_reference_url: z.url().optional(),
    illegal_content_legal_ground: z.string().min(1).max(500).optional(),
    illegal_content_explanation: z.string().min(1).max(2000).optional(),
    incompatible_content_ground: z.string().min(1).max(500).optional(),
    incompatible_content_explanation: z.string().min(1).max(2000).optional(),
    incompatible_content_illegal: yesNo.optional(),
    category: z.literal('STATEMENT_CATEGORY_ANIMAL_WELFARE'),
    category_specification: z.array(z.string().regex(/^KEYWORD_[A-Z_]+$/)).min(1),
    content_type: z.array(z.enum(['CONTENT_TYPE_PRODUCT', 'CONTENT_TYPE_TEXT', 'CONTENT_TYPE_IMAGE'])).min(1),
    content_language: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    content_date: day,
    application_date: day,
    territorial_scope: z.array(z.enum(EEA_COUNTRIES)).min(1),
    decision_facts: z.string().min(1).max(5000),
    source_type: z.enum([
      'SOURCE_ARTICLE_16',
      'SOURCE_TRUSTED_FLAGGER',
      'SOURCE_TYPE_OTHER_NOTIFICATION',
      'SOURCE_VOLUNTARY',
    ]),
    automated_detection: yesNo,
    automated_decision: z.enum([
      'AUTOMATED_DECISION_FULLY',
      'AUTOMATED_DECISION_PARTIALLY',
      'AUTOMATED_DECISION_NOT_AUTOMATED',
    ]),
    puid: z.string().min(1).max(500),
  })
  .refine(
    (s) =>
      s.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT'
        ? s.illegal_content_legal_ground !== undefined && s.illegal_content_explanation !== undefined
        : s.incompatible_content_ground !== undefined && s.incompatible_content_explanation !== undefined,
    { message: 'the fields of the decision ground are required' },
  );
export type DsaStatement = z.infer<typeof dsaStatementSchema>;

/** The decision fields a statement needs (a ScreeningDecision or PolicyDecision has them). */
export interface RestrictiveDecision {
  verdict: 'allow' | 'review' | 'block';
  clause: string | null;
  explanation: string;
  evidence: readonly Signal[];
}

export interface StatementInput {
  decision: RestrictiveDecision;
  platformId: string;
  listing: { externalId: string; language?: string; receivedAt: Date; imageUrls?: readonly string[] };
  /** When the restriction took effect. */
  appliedAt: Date;
  /** The action taken; required when the decision itself is not `block` (a reviewer approved a takedown). */
  action?: 'remove' | 'disable';
  /** Who decided: the engine alone, or a reviewer (with or without the engine's suggestion). */
  decidedBy: 'engine' | 'reviewer';
  source?: 'own-initiative' | 'volunteer-report' | 'trusted-flagger' | 'article-16-notice';
  /** Unique per statement; defaults to platform/listing/application time. */
  puid?: string;
}

const SOURCE_TYPES = {
  'own-initiative': 'SOURCE_VOLUNTARY',
  'volunteer-report': 'SOURCE_TYPE_OTHER_NOTIFICATION',
  'trusted-flagger': 'SOURCE_TRUSTED_FLAGGER',
  'article-16-notice': 'SOURCE_ARTICLE_16',
} as const;

const HUMAN_SOURCES = new Set(['report', 'volunteer', 'reviewer']);

function facts(decision: RestrictiveDecision): string {
  const lines = [decision.explanation];
  const seen = new Set<string>();
  for (const e of decision.evidence) {
    if (e.strength === 0) continue;
    const what = [
      e.kind,
      e.species,
      e.product,
      e.term ? `"${e.term}"` : undefined,
      e.field ? `in ${e.field}` : undefined,
    ]
      .filter(Boolean)
      .join(' ');
    const line = `- ${e.detector}: ${what}`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  return lines.join('\n').slice(0, 5000);
}

/** A statement for a restrictive decision, or null when the decision restricts nothing. */
export function statementOfReasons(input: StatementInput, policy: Policy): DsaStatement | null {
  const { decision } = input;
  if (decision.verdict !== 'block' && input.action === undefined) return null;
  if (decision.verdict === 'allow' || decision.clause === null) return null;
  const platform = platformPolicy(policy, input.platformId);
  const clause = effectiveClauses(policy, platform).find((c) => c.id === decision.clause);
  if (!clause) throw new Error(`clause ${decision.clause} is not in policy ${policy.version}`);
  const action = input.action ?? 'remove';
  const automatedDetection = decision.evidence.some((e) => !HUMAN_SOURCES.has(e.detector));
  const explanation = `${clause.text} ${decision.explanation}`.slice(0, 2000);
  const ground =
    clause.dsa.ground === 'DECISION_GROUND_ILLEGAL_CONTENT'
      ? {
          illegal_content_legal_ground: (clause.dsa.legalGround ?? clause.basis).slice(0, 500),
          illegal_content_explanation: explanation,
        }
      : {
          incompatible_content_ground:
            `${platform.name ?? input.platformId} terms, clause ${clause.id}: ${clause.title}`.slice(0, 500),
          incompatible_content_explanation: explanation,
          incompatible_content_illegal: clause.dsa.illegal ? ('Yes' as const) : ('No' as const),
        };
  const language = input.listing.language?.slice(0, 2).toUpperCase();
  return dsaStatementSchema.parse({
    decision_visibility: [
      action === 'remove' ? 'DECISION_VISIBILITY_CONTENT_REMOVED' : 'DECISION_VISIBILITY_CONTENT_DISABLED',
    ],
    decision_ground: clause.dsa.ground,
    ...(platform.termsUrl ? { decision_ground_reference_url: platform.termsUrl } : {}),
    ...ground,
    category: 'STATEMENT_CATEGORY_ANIMAL_WELFARE',
    category_specification: clause.dsa.keywords,
    content_type: [
      'CONTENT_TYPE_PRODUCT',
      'CONTENT_TYPE_TEXT',
      ...((input.listing.imageUrls?.length ?? 0) > 0 ? ['CONTENT_TYPE_IMAGE'] : []),
    ],
    ...(language && /^[A-Z]{2}$/.test(language) ? { content_language: language } : {}),
    content_date: input.listing.receivedAt.toISOString().slice(0, 10),
    application_date: input.appliedAt.toISOString().slice(0, 10),
    territorial_scope: platform.territorialScope,
    decision_facts: facts(decision),
    source_type: SOURCE_TYPES[input.source ?? 'own-initiative'],
    automated_detection: automatedDetection ? 'Yes' : 'No',
    automated_decision:
      input.decidedBy === 'engine'
        ? 'AUTOMATED_DECISION_FULLY'
        : automatedDetection
          ? 'AUTOMATED_DECISION_PARTIALLY'
          : 'AUTOMATED_DECISION_NOT_AUTOMATED',
    puid: (
      input.puid ?? `${input.platformId}/${input.listing.externalId}/${input.appliedAt.toISOString()}`
    ).slice(0, 500),
  });
}

/** Batches for the Transparency Database's multi-statement endpoint (at most 100 per call). */
export function submissionBatches(
  statements: readonly DsaStatement[],
  size = 100,
): { statements: DsaStatement[] }[] {
  const batches: { statements: DsaStatement[] }[] = [];
  for (let i = 0; i < statements.length; i += size)
    batches.push({ statements: statements.slice(i, i + size) });
  return batches;
}
