// Which listings are worth a model call.
import { describe, expect, it } from 'vitest';
import { triageReason } from '../../../detectors/llm/when.ts';
import type { ScreeningDecision } from '../../../detectors/screen.ts';

const allow: ScreeningDecision = {
  verdict: 'allow',
  score: 0,
  confidence: 1,
  clause: null,
  explanation: 'No wildlife-trade signal found.',
  species: [],
  evidence: [],
};
const plain = { title: 'Blue cotton summer dress', description: 'Size M' };

describe('triageReason', () => {
  it('leaves a clean listing alone', () => {
    expect(triageReason(plain, allow)).toBeNull();
    expect(
      triageReason(plain, { ...allow, evidence: [{ detector: 'keywords', kind: 'commerce', strength: 0 }] }),
    ).toBeNull();
  });

  it('triages cases, flagged listings and weak signals the rules let through', () => {
    expect(triageReason(plain, allow, { isCase: true })).toBe('case');
    expect(triageReason(plain, { ...allow, verdict: 'review' })).toBe('flagged');
    const weak = {
      ...allow,
      evidence: [{ detector: 'keywords', kind: 'species' as const, strength: 0, term: 'tiger' }],
    };
    expect(triageReason(plain, weak)).toBe('weak-signal');
  });

  it('triages high-risk categories, image-only listings and sellers with history', () => {
    expect(
      triageReason({ ...plain, category: 'Antiques > Asian' }, allow, { highRiskCategories: ['antiques'] }),
    ).toBe('high-risk-category');
    expect(triageReason({ title: 'DM me', imageUrls: ['https://img.example/1.jpg'] }, allow)).toBe(
      'image-only',
    );
    expect(triageReason(plain, allow, { sellerHasHistory: true })).toBe('seller-history');
  });
});
