// Decision tables: every clause, exemption and platform override, driven by signals built here so the
// tests do not depend on which words the text engine knows.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../detectors/policy/decide.ts';
import { BASE_POLICY_INPUT, PLATFORM_PRESETS } from '../../../detectors/policy/framework.ts';
import {
  type PlatformPolicyInput,
  type Policy,
  policySchema,
  type Signal,
} from '../../../detectors/policy/schema.ts';
import { FIXTURE_SPECIES } from './species-fixture.ts';

const sig = (kind: Signal['kind'], extra: Partial<Signal> = {}): Signal => ({
  detector: 'keywords',
  kind,
  strength: 0.9,
  ...extra,
});

function policyWith(platforms: Record<string, PlatformPolicyInput>): Policy {
  return policySchema.parse({ ...BASE_POLICY_INPUT, species: FIXTURE_SPECIES, platforms });
}

const AUTO: PlatformPolicyInput = { autoBlock: { enabled: true, minConfidence: 0.5 } };
const policy = policyWith({
  auto: AUTO,
  clear: PLATFORM_PRESETS['auto-block-clear-cases'],
  meta: PLATFORM_PRESETS['no-live-animals-unless-verified-vendor'],
  etsy: {
    ...PLATFORM_PRESETS['ivory-no-antique-exemption'],
    autoBlock: { enabled: true, minConfidence: 0.5 },
  },
  strict: { ...AUTO, overrides: { 'ivory-any-species': { exemptions: { declaredImitation: 'cap' } } } },
  lax: { ...AUTO, overrides: { 'ivory-any-species': { exemptions: { declaredImitation: 'ignore' } } } },
  'no-app-iii': { overrides: { 'cites-appendix-iii': { enabled: false } } },
  'block-app-iii': { ...AUTO, overrides: { 'cites-appendix-iii': { verdict: 'block' } } },
  fossils: {
    ...AUTO,
    additionalClauses: [
      {
        id: 'no-fossil-animal-parts',
        title: 'Fossil animal parts',
        text: 'Fossil bones and teeth of extinct animals may not be offered.',
        basis: 'Platform policy',
        rule: { type: 'species', species: ['mammoth'] },
        verdict: 'block',
        priority: 70,
        dsa: {
          ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
          illegal: false,
          keywords: ['KEYWORD_UNLAWFUL_SALE_ANIMALS'],
        },
      },
    ],
  },
});

interface Row {
  name: string;
  platform: string;
  signals: Signal[];
  verifiedVendor?: boolean;
  verdict: 'allow' | 'review' | 'block';
  clause: string | null;
  limits?: string[];
  exemption?: 'declared-imitation';
}

const tiger = (kind: Signal['kind'] = 'product') =>
  sig(kind, { species: 'tiger', product: kind === 'product' ? 'bone' : undefined, term: 'tiger bone' });
const ivory = (species?: string) =>
  sig('product', { product: 'ivory', term: 'ivory', ...(species ? { species } : {}) });

