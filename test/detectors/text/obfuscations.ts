// Obfuscation classes that sellers use to write a term past a keyword filter, as functions from a term to
// an obfuscated spelling (random, from a seeded generator). Used by the generated obfuscation suite and by
// the JavaScript/WebAssembly differential test.
import { prng } from '../../../bench/text-corpus.ts';

export type Random = () => number;
export const seeded = (seed: number): Random => prng(seed);

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Letters and the digits or symbols written for them (the fold set of normalize.ts). */
const LEET: Readonly<Record<string, readonly string[]>> = {
  o: ['0'],
  i: ['1'],
  l: ['1'],
  e: ['3'],
  a: ['4', '@'],
  s: ['5', '$'],
  t: ['7'],
};
const HOMOGLYPHS: Readonly<Record<string, readonly string[]>> = {
  a: ['а', 'α'],
  c: ['с', 'ϲ'],
  e: ['е'],
  i: ['і', 'ι'],
  o: ['о', 'ο'],
  p: ['р', 'ρ'],
  s: ['ѕ'],
  x: ['х'],
  y: ['у'],
  k: ['к'],
  h: ['һ'],
  n: ['п'],
  t: ['т'],
};
const ACCENTS: Readonly<Record<string, readonly string[]>> = {
  a: ['á', 'à', 'â', 'ä', 'a\u0301'],
  e: ['é', 'è', 'ê', 'ë', 'e\u0300'],
  i: ['í', 'ï', 'î'],
  o: ['ó', 'ö', 'ô', 'õ', 'o\u0308'],
  u: ['ú', 'ü', 'û'],
  n: ['ñ'],
  c: ['ç'],
};
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'];
const SEPARATORS = ['.', '-', ' ', '_', '*', '. ', ' - ', '·'];

/** Applies f to one letter of each word (a letter f has a replacement for), chosen at random. */
function oneLetterPerWord(term: string, random: Random, table: Readonly<Record<string, readonly string[]>>) {
  return term
    .split(' ')
    .map((word) => {
      const at = [...word].flatMap((c, k) => (table[c.toLowerCase()] ? [k] : []));
      if (at.length === 0) return word;
      const k = pick(random, at);
      const chars = [...word];
      chars[k] = pick(random, table[chars[k]!.toLowerCase()]!);
      return chars.join('');
    })
    .join(' ');
}

/** Leet inside words: one or two letters of a word of four or more, never its first. */
function leet(term: string, random: Random): string {
  return term
    .split(' ')
    .map((word) => {
      if (word.length < 4) return word;
      const chars = [...word];
      const at = chars.flatMap((c, k) => (k > 0 && LEET[c.toLowerCase()] ? [k] : []));
      if (at.length === 0) return word;
      for (let n = 0; n < Math.min(at.length, 1 + Math.floor(random() * 2)); n++) {
        const k = pick(random, at);
        // Not next to another replaced letter: a run of three is a number, and stays one.
        if (/[0-9@$]/.test(chars.slice(k - 1, k + 2).join(''))) continue;
        const written = pick(random, LEET[chars[k]!.toLowerCase()]!);
        // "$" at the end of a word is a currency ("US$"), never a letter.
        if (written === '$' && k === chars.length - 1) continue;
        chars[k] = written;
      }
      return chars.join('');
    })
    .join(' ');
}

/**
 * One word of three letters or more spelled out with a separator between its letters ("r.h.i.n.o
 * horn"); two single letters are too often something else ("a b") to join.
 */
function spaced(term: string, random: Random): string {
  const words = term.split(' ');
  const long = words.flatMap((w, k) => (w.length >= 3 ? [k] : []));
  if (long.length === 0) return term;
  const k = pick(random, long);
  const separator = pick(random, SEPARATORS);
  words[k] = [...words[k]!].join(separator);
  return words.join(' ');
}

