// Mining candidate terms: the G² score, the library's folding, stop-words, hashtags, minimum support,
// over-representation only, known terms skipped, one finding per word and the phrases around it.
import { describe, expect, it } from 'vitest';
import {
  logLikelihood,
  type MiningDoc,
  mineCandidates,
  miningLanguage,
  termKeys,
} from '../../../workflows/terms/mining.ts';

let id = 0;
const doc = (title: string, positive: boolean, extra: Partial<MiningDoc> = {}): MiningDoc => ({
  listingId: String(++id),
  title,
  description: '',
  language: 'en',
  positive,
  missed: false,
  reportIds: [],
  ...extra,
});
const none = () => false;

describe('logLikelihood', () => {
  it('is 0 without association and grows with it', () => {
    expect(logLikelihood(5, 5, 5, 5)).toBeCloseTo(0, 10);
    // A perfect split of 10 and 10: 2 · (10 ln 2 + 10 ln 2).
    expect(logLikelihood(10, 0, 0, 10)).toBeCloseTo(40 * Math.log(2), 10);
    expect(logLikelihood(6, 1, 0, 40)).toBeGreaterThan(logLikelihood(3, 1, 3, 40));
  });
});

describe('termKeys', () => {
  it('folds as the library folds: case, accents, spaced-out letters', () => {
    expect(termKeys('S.N.O.W.B.O.N.E bangle', 'en')).toContain('snowbone');
    expect(termKeys('Snowbone BANGLE', 'en')).toContain('snowbone bangle');
    expect(termKeys('Tête de mort', 'fr')).toContain('tete');
    // Vietnamese keeps its diacritics (a different word without them).
    expect(termKeys('Ngà voi thật', 'vi')).toContain('ngà voi');
  });

  it('reads hashtags, skips stop-words at the edges and never spans punctuation', () => {
    const keys = termKeys('The snowbone for sale. Call #SnowBone now', 'en');
    expect(keys).toContain('#snowbone');
    expect(keys).not.toContain('the');
    expect(keys).not.toContain('the snowbone');
    expect(keys).not.toContain('sale call');
    expect(keys).toContain('snowbone');
  });

  it('names the language a listing is counted under', () => {
    expect(miningLanguage('zh-Hans')).toBe('zh');
    expect(miningLanguage(null)).toBe('und');
    expect(miningLanguage('???')).toBe('und');
  });
});

describe('mineCandidates', () => {
  const corpus = (): MiningDoc[] => [
    doc('Snowbone bangle, ships from Lagos', true),
    doc('Carved snowbone pendant, Lagos', true),
    doc('Snowbone chopsticks', true, { missed: true, reportIds: ['7'] }),
    doc('#snowbone figurine', true, { missed: true, reportIds: ['9', '8'] }),
    doc('Rare stone pendant', true),
    ...Array.from({ length: 30 }, (_, i) => doc(`Leather bag ${i}, ships from Lagos`, false)),
    doc('Snowbone resin copy', false),
  ];

  it('finds the planted word with its counts, examples and the reports that held it', () => {
    const [top] = mineCandidates(corpus(), { minSupport: 3, limit: 5, isKnown: none });
    expect(top).toMatchObject({
      language: 'en',
      term: 'snowbone',
      form: 'ngram',
      positives: 4,
      missed: 2,
      negatives: 1,
      positiveDocs: 5,
      negativeDocs: 31,
      estimatedPrecision: 0.8,
      reportIds: ['7', '8', '9'],
    });
    expect(top!.score).toBeCloseTo(logLikelihood(4, 1, 1, 30), 1);
    expect(top!.examples).toHaveLength(3);
  });

  it('keeps one finding per word: not its hashtag or the phrases around it', () => {
    const terms = mineCandidates(corpus(), { minSupport: 1, limit: 10, isKnown: none }).map((c) => c.term);
    expect(terms).toContain('snowbone');
    expect(terms.filter((t) => t.includes('snowbone'))).toEqual(['snowbone']);
  });

  it('proposes only what is commoner among positives, with enough support', () => {
    const terms = mineCandidates(corpus(), { minSupport: 2, limit: 10, isKnown: none }).map((c) => c.term);
    expect(terms).not.toContain('lagos'); // 2 of 5 positives, 30 of 31 negatives
    expect(terms).toContain('pendant'); // 2 positives, no negative
    expect(
      mineCandidates(corpus(), { minSupport: 3, limit: 10, isKnown: none }).map((c) => c.term),
    ).not.toContain('pendant');
  });

  it('skips what the library already matches and respects the limit', () => {
    const known = (term: string) => term === 'snowbone';
    const found = mineCandidates(corpus(), { minSupport: 2, limit: 1, isKnown: known });
    expect(found).toHaveLength(1);
    expect(found[0]!.term).not.toBe('snowbone');
  });

  it('counts character n-grams in scripts without spaces, keeping the best-scoring one', () => {
    const keys = termKeys('出售雪骨手镯', 'zh');
    expect(keys).toContain('雪骨');
    expect(keys).toContain('出售雪骨手镯');
    const docs = [
      ...['雪骨手镯出售', '正品雪骨', '雪骨吊坠'].map((t) => doc(t, true, { language: 'zh' })),
      ...['玉石手镯出售', '木雕吊坠', '银手镯'].map((t) => doc(t, false, { language: 'zh' })),
    ];
    const found = mineCandidates(docs, { minSupport: 3, limit: 5, isKnown: none });
    expect(found.map((c) => c.term)).toEqual(['雪骨']);
  });

  it('counts each language apart', () => {
    const docs = [
      ...['Snowbone a', 'Snowbone b', 'Snowbone c'].map((t) => doc(t, true, { language: 'fr' })),
      ...['Snowbone d', 'Snowbone e'].map((t) => doc(t, true, { language: 'en' })),
    ];
    const found = mineCandidates(docs, { minSupport: 3, limit: 10, isKnown: none });
    expect(found.map((c) => [c.language, c.term])).toEqual([['fr', 'snowbone']]);
  });
});
