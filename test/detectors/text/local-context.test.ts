// Context is local (keywords/FORMAT.md): a harmless sentence added before or after a flagged listing
// (a disclaimer, a hashtag line, a shipping note, in any language) never clears it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileLibrary } from '../../../detectors/text/compile.ts';
import { screenWith, type TextListing } from '../../../detectors/text/index.ts';
import { type DevRow, readDevSet } from '../../../detectors/text/quality.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';
import { flaggedByWords } from './flagged-by-words.ts';

const KINDS = [
  'shipping',
  'gift',
  'condition',
  'disclaimer',
  'hashtags',
  'contact-free',
  'greeting',
  'other',
] as const;
const sentenceSchema = z.object({ language: z.string(), text: z.string().min(1), kind: z.enum(KINDS) });
type Sentence = z.infer<typeof sentenceSchema>;

const BENIGN_PATH = fileURLToPath(new URL('../../fixtures/text/benign-sentences.jsonl', import.meta.url));
const benign: Sentence[] = readFileSync(BENIGN_PATH, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => sentenceSchema.parse(JSON.parse(l)));

const lib = compileLibrary(loadLibraryFromDir());
// Screened as the quality floor screens the dev set (test/detectors/text/quality.test.ts).
const screen = (listing: TextListing) => screenWith(lib, listing);
const flagged = readDevSet().filter((r) =>
  flaggedByWords(screen({ title: r.title, description: r.description })),
);

type Position = 'append' | 'prepend' | 'prepend-title';
const POSITIONS: readonly Position[] = ['append', 'prepend', 'prepend-title'];
const SEPARATORS = [' ', '. ', '\n', ' | '] as const;

function withSentence(row: DevRow, text: string, position: Position, sep: string): TextListing {
  if (position === 'append') return { title: row.title, description: row.description + sep + text };
  if (position === 'prepend') return { title: row.title, description: text + sep + row.description };
  return { title: text + sep + row.title, description: row.description };
}

describe('benign sentence corpus', () => {
  it('has at least 500 distinct sentences in at least 10 languages, disclaimers in each', () => {
    expect(benign.length).toBeGreaterThanOrEqual(500);
    expect(new Set(benign.map((s) => `${s.language}\t${s.text}`)).size).toBe(benign.length);
    const languages = new Set(benign.map((s) => s.language));
    for (const l of ['en', 'zh', 'vi', 'th', 'id', 'ms', 'fr', 'es', 'pt', 'de', 'ja', 'sw']) {
      expect(languages).toContain(l);
      expect(benign.filter((s) => s.language === l && s.kind === 'disclaimer').length).toBeGreaterThan(5);
    }
  });

  it('is harmless on its own: no sentence is flagged', () => {
    const hits = benign.filter((s) => screen({ title: s.text }).verdict !== 'allow');
    expect(hits).toEqual([]);
  });
});

describe('a harmless sentence never clears a flagged listing', () => {
  it('holds for 20,000 drawn (listing, sentence, position, separator) combinations', () => {
    expect(flagged.length).toBeGreaterThanOrEqual(150);
    let runs = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...flagged),
        fc.constantFrom(...benign),
        fc.constantFrom(...POSITIONS),
        fc.constantFrom(...SEPARATORS),
        (row, sentence, position, sep) => {
          runs++;
          return screen(withSentence(row, sentence.text, position, sep)).verdict !== 'allow';
        },
      ),
      { seed: 15, numRuns: 20_000 },
    );
    console.log(`local context: ${runs} drawn variants of ${flagged.length} flagged listings, none cleared`);
    expect(runs).toBe(20_000);
  });

  // One test per position, so that each stays well inside the test timeout on a loaded 2-core machine.
  it.each(POSITIONS)('holds for every flagged listing x sentence, %s, joined by a bare space', (position) => {
    // A space is the hardest separator: the sentence runs into the listing's first or last clause.
    const cleared: string[] = [];
    let variants = 0;
    const started = performance.now();
    for (const row of flagged) {
      for (const sentence of benign) {
        variants++;
        if (screen(withSentence(row, sentence.text, position, ' ')).verdict === 'allow') {
          cleared.push(`${row.id} ${position} [${sentence.language}/${sentence.kind}] ${sentence.text}`);
        }
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `local context (${position}): ${variants} variants screened in ${seconds} s, ${cleared.length} cleared`,
    );
    expect(variants).toBe(flagged.length * benign.length);
    expect(cleared.slice(0, 20)).toEqual([]);
  });
});
