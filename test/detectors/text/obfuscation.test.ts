// The generated obfuscation suite (issue 15, item 3): strong library terms written the ways sellers write
// them past filters, one class at a time, must still be flagged; and the same folding must not flag
// harmless text (prices, model numbers, obfuscated harmless sentences).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileLibrary, isEmojiEntry } from '../../../detectors/text/compile.ts';
import { matchText, screenWith, type TextListing } from '../../../detectors/text/index.ts';
import { ANIMAL_EMOJI, NormalizedText, normalizeInto } from '../../../detectors/text/normalize.ts';
import { isPositive } from '../../../detectors/text/score.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';
import { OBFUSCATIONS, seeded } from './obfuscations.ts';

const lib = compileLibrary(loadLibraryFromDir());
const screen = (listing: TextListing) => screenWith(lib, listing);
const flagged = (listing: TextListing) => screen(listing).verdict !== 'allow';
/** A sale cue that reads the same in every language: a phone number. */
const CONTACT = 'WhatsApp +84 912 345 678';

/**
 * Recall floors per class, a little under what was measured (the seed is fixed; the test prints the
 * table). Misses left by design: words written entirely in lookalikes ("ѕкιп", maybe real Cyrillic),
 * a single Vietnamese word without its diacritics ("nga" is not "ngà").
 */
const FLOORS: Record<string, number> = {
  'leet digits and symbols': 0.99,
  'separators in a word': 0.99,
  'repeated letters': 0.99,
  'cross-script homoglyphs': 0.98,
  'full-width forms': 0.99,
  'zero-width characters': 0.99,
  'bidi override (RLO…PDF)': 0.99,
  'diacritics added': 0.99,
  'diacritics stripped': 0.97,
  'mixed (case, leet, zero-width)': 0.98,
  'animal emoji beside a product or trade word': 0.98,
};

interface Row {
  name: string;
  cases: number;
  caught: number;
  misses: string[];
}

function table(rows: Row[]): string {
  const lines = rows.map(
    (r) =>
      `${r.name.padEnd(46)}${String(r.cases).padStart(6)}${String(r.caught).padStart(7)}${(
        (r.caught / r.cases) *
        100
      )
        .toFixed(1)
        .padStart(7)}%`,
  );
  return [
    `${'obfuscation class'.padEnd(46)}${'cases'.padStart(6)}${'caught'.padStart(7)}${'recall'.padStart(8)}`,
    ...lines,
  ].join('\n');
}

// Strong, low-risk wildlife terms that flag on their own next to a contact number: the terms a seller
// most needs to hide.
const strong = lib.entries.filter(
  (e) =>
    isPositive(e) &&
    !isEmojiEntry(e) &&
    e.strength === 'strong' &&
    e.fpRisk === 'low' &&
    flagged({ title: e.term, description: CONTACT }),
);

function obfuscationRows(): Row[] {
  const random = seeded(15);
  return OBFUSCATIONS.map((obfuscation) => {
    const row: Row = { name: obfuscation.name, cases: 0, caught: 0, misses: [] };
    for (const entry of strong) {
      // A single unaccented Vietnamese word is another word ("nga" is not "ngà"): by design.
      const word = !entry.term.includes(' ');
      if (obfuscation.name === 'diacritics stripped' && entry.language.startsWith('vi') && word) continue;
      if (!obfuscation.applies(entry.term)) continue;
      const written = obfuscation.apply(entry.term, random);
      if (written === entry.term) continue;
      row.cases++;
      if (flagged({ title: written, description: CONTACT })) row.caught++;
      else row.misses.push(JSON.stringify(written));
    }
    return row;
  });
}

/** Animal emoji next to product and trade words the library knows, in three layouts. */
function emojiRow(): Row {
  const cues = [
    'tusk',
    'horn',
    'bone',
    'scales',
    'carving',
    'powder',
    'bangle',
    'claws',
    'teeth',
    'cub',
    'chicks',
  ];
  const trade = ['for sale', 'DM', 'price', 'WhatsApp'];
  const known = [...cues, ...trade].filter((cue) =>
    matchText(lib, cue, 'en').some((h) => h.entry.kind === 'product' || h.entry.kind === 'sale'),
  );
  const row: Row = { name: 'animal emoji beside a product or trade word', cases: 0, caught: 0, misses: [] };
  for (const { emoji } of ANIMAL_EMOJI) {
    for (const cue of known) {
      for (const text of [`${emoji} ${cue}`, `${cue} ${emoji}`, `${emoji}${cue}`]) {
        row.cases++;
        if (flagged({ title: text })) row.caught++;
        else row.misses.push(text);
      }
    }
  }
  return row;
}

