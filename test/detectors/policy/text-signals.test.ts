// The bridge from text-detector hits to policy signals: kinds, product forms, and who gets the last word.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../detectors/policy/decide.ts';
import { BASE_POLICY_INPUT } from '../../../detectors/policy/framework.ts';
import { policySchema } from '../../../detectors/policy/schema.ts';
import { textSignals } from '../../../detectors/policy/text-signals.ts';
import type { TextEvidence, TextScreenResult } from '../../../detectors/text/index.ts';
import { FIXTURE_SPECIES } from './species-fixture.ts';

const policy = policySchema.parse({ ...BASE_POLICY_INPUT, species: FIXTURE_SPECIES });

const hit = (term: string, kind: string, extra: Partial<TextEvidence> & Record<string, unknown> = {}) => ({
  term,
  kind,
  field: 'title' as const,
  start: 0,
  end: term.length,
  ...extra,
});
const result = (verdict: TextScreenResult['verdict'], score: number, evidence: TextEvidence[]) => ({
  verdict,
  score,
  species: [],
  evidence,
});

describe('textSignals', () => {
  it('maps the library kinds and reads the product form from the term', () => {
    const signals = textSignals(
      result('review', 0.7, [
        hit('rhino horn', 'product', { species: 'rhinoceros' }),
        hit('xiang ya', 'code', { species: 'elephant' }),
        hit('dm to buy', 'sale'),
        hit('cites permit', 'legality'),
        hit('pre-ban', 'legality'),
        hit('resin', 'negative', { negativeContext: 'imitation' }),
        hit('ivory white', 'negative', { negativeContext: 'colour' }),
        hit('slow loris', 'species', { species: 'slow-loris', productType: 'live' }),
      ]),
    );
    expect(signals.map((s) => [s.kind, s.product])).toEqual([
      ['product', 'horn'],
      ['code-word', 'other'],
      ['commerce', undefined],
      ['permit', undefined],
      ['antique', undefined],
      ['imitation', undefined],
      ['lookalike', undefined],
      ['live', undefined],
    ]);
  });

  it("keeps the text engine's allow: its hits are evidence but decide nothing", () => {
    const signals = textSignals(result('allow', 0.1, [hit('ivory', 'product', { species: 'elephant' })]));
    expect(signals[0]!.strength).toBe(0);
    expect(decide({ signals, platformId: 'p' }, policy).verdict).toBe('allow');
  });

  it("keeps the text engine's flag: cues it already weighed cannot clear the listing again", () => {
    const signals = textSignals(
      result('review', 0.5, [
        hit('ivory', 'product', { species: 'elephant' }),
        hit('resin', 'negative', { negativeContext: 'imitation', start: 10, end: 15 }),
      ]),
    );
    const d = decide({ signals, platformId: 'p' }, policy);
    expect(d.verdict).toBe('review');
    expect(d.clause).toBe('cites-appendix-i');
  });
});

describe('the species table from the keyword library', () => {
  it('converts every library row into a valid policy species row', async () => {
    const { librarySpecies } = await import('../../../detectors/policy/species-source.ts');
    const rows = librarySpecies();
    expect(() => policySchema.parse({ ...BASE_POLICY_INPUT, species: rows })).not.toThrow();
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it('reads split listings as Appendix II and marks ivory-bearing animals', async () => {
    const { speciesFromLibrary } = await import('../../../detectors/policy/species-source.ts');
    const [split, narwhal] = speciesFromLibrary([
      {
        key: 'x-elephant',
        scientific: 'X',
        group: 'Elephants',
        cites: 'I/II',
        names: { en: ['x'] },
        riskyNames: [],
        liveTrade: false,
        source: 'https://example.org',
        addedIn: '1.0.0',
      },
      {
        key: 'narwhal',
        scientific: 'Monodon monoceros',
        group: 'marine mammals',
        cites: 'II',
        names: {},
        riskyNames: [],
        liveTrade: false,
        source: 'https://example.org',
        addedIn: '1.0.0',
      },
    ]);
    expect(split).toMatchObject({ appendix: 'II', group: 'elephants', ivory: true });
    expect(narwhal).toMatchObject({
      appendix: 'II',
      group: 'marine-mammals',
      ivory: true,
      names: ['narwhal'],
    });
  });
});
