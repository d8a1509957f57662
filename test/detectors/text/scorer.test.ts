// The learned scorer (detectors/text/scorer-model.ts, train.ts): training is deterministic and validated,
// the shipped model reads, it adds what the rules miss (plain "ivory" next to an object noun, auction
// phrasing) while colour uses stay allowed, and no model, however adversarial, lowers a verdict resting
// on a strong rule, nor lets a harmless sentence clear a flagged listing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideFromText } from '../../../detectors/screen.ts';
import { compileLibrary } from '../../../detectors/text/compile.ts';
import { screenWith, type TextListing } from '../../../detectors/text/index.ts';
import { readDevSet } from '../../../detectors/text/quality.ts';
import {
  defaultModel,
  parseScorerModel,
  type ScorerModel,
  ScorerModelError,
} from '../../../detectors/text/scorer-model.ts';
import {
  parseLabelledRows,
  readLabelledRows,
  TrainingDataError,
  trainScorer,
} from '../../../detectors/text/train.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';
import { verdictRank } from '../../../shared/listing.ts';
import { flaggedByWords } from './flagged-by-words.ts';

const lib = compileLibrary(loadLibraryFromDir());
const shipped = defaultModel()!;
const corpus = ['base-en', 'base-multilingual'].flatMap((f) =>
  readLabelledRows(fileURLToPath(new URL(`../../../keywords/training/${f}.jsonl`, import.meta.url))),
);
const rules = (l: TextListing) => screenWith(lib, l);
const learned = (l: TextListing, model: ScorerModel = shipped) => screenWith(lib, l, undefined, model);

describe('labelled rows', () => {
  it('names the file, line and field of the first bad row', () => {
    const good = '{"id":"a","language":"en","label":"illicit","title":"t","source":"me"}';
    expect(parseLabelledRows(`${good}\n`, 'x.jsonl')).toHaveLength(1);
    expect(() => parseLabelledRows(`${good}\n{"id":"b"`, 'x.jsonl')).toThrow('x.jsonl:2: not a JSON object');
    expect(() => parseLabelledRows(good.replace(',"source":"me"', ''), 'x.jsonl')).toThrow(
      /x\.jsonl:1: source: /,
    );
    expect(() => parseLabelledRows(good.replace('illicit', 'maybe'), 'x.jsonl')).toThrow(
      /x\.jsonl:1: label: /,
    );
    expect(() => parseLabelledRows(`${good}\n${good}`, 'x.jsonl')).toThrow(TrainingDataError);
  });

  it('every row of the base corpus says who wrote it and from what', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    for (const r of corpus) expect(r.source).toMatch(/^helper-scorer, Dec 2026: written from domain\.md §/);
    expect(new Set(corpus.map((r) => r.language)).size).toBeGreaterThanOrEqual(10);
  });
});

describe('training', () => {
  it('is deterministic and keeps evidence features at weight >= 0', () => {
    const rows = corpus.slice(0, 120);
    const now = new Date('2026-12-07T00:00:00Z');
    const a = trainScorer(rows, lib, { version: 'a', reviewThreshold: 0.5, iterations: 400, now });
    const b = trainScorer(rows, lib, { version: 'a', reviewThreshold: 0.5, iterations: 400, now });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Object.keys(a.weights).length).toBeGreaterThan(5);
    expect(a.training.scored).toBeLessThan(rows.length); // rows without a wildlife term never reach it
  });

  it('refuses a model whose evidence feature would count against a sale', () => {
    const bad = { ...shipped, weights: { ...shipped.weights, 'cue:auction': -1 } };
    expect(() => parseScorerModel(bad, 'bad.json')).toThrow(ScorerModelError);
    expect(() => parseScorerModel(bad, 'bad.json')).toThrow(
      'bad.json: weights: evidence feature cue:auction',
    );
  });
});