describe('generated obfuscation suite', () => {
  const rows = [...obfuscationRows(), emojiRow()];

  it('holds at least 2,000 cases built from the library', () => {
    expect(strong.length).toBeGreaterThan(200);
    expect(rows.reduce((sum, r) => sum + r.cases, 0)).toBeGreaterThanOrEqual(2000);
  });

  it('catches every obfuscation class at its measured recall floor', () => {
    console.log(
      `${table(rows)}\n${rows.map((r) => `${r.name}: ${r.misses.slice(0, 5).join(' ')}`).join('\n')}`,
    );
    for (const row of rows) {
      expect(row.cases, row.name).toBeGreaterThanOrEqual(50);
      expect(
        row.caught / row.cases,
        `${row.name}: ${row.misses.slice(0, 10).join(' ')}`,
      ).toBeGreaterThanOrEqual(FLOORS[row.name]!);
    }
  });

  it('reads the issue examples', () => {
    expect(screen({ title: 'Carved \u202eyrovi\u202c bangle', description: CONTACT }).verdict).not.toBe(
      'allow',
    );
    expect(screen({ title: 'rh1n0 h0rn', description: CONTACT }).verdict).not.toBe('allow');
    expect(screen({ title: '🐘 tusk bangle' }).verdict).not.toBe('allow');
    expect(screen({ title: '🦏 horn powder DM' }).verdict).not.toBe('allow');
    expect(screen({ title: 'r. h. i. n. o horn', description: CONTACT }).verdict).not.toBe('allow');
  });

  it('maps evidence under a bidi override back to the reversed original', () => {
    const title = 'Carved \u202eyrovi\u202c bangle';
    const r = screen({ title, description: CONTACT });
    const ivory = r.evidence.find((e) => e.field === 'title' && e.kind === 'product')!;
    expect(title.slice(ivory.start, ivory.end)).toContain('yrovi');
  });
});

const normalized = (s: string) => normalizeInto(s, new NormalizedText(), false).toString();

describe('benign suite: folding flags nothing harmless', () => {
  it('keeps prices, quantities and model numbers as they are', () => {
    const texts = [
      'I paid $300',
      'R2-D2 figure',
      '4x4 car',
      'iPhone 15 Pro 256GB',
      'RTX 3070 graphics card',
      'A4 paper 500 sheets',
      'mp3 player',
      '10pcs LED bulbs',
      'covid19 test kit',
      'Model X100 camera',
      'B2B sales',
      '3D printer 220V',
      '5G router',
      'Size 10.5 shoes',
      'Price 1,500 or 2k',
      'US$ 40 each',
      'GT3 RS 2019',
      'W10 screws x 50',
      'P50 lens',
      'Rx570 8gb',
    ];
    for (const text of texts) {
      expect(screen({ title: text, description: 'Good condition' }).verdict, text).toBe('allow');
      // Every number in it is still there, digit for digit.
      for (const number of text.match(/\d{2,}/g) ?? []) expect(normalized(text), text).toContain(number);
    }
  });

  it('keeps generated prices and model numbers as digits and allows them', () => {
    const random = seeded(300);
    const letters = 'ABCDEFGHKLMNPRSTVWXZ';
    for (let k = 0; k < 500; k++) {
      const n = 10 + Math.floor(random() * 99_990);
      const model = `${letters[Math.floor(random() * letters.length)]}${letters[Math.floor(random() * letters.length)]}${n}`;
      for (const text of [
        `Price $${n}`,
        `${n} USD`,
        `${n}x${n % 97} rug`,
        `Model ${model}`,
        `${model}-${n % 10}`,
      ]) {
        expect(screen({ title: text }).verdict, text).toBe('allow');
        expect(normalized(text), text).toContain(String(n));
      }
    }
  });

  it('flags no harmless sentence written with any obfuscation class', () => {
    const sentences = readFileSync(
      new URL('../../fixtures/text/benign-sentences.jsonl', import.meta.url),
      'utf8',
    )
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (JSON.parse(l) as { text: string }).text)
      .filter((text) =>
        screen({ title: text }).evidence.every((e) => !['product', 'species', 'code'].includes(e.kind)),
      );
    expect(sentences.length).toBeGreaterThan(400);
    const random = seeded(42);
    const wrongly: string[] = [];
    let cases = 0;
    for (const sentence of sentences) {
      for (const obfuscation of OBFUSCATIONS) {
        const words = sentence.split(' ');
        const written = words
          .map((w) => (obfuscation.applies(w) ? obfuscation.apply(w, random) : w))
          .join(' ');
        cases++;
        if (flagged({ title: written })) wrongly.push(written);
      }
    }
    expect(cases).toBeGreaterThan(4000);
    expect(wrongly).toEqual([]);
  });

  it('allows cute animal emoji in listings that sell no product of an animal', () => {
    for (const text of [
      '😀 nice bag 👍🏽',
      '🐘 elephant plush toy',
      'Kids puzzle 🦁🐯🐘',
      '🐢 turtle sandpit, plastic',
      '🦜 parrot print scarf',
    ]) {
      expect(screen({ title: text }).verdict, text).toBe('allow');
    }
  });
});