const rows: Row[] = [
  { name: 'nothing found', platform: 'default', signals: [], verdict: 'allow', clause: null },
  {
    name: 'only a sale cue',
    platform: 'auto',
    signals: [sig('commerce', { term: 'DM me' })],
    verdict: 'allow',
    clause: null,
  },
  // CITES Appendix I
  {
    name: 'App I part, no auto-block consent',
    platform: 'default',
    signals: [tiger()],
    verdict: 'review',
    clause: 'cites-appendix-i',
    limits: ['auto-block-off'],
  },
  {
    name: 'App I part, platform consents',
    platform: 'auto',
    signals: [tiger()],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  {
    name: 'App I via code word',
    platform: 'auto',
    signals: [sig('code-word', { species: 'pangolin', product: 'scale', term: 'armour flakes' })],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  {
    name: 'App I via image bank match',
    platform: 'auto',
    signals: [sig('image-match', { species: 'rhinoceros', product: 'horn', detector: 'pdq' })],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  {
    name: 'App I species name plus a loose product word',
    platform: 'auto',
    signals: [
      sig('species', { species: 'Panthera tigris' }),
      sig('product', { product: 'skin', term: 'rug' }),
    ],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  {
    name: 'App I with permit claim: permits do not help',
    platform: 'auto',
    signals: [tiger(), sig('permit', { term: 'CITES certificate' })],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  {
    name: 'App I with antique claim goes to review',
    platform: 'auto',
    signals: [tiger(), sig('antique', { term: 'pre-1947' })],
    verdict: 'review',
    clause: 'cites-appendix-i',
    limits: ['antique-claim'],
  },
  {
    name: 'live App I animal outranks the live clause',
    platform: 'auto',
    signals: [sig('live', { species: 'slow-loris', term: 'baby loris' })],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  // auto-block gate
  {
    name: 'below the platform threshold',
    platform: 'auto',
    signals: [sig('product', { species: 'tiger', product: 'bone', strength: 0.3 })],
    verdict: 'review',
    clause: 'cites-appendix-i',
    limits: ['auto-block-confidence'],
  },
  {
    name: 'auto-block limited to other clauses',
    platform: 'clear',
    signals: [sig('product', { species: 'tortoise', product: 'shell' })],
    verdict: 'review',
    clause: 'cites-appendix-ii-without-permit',
    limits: ['auto-block-clause'],
  },
  {
    name: 'auto-block preset blocks clear App I',
    platform: 'clear',
    signals: [tiger()],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  // Ivory of any species
  {
    name: 'mammoth ivory is still ivory',
    platform: 'auto',
    signals: [ivory('mammoth')],
    verdict: 'block',
    clause: 'ivory-any-species',
  },
  {
    name: 'ivory without a species',
    platform: 'auto',
    signals: [ivory()],
    verdict: 'block',
    clause: 'ivory-any-species',
  },
  {
    name: 'antique ivory goes to review',
    platform: 'auto',
    signals: [ivory(), sig('antique', { term: 'antique' })],
    verdict: 'review',
    clause: 'ivory-any-species',
    limits: ['antique-claim'],
  },
  {
    name: 'ivory-of-every-age platform ignores antique claims',
    platform: 'etsy',
    signals: [ivory(), sig('antique', { term: 'antique' })],
    verdict: 'block',
    clause: 'ivory-any-species',
  },
  {
    name: 'ivory-of-every-age platform ignores papers for elephant ivory',
    platform: 'etsy',
    signals: [ivory('elephant'), sig('antique', { term: 'pre-ban' })],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  // Declared imitation
  {
    name: 'declared imitation clears ivory',
    platform: 'auto',
    signals: [ivory(), sig('imitation', { term: 'resin' })],
    verdict: 'allow',
    clause: 'ivory-any-species',
    exemption: 'declared-imitation',
  },
  {
    name: 'declared imitation clears faux tiger skin',
    platform: 'auto',
    signals: [sig('product', { species: 'tiger', product: 'skin' }), sig('imitation', { term: 'faux' })],
    verdict: 'allow',
    clause: 'cites-appendix-i',
    exemption: 'declared-imitation',
  },
  {
    name: 'imitation claim contradicted by a genuine claim',
    platform: 'auto',
    signals: [ivory(), sig('imitation', { term: 'resin' }), sig('authenticity', { term: 'genuine' })],
    verdict: 'review',
    clause: 'ivory-any-species',
    limits: ['imitation-contested'],
  },
  {
    name: 'imitation claim contradicted by an image match',
    platform: 'auto',
    signals: [
      ivory(),
      sig('imitation', { term: 'bone' }),
      sig('image-match', { product: 'ivory', detector: 'pdq' }),
    ],
    verdict: 'review',
    clause: 'ivory-any-species',
    limits: ['imitation-contested'],
  },
  {
    name: 'platform wants imitation claims reviewed',
    platform: 'strict',
    signals: [ivory(), sig('imitation', { term: 'resin' })],
    verdict: 'review',
    clause: 'ivory-any-species',
    limits: ['imitation-claim'],
  },
  {
    name: 'platform ignores imitation claims',
    platform: 'lax',
    signals: [ivory(), sig('imitation', { term: 'resin' })],
    verdict: 'block',
    clause: 'ivory-any-species',
  },
  // Live wild animals
  {
    name: 'live App II primate',
    platform: 'auto',
    signals: [sig('live', { species: 'primate', term: 'baby monkey' })],
    verdict: 'block',
    clause: 'live-wild-animals',
  },
  {
    name: 'live species name plus loose live cue',
    platform: 'auto',
    signals: [sig('species', { species: 'otter' }), sig('live', { term: 'pups' })],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  {
    name: 'live animal of unknown species: wild-only policy sends to review',
    platform: 'auto',
    signals: [sig('live', { term: 'puppies' })],
    verdict: 'review',
    clause: 'unresolved-wildlife-signal',
  },
  {
    name: 'live animal on no-live-animals platform',
    platform: 'meta',
    signals: [sig('live', { term: 'puppies' })],
    verdict: 'review',
    clause: 'live-wild-animals',
    limits: ['auto-block-off'],
  },
  {
    name: 'verified vendor may sell live animals there',
    platform: 'meta',
    verifiedVendor: true,
    signals: [sig('live', { term: 'puppies' })],
    verdict: 'allow',
    clause: null,
  },
  {
    name: 'verified vendor still may not sell App I animals',
    platform: 'meta',
    verifiedVendor: true,
    signals: [sig('live', { species: 'tiger', term: 'tiger cub' })],
    verdict: 'review',
    clause: 'cites-appendix-i',
    limits: ['auto-block-off'],
  },
  {
    name: 'live permit claim goes to review',
    platform: 'auto',
    signals: [sig('live', { species: 'primate' }), sig('permit', { term: 'with papers' })],
    verdict: 'review',
    clause: 'live-wild-animals',
    limits: ['permit-claim'],
  },
  // Framework high-risk groups
  {
    name: 'shark fin (App II, high-risk group)',
    platform: 'auto',
    signals: [sig('product', { species: 'shark', product: 'fin' })],
    verdict: 'block',
    clause: 'framework-high-risk-groups',
  },
  {
    name: 'lion bone (App II, big cats)',
    platform: 'auto',
    signals: [sig('product', { species: 'lion', product: 'bone' })],
    verdict: 'block',
    clause: 'framework-high-risk-groups',
  },
  // Appendix II without permit
  {
    name: 'App II product without permit',
    platform: 'auto',
    signals: [sig('product', { species: 'tortoise', product: 'shell' })],
    verdict: 'block',
    clause: 'cites-appendix-ii-without-permit',
  },
  {
    name: 'App II product with permit claim',
    platform: 'auto',
    signals: [
      sig('product', { species: 'tortoise', product: 'shell' }),
      sig('permit', { term: 'CITES permit' }),
    ],
    verdict: 'review',
    clause: 'cites-appendix-ii-without-permit',
    limits: ['permit-claim'],
  },
  // Appendix III
  {
    name: 'App III product',
    platform: 'auto',
    signals: [sig('product', { species: 'walrus', product: 'skin' })],
    verdict: 'review',
    clause: 'cites-appendix-iii',
  },
  {
    name: 'App III clause disabled: unresolved',
    platform: 'no-app-iii',
    signals: [sig('product', { species: 'walrus', product: 'skin' })],
    verdict: 'review',
    clause: 'unresolved-wildlife-signal',
  },
  {
    name: 'App III clause raised to block',
    platform: 'block-app-iii',
    signals: [sig('product', { species: 'walrus', product: 'skin' })],
    verdict: 'block',
    clause: 'cites-appendix-iii',
  },
  // Platform additions
  {
    name: 'fossil bone without addition: unresolved',
    platform: 'auto',
    signals: [sig('product', { species: 'mammoth', product: 'bone' })],
    verdict: 'review',
    clause: 'unresolved-wildlife-signal',
  },
  {
    name: 'fossil bone with platform addition',
    platform: 'fossils',
    signals: [sig('product', { species: 'mammoth', product: 'bone' })],
    verdict: 'block',
    clause: 'no-fossil-animal-parts',
  },
  // Unresolved
  {
    name: 'bare species mention',
    platform: 'auto',
    signals: [sig('species', { species: 'tiger', term: 'tiger' })],
    verdict: 'review',
    clause: 'unresolved-wildlife-signal',
  },
  {
    name: 'unknown species with product',
    platform: 'auto',
    signals: [sig('product', { species: 'dodo', product: 'bone' })],
    verdict: 'review',
    clause: 'unresolved-wildlife-signal',
  },
  {
    name: 'model flag alone',
    platform: 'auto',
    signals: [sig('model-flag', { detector: 'llm' })],
    verdict: 'review',
    clause: 'unresolved-wildlife-signal',
    limits: ['model-only'],
  },
  // Context and lookalikes
  {
    name: 'news context caps a block',
    platform: 'auto',
    signals: [tiger(), sig('news', { term: 'seized' })],
    verdict: 'review',
    clause: 'cites-appendix-i',
    limits: ['news-context'],
  },
  {
    name: 'lookalike covering the hit',
    platform: 'auto',
    signals: [
      { ...ivory('elephant'), field: 'title', start: 0, end: 5 },
      sig('lookalike', { term: 'ivory dress', field: 'title', start: 0, end: 11 }),
    ],
    verdict: 'allow',
    clause: null,
  },
  {
    name: 'lookalike elsewhere leaves the hit',
    platform: 'auto',
    signals: [
      { ...ivory('elephant'), field: 'title', start: 20, end: 25 },
      sig('lookalike', { term: 'ivory dress', field: 'title', start: 0, end: 11 }),
    ],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  {
    name: 'lookalike cannot explain away an image match',
    platform: 'auto',
    signals: [
      sig('image-match', { species: 'elephant', product: 'ivory', field: 'title', start: 0, end: 5 }),
      sig('lookalike', { field: 'title', start: 0, end: 11 }),
    ],
    verdict: 'block',
    clause: 'cites-appendix-i',
  },
  {
    name: 'signals below minimum strength are ignored',
    platform: 'auto',
    signals: [{ ...tiger(), strength: 0.1 }],
    verdict: 'allow',
    clause: null,
  },
];

describe('decision table', () => {
  it.each(rows)('$name', (row) => {
    const d = decide(
      { signals: row.signals, platformId: row.platform, verifiedVendor: row.verifiedVendor },
      policy,
    );
    expect({ verdict: d.verdict, clause: d.clause }).toEqual({ verdict: row.verdict, clause: row.clause });
    expect(d.limits).toEqual(row.limits ?? []);
    expect(d.exemption).toBe(row.exemption ?? null);
    if (d.verdict !== 'allow') {
      expect(d.evidence.length).toBeGreaterThan(0);
      expect(d.explanation).toMatch(/\w/);
    }
    expect(d.policyVersion).toBe('1.0.0');
  });

  it('covers every base clause', () => {
    const covered = new Set(rows.map((r) => r.clause));
    for (const c of BASE_POLICY_INPUT.clauses) expect(covered, c.id).toContain(c.id);
  });
});

describe('decision details', () => {
  it('combines independent evidence into a higher confidence, with the sale cue as support', () => {
    const one = decide({ signals: [{ ...tiger(), strength: 0.6 }], platformId: 'x' }, policy);
    const two = decide(
      {
        signals: [{ ...tiger(), strength: 0.6 }, sig('commerce', { term: 'DM for price', strength: 0.5 })],
        platformId: 'x',
      },
      policy,
    );
    expect(one.confidence).toBeCloseTo(0.6);
    expect(two.confidence).toBeCloseTo(0.8);
    expect(two.evidence.map((e) => e.kind)).toEqual(['product', 'commerce']);
  });

  it('keeps the prescribed verdict when the platform gate lowers it', () => {
    const d = decide({ signals: [tiger()], platformId: 'default' }, policy);
    expect(d).toMatchObject({ verdict: 'review', prescribed: 'block', species: ['tiger'] });
    expect(d.matches.map((m) => m.clause)).toEqual(['cites-appendix-i', 'framework-high-risk-groups']);
  });

  it('explains in the requested language and names the evidence', () => {
    const en = decide({ signals: [tiger()], platformId: 'default' }, policy);
    expect(en.explanation).toContain('tiger bone');
    expect(en.explanation).toContain('does not allow automatic blocking');
    const fr = decide({ signals: [tiger()], platformId: 'default', locale: 'fr' }, policy);
    expect(fr.explanation).toContain("n'autorise pas le blocage automatique");
    expect(fr.explanation).toMatch(/^Espèces de l'Annexe I de la CITES/);
    const es = decide(
      { signals: [ivory(), sig('imitation', { term: 'resina' })], platformId: 'auto', locale: 'es' },
      policy,
    );
    expect(es.explanation).toMatch(/^Permitido/);
  });

  it('rejects malformed signals at the boundary', () => {
    expect(() => decide({ signals: [{ ...tiger(), strength: 3 }], platformId: 'x' }, policy)).toThrow();
    expect(() =>
      decide({ signals: [{ ...tiger(), kind: 'rumour' as Signal['kind'] }], platformId: 'x' }, policy),
    ).toThrow();
  });
});

describe('policy validation', () => {
  it('rejects duplicate clause ids, overrides of unknown clauses and unknown species', () => {
    const dup = {
      ...BASE_POLICY_INPUT,
      clauses: [...BASE_POLICY_INPUT.clauses, BASE_POLICY_INPUT.clauses[0]!],
    };
    expect(policySchema.safeParse(dup).success).toBe(false);
    const badOverride = {
      ...BASE_POLICY_INPUT,
      platforms: { p: { overrides: { 'no-such-clause': { enabled: false } } } },
    };
    expect(policySchema.safeParse(badOverride).error?.issues[0]?.message).toContain('no-such-clause');
    const badSpecies = {
      ...BASE_POLICY_INPUT,
      platforms: {
        p: {
          additionalClauses: [
            {
              ...BASE_POLICY_INPUT.clauses[0]!,
              id: 'extra',
              rule: { type: 'species', species: ['unicorn'] },
            },
          ],
        },
      },
    };
    expect(policySchema.safeParse(badSpecies).error?.issues[0]?.message).toContain('unicorn');
  });

  it('accepts the base policy and every preset', () => {
    expect(() => policyWith(PLATFORM_PRESETS)).not.toThrow();
  });
});