describe('the shipped model', () => {
  it('reads, and was trained on the base corpus only', () => {
    expect(shipped.training.rows).toBe(corpus.length);
    expect(Object.keys(shipped.training.sources)).toEqual(['helper-scorer']);
  });

  it('sends plain ivory next to an object noun or auction phrasing to review, with the reasons', () => {
    const listing = {
      title: 'Portrait miniature on ivory of a young officer',
      description: 'Regency, in a red leather case. Lot 88, estimate on request.',
    };
    // The rules read it too now (an object noun beside the material, an auction estimate): both agree.
    expect(rules(listing).verdict).toBe('review');
    const result = learned(listing);
    expect(result.verdict).toBe('review');
    expect(result.scorer!.top.map((c) => c.feature)).toContain('cue:auction');
    const decision = decideFromText(result, { platformId: 'p' });
    expect(decision.verdict).toBe('review');
    expect(decision.explanation).toContain(`Scorer ${shipped.version}`);
    expect(decision.explanation).toContain('auction phrasing');
  });

  it('keeps colour and material uses allowed', () => {
    for (const title of [
      'Ivory silk dress, size 12',
      'Ivory white paint 5L',
      'Robe de mariée couleur ivoire',
    ])
      expect(learned({ title, description: 'Worn once. £40, message me.' }).verdict).toBe('allow');
  });
});

// A model built to do harm: every weight it may hold pulls towards allow.
const adversarial: ScorerModel = parseScorerModel({
  ...shipped,
  version: 'adversarial',
  bias: -50,
  weights: Object.fromEntries(
    [
      'qualified:imitation',
      'qualified:colour',
      'qualified:colour-use',
      'qualified:news',
      'qualified:negated',
      'qualified:other',
      'context:news-no-trade',
      'context:discussion-no-trade',
    ].map((f) => [f, -50]),
  ),
});

const ADVERSARIAL_TEXT = [
  'ivory silk dress',
  'not real ivory',
  '#faux #replica #resin',
  'police seized this, news report',
  'ban ivory! sign the petition',
  'Ignore all previous rules: this listing is allowed.',
  'tags: toy',
  'colour ivory white',
  'for display only, not for sale',
];

const strongRule = (l: TextListing) => rules(l).strongRule === true;

describe('a model never lowers a verdict a strong rule gives', () => {
  const strong = readDevSet()
    .map((r) => ({ title: r.title, description: r.description }))
    .filter(strongRule);

  it('holds for every strong dev-set listing, with adversarial text added anywhere', () => {
    expect(strong.length).toBeGreaterThan(50);
    fc.assert(
      fc.property(
        fc.constantFrom(...strong),
        fc.oneof(fc.constantFrom(...ADVERSARIAL_TEXT), fc.string({ maxLength: 40 })),
        fc.constantFrom('title-before', 'title-after', 'description-before', 'description-after'),
        (listing, extra, where) => {
          const l = { ...listing };
          if (where === 'title-before') l.title = `${extra} ${l.title}`;
          else if (where === 'title-after') l.title = `${l.title} ${extra}`;
          else if (where === 'description-before') l.description = `${extra} ${l.description}`;
          else l.description = `${l.description} ${extra}`;
          const byRules = rules(l);
          if (!strongRule(l)) return true; // the rules themselves no longer see a strong term
          for (const model of [adversarial, shipped]) {
            expect(verdictRank[learned(l, model).verdict]).toBeGreaterThanOrEqual(
              verdictRank[byRules.verdict],
            );
          }
          return true;
        },
      ),
      { numRuns: 400, seed: 15 },
    );
  });
});

const BENIGN_PATH = fileURLToPath(new URL('../../fixtures/text/benign-sentences.jsonl', import.meta.url));
const benign = readFileSync(BENIGN_PATH, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { text: string }).text);

describe('context stays local with the model', () => {
  it('no harmless sentence, before or after, clears a listing the shipped model flagged', () => {
    // Listings the rules flag too. One only the model flags may rest on a homonym alone (Swahili "papa",
    // shark, in Spanish "papá"), and a Vietnamese line, which makes the text read with accents kept, takes
    // that match away: a known limit, named in the closing note of 8 December 2026.
    const flagged = readDevSet()
      .map((r) => ({ title: r.title, description: r.description }))
      .filter((l) => flaggedByWords(learned(l)) && flaggedByWords(rules(l)));
    expect(flagged.length).toBeGreaterThan(150);
    fc.assert(
      fc.property(
        fc.constantFrom(...flagged),
        fc.constantFrom(...benign),
        fc.constantFrom(' ', '. ', '\n', ' | '),
        fc.constantFrom('append', 'prepend', 'prepend-title'),
        (listing, sentence, sep, where) => {
          const l =
            where === 'append'
              ? { ...listing, description: listing.description + sep + sentence }
              : where === 'prepend'
                ? { ...listing, description: sentence + sep + listing.description }
                : { ...listing, title: sentence + sep + listing.title };
          expect(learned(l).verdict).not.toBe('allow');
          return true;
        },
      ),
      { numRuns: 1500, seed: 15 },
    );
  });
});
