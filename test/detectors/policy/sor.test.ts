// Statements of reasons in the DSA Transparency Database's field structure.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../detectors/policy/decide.ts';
import { BASE_POLICY_INPUT } from '../../../detectors/policy/framework.ts';
import { policySchema, type Signal } from '../../../detectors/policy/schema.ts';
import { dsaStatementSchema, statementOfReasons, submissionBatches } from '../../../detectors/policy/sor.ts';
import { FIXTURE_SPECIES } from './species-fixture.ts';

const policy = policySchema.parse({
  ...BASE_POLICY_INPUT,
  species: FIXTURE_SPECIES,
  platforms: {
    market: {
      name: 'Market',
      termsUrl: 'https://market.example/terms',
      territorialScope: ['FR', 'DE'],
      autoBlock: { enabled: true, minConfidence: 0.5 },
    },
  },
});
const tigerBone: Signal = {
  detector: 'keywords',
  kind: 'product',
  strength: 0.9,
  species: 'tiger',
  product: 'bone',
  term: 'tiger bone',
  field: 'title',
  start: 0,
  end: 10,
};
const listing = {
  externalId: 'L-1',
  language: 'fr-FR',
  receivedAt: new Date('2026-03-01T10:00:00Z'),
  imageUrls: ['https://img.example/1.jpg'],
};
const appliedAt = new Date('2026-03-02T08:30:00Z');

describe('statementOfReasons', () => {
  it('fills an automatic block with the animal-welfare category and the clause as contractual ground', () => {
    const decision = decide({ signals: [tigerBone], platformId: 'market' }, policy);
    expect(decision.verdict).toBe('block');
    const s = statementOfReasons(
      { decision, platformId: 'market', listing, appliedAt, decidedBy: 'engine' },
      policy,
    )!;
    expect(s).toMatchObject({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      decision_ground_reference_url: 'https://market.example/terms',
      incompatible_content_illegal: 'Yes',
      category: 'STATEMENT_CATEGORY_ANIMAL_WELFARE',
      category_specification: ['KEYWORD_UNLAWFUL_SALE_ANIMALS'],
      content_type: ['CONTENT_TYPE_PRODUCT', 'CONTENT_TYPE_TEXT', 'CONTENT_TYPE_IMAGE'],
      content_language: 'FR',
      content_date: '2026-03-01',
      application_date: '2026-03-02',
      territorial_scope: ['FR', 'DE'],
      source_type: 'SOURCE_VOLUNTARY',
      automated_detection: 'Yes',
      automated_decision: 'AUTOMATED_DECISION_FULLY',
      puid: 'market/L-1/2026-03-02T08:30:00.000Z',
    });
    expect(s.incompatible_content_ground).toContain('cites-appendix-i');
    expect(s.decision_facts).toContain('keywords: product tiger bone "tiger bone" in title');
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('writes none for allow, nor for review until a reviewer acts', () => {
    const allow = decide({ signals: [], platformId: 'market' }, policy);
    expect(
      statementOfReasons(
        { decision: allow, platformId: 'market', listing, appliedAt, decidedBy: 'engine' },
        policy,
      ),
    ).toBeNull();
    const review = decide({ signals: [tigerBone], platformId: 'elsewhere' }, policy);
    expect(review.verdict).toBe('review');
    expect(
      statementOfReasons(
        { decision: review, platformId: 'elsewhere', listing, appliedAt, decidedBy: 'reviewer' },
        policy,
      ),
    ).toBeNull();
    const approved = statementOfReasons(
      {
        decision: review,
        platformId: 'elsewhere',
        listing,
        appliedAt,
        decidedBy: 'reviewer',
        action: 'disable',
        source: 'volunteer-report',
      },
      policy,
    )!;
    expect(approved).toMatchObject({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_DISABLED'],
      automated_decision: 'AUTOMATED_DECISION_PARTIALLY',
      source_type: 'SOURCE_TYPE_OTHER_NOTIFICATION',
      incompatible_content_ground:
        'elsewhere terms, clause cites-appendix-i: CITES Appendix I species, their parts and derivatives',
    });
    expect(approved.territorial_scope).toHaveLength(30);
    expect(approved).not.toHaveProperty('decision_ground_reference_url');
  });

  it('marks a decision from a human report alone as not automated', () => {
    const report: Signal = {
      detector: 'report',
      kind: 'product',
      strength: 0.8,
      species: 'pangolin',
      product: 'scale',
    };
    const decision = decide({ signals: [report], platformId: 'x' }, policy);
    const s = statementOfReasons(
      { decision, platformId: 'x', listing, appliedAt, decidedBy: 'reviewer', action: 'remove' },
      policy,
    )!;
    expect(s).toMatchObject({
      automated_detection: 'No',
      automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
    });
  });

  it('rejects a statement missing its ground fields, and batches at most 100 per call', () => {
    const decision = decide({ signals: [tigerBone], platformId: 'market' }, policy);
    const s = statementOfReasons(
      { decision, platformId: 'market', listing, appliedAt, decidedBy: 'engine' },
      policy,
    )!;
    const { incompatible_content_ground: _dropped, ...broken } = s;
    expect(dsaStatementSchema.safeParse(broken).success).toBe(false);
    const batches = submissionBatches(Array.from({ length: 250 }, (_, i) => ({ ...s, puid: `p${i}` })));
    expect(batches.map((b) => b.statements.length)).toEqual([100, 100, 50]);
  });

  it('refuses a decision whose clause the policy does not know', () => {
    const decision = { verdict: 'block' as const, clause: 'made-up', explanation: 'x', evidence: [] };
    expect(() =>
      statementOfReasons({ decision, platformId: 'market', listing, appliedAt, decidedBy: 'engine' }, policy),
    ).toThrow(/made-up/);
  });
});
