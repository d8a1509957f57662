// The bridge from text-detector hits to policy signals: kinds, product forms, and who gets the last word.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../detectors/policy/decide.ts';
import { textSignals } from '../../../detectors/policy/text-signals.ts';
import type { TextEvidence, TextScreenResult } from '../../../detectors/text/index.ts';

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
    expect(decide({ signals, platformId: 'p' }).verdict).toBe('allow');
  });

  it("keeps the text engine's flag: cues it already weighed cannot clear the listing again", () => {
    const signals = textSignals(
      result('review', 0.5, [
        hit('ivory', 'product', { species: 'elephant' }),
        hit('resin', 'negative', { negativeContext: 'imitation', start: 10, end: 15 }),
      ]),
    );
    const d = decide({ signals, platformId: 'p' });
    expect(d.verdict).toBe('review');
    expect(d.clause).toBe('cites-appendix-i');
  });
});