/** Letters doubled or tripled ("iivoory"). */
function repeated(term: string, random: Random): string {
  return [...term]
    .map((c) => (/\p{L}/u.test(c) && random() < 0.3 ? c.repeat(2 + Math.floor(random() * 2)) : c))
    .join('');
}

/** Cyrillic and Greek lookalikes for some Latin letters. */
function homoglyph(term: string, random: Random): string {
  return [...term].map((c) => (HOMOGLYPHS[c] && random() < 0.5 ? pick(random, HOMOGLYPHS[c]!) : c)).join('');
}

/** Full-width forms ("ＲＨＩＮＯ"). */
function fullWidth(term: string): string {
  return [...term]
    .map((c) =>
      c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c === ' ' ? '\u3000' : c,
    )
    .join('');
}

/** Zero-width characters and soft hyphens between letters. */
function zeroWidth(term: string, random: Random): string {
  return [...term].map((c, k) => (k > 0 && random() < 0.5 ? pick(random, ZERO_WIDTH) + c : c)).join('');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The term reversed inside a right-to-left override, so that it displays as written ("\u202eyrovi\u202c");
 * by grapheme, so that marks stay on their letters.
 */
function bidiOverride(term: string): string {
  const clusters = [...graphemes.segment(term)].map((g) => g.segment);
  return `\u202e${clusters.reverse().join('')}\u202c`;
}

/** Diacritics added to some letters ("ívöry"). */
function accented(term: string, random: Random): string {
  return oneLetterPerWord(term, random, ACCENTS);
}

/** Diacritics stripped ("ecaille" for "écaille", "dua nga" for "đũa ngà"). */
function stripped(term: string): string {
  return term
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/** Upper and lower case mixed, with a leet letter and a separator: what spam filters see most. */
function mixed(term: string, random: Random): string {
  const cased = [...leet(term, random)].map((c) => (random() < 0.5 ? c.toUpperCase() : c)).join('');
  return zeroWidth(cased, random);
}

export interface ObfuscationClass {
  name: string;
  /** Whether the class applies to a term (for example, only terms with diacritics can lose them). */
  applies(term: string): boolean;
  apply(term: string, random: Random): string;
}

// A doubled syllable or character in Hangul, Chinese or Japanese is another word (호호, 人人), not a
// stretched letter, so the engine folds repeats in alphabetic scripts only.
const alphabetic = (term: string) =>
  /\p{L}/u.test(term) &&
  !/[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(term);

// A right-to-left override shows Arabic as it shows anyway, and reversed combining marks (Devanagari,
// Khmer vowel signs) no longer display as the word: this class hides left-to-right terms without marks.
const leftToRight = (term: string) =>
  term.length >= 2 && !/[\p{Script=Arabic}\p{Script=Hebrew}\p{M}]/u.test(term);

const latin = (term: string) => /^[a-z ]+$/i.test(term) && term.replace(/ /g, '').length >= 4;

export const OBFUSCATIONS: readonly ObfuscationClass[] = [
  { name: 'leet digits and symbols', applies: latin, apply: leet },
  { name: 'separators in a word', applies: latin, apply: spaced },
  { name: 'repeated letters', applies: alphabetic, apply: repeated },
  { name: 'cross-script homoglyphs', applies: latin, apply: homoglyph },
  { name: 'full-width forms', applies: (t) => /[a-z]/i.test(t), apply: (t) => fullWidth(t) },
  { name: 'zero-width characters', applies: (t) => t.length >= 2, apply: zeroWidth },
  { name: 'bidi override (RLO…PDF)', applies: leftToRight, apply: (t) => bidiOverride(t) },
  { name: 'diacritics added', applies: latin, apply: accented },
  {
    name: 'diacritics stripped',
    applies: (t) => stripped(t) !== t && /^[\p{sc=Latin} ]+$/u.test(t),
    apply: (t) => stripped(t),
  },
  { name: 'mixed (case, leet, zero-width)', applies: latin, apply: mixed },
];
