// Text normalisation that defeats common obfuscation while remembering, for every output unit, the span
// of the original text it came from, so a match in normalised text maps back to exact original offsets.
// Library terms go through the same function, so whatever folding happens here happens on both sides.
//
// Steps, per character: text under a right-to-left override read as it displays (see displayOrder);
// zero-width, bidirectional and variation selectors dropped; NFKC (full-width, ligatures, math letters);
// lower case; traditional -> simplified Chinese; Latin diacritics stripped (plain mode) or kept (accented
// mode, used for Vietnamese so "ngà" never becomes "nga"); Arabic letter variants and harakat, Devanagari
// nukta and candrabindu folded; Cyrillic/Greek homoglyphs inside Latin words mapped to Latin; leetspeak
// digits inside words; runs of single letters joined (i.v.o.r.y, s l o w l o r i s, r. h. i. n. o);
// repeated letters collapsed; whitespace runs collapsed; animal emoji spelled out.
import * as OpenCC from 'opencc-js';

/** Character classes of normalised units, used for word boundaries. */
export const CLASS_OTHER = 0;
/** Letter of a space-separated script (Latin, Greek, Cyrillic, Hangul, ...). */
export const CLASS_WORD = 1;
/** Letter of a script written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar). */
export const CLASS_UNSPACED = 2;
export const CLASS_DIGIT = 3;
export const CLASS_SPACE = 4;

export const charClass = new Uint8Array(65536);
{
  const unspaced =
    /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
  const letter = /[\p{L}\p{M}]/u;
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) {
      charClass[c] = CLASS_UNSPACED; // supplementary CJK (emoji are spelled out before this matters)
      continue;
    }
    const ch = String.fromCharCode(c);
    if (c >= 0x30 && c <= 0x39) charClass[c] = CLASS_DIGIT;
    else if (c === 0x20) charClass[c] = CLASS_SPACE;
    else if (unspaced.test(ch)) charClass[c] = CLASS_UNSPACED;
    else if (letter.test(ch)) charClass[c] = CLASS_WORD;
  }
  charClass[0x3005] = CLASS_UNSPACED; // 々 iteration mark
  charClass[0x30fc] = CLASS_UNSPACED; // ー long vowel mark
}

/**
 * Animal emoji used as species names, spelled out in English so "🦏 horn" and "🐘🦷" meet the English
 * terms, after a private-use marker unit (ANIMAL_EMOJI_MARKER + index) that only an emoji produces: the
 * compiled library matches the marker as evidence of its own (emojiEntries in compile.ts), so "🦜 chicks
 * for sale" is seen even where the English word is not a library term. Species keys where one fits.
 */
export const ANIMAL_EMOJI: readonly { emoji: string; word: string; species?: string }[] = [
  { emoji: '🐘', word: 'elephant', species: 'african-elephant' },
  { emoji: '🦣', word: 'mammoth', species: 'mammoth' },
  { emoji: '🦏', word: 'rhino', species: 'rhinoceros' },
  { emoji: '🐅', word: 'tiger', species: 'tiger' },
  { emoji: '🐯', word: 'tiger', species: 'tiger' },
  { emoji: '🦁', word: 'lion', species: 'lion' },
  { emoji: '🐆', word: 'leopard', species: 'leopard' },
  { emoji: '🐢', word: 'turtle' },
  { emoji: '🦜', word: 'parrot' },
  { emoji: '🐒', word: 'monkey' },
  { emoji: '🐵', word: 'monkey' },
  { emoji: '🦍', word: 'gorilla', species: 'gorilla' },
  { emoji: '🦧', word: 'orangutan', species: 'orangutan' },
  { emoji: '🦦', word: 'otter' },
  { emoji: '🐻', word: 'bear' },
  { emoji: '🐼', word: 'panda', species: 'giant-panda' },
  { emoji: '🦈', word: 'shark', species: 'sharks' },
  { emoji: '🐊', word: 'crocodile', species: 'crocodilians' },
  { emoji: '🐍', word: 'snake' },
  { emoji: '🦎', word: 'lizard' },
  { emoji: '🦅', word: 'eagle' },
  { emoji: '🦉', word: 'owl' },
  { emoji: '🦚', word: 'peacock' },
  { emoji: '🪸', word: 'coral' },
  { emoji: '🐋', word: 'whale' },
  { emoji: '🐳', word: 'whale' },
  { emoji: '🦒', word: 'giraffe', species: 'giraffe' },
  { emoji: '🦛', word: 'hippo', species: 'hippopotamus' },
  { emoji: '🦥', word: 'sloth', species: 'sloth' },
  { emoji: '🦭', word: 'seal' },
];
/** First of the private-use units that mark an animal emoji (see ANIMAL_EMOJI); folded text has no other. */
export const ANIMAL_EMOJI_MARKER = 0xe000;

/** Emoji spelled out (animal emoji with their marker, see ANIMAL_EMOJI; trade emoji as plain words). */
const EMOJI_WORDS = new Map<number, string>([
  ...ANIMAL_EMOJI.map(
    ({ emoji, word }, k) =>
      [emoji.codePointAt(0)!, `${String.fromCharCode(ANIMAL_EMOJI_MARKER + k)} ${word}`] as const,
  ),
  [0x1f9b7, 'tooth'],
  [0x1f9b4, 'bone'],
  [0x1f43e, 'paw'],
  [0x1f41a, 'shell'],
  [0x1fab6, 'feather'],
  [0x1f4b0, '$$$'],
  [0x1f4b5, '$$$'],
  [0x1f4b8, '$$$'],
  [0x1f4b2, '$$$'],
  [0x1f4e9, 'dm'],
  [0x1f4e5, 'dm'],
  [0x1f4f2, 'dm'],
  [0x1f4de, 'phone'],
  [0x1f4f1, 'phone'],
  [0x260e, 'phone'],
]);

/** Cyrillic and Greek letters that look like Latin ones; applied only next to Latin letters. */
const HOMOGLYPHS = new Map<number, number>(
  [
    ['а', 'a'],
    ['в', 'b'],
    ['е', 'e'],
    ['ё', 'e'],
    ['о', 'o'],
    ['р', 'p'],
    ['с', 'c'],
    ['у', 'y'],
    ['х', 'x'],
    ['і', 'i'],
    ['ї', 'i'],
    ['ј', 'j'],
    ['ѕ', 's'],
    ['ԁ', 'd'],
    ['һ', 'h'],
    ['ӏ', 'l'],
    ['к', 'k'],
    ['м', 'm'],
    ['н', 'h'],
    ['т', 't'],
    ['п', 'n'],
    ['α', 'a'],
    ['β', 'b'],
    ['ε', 'e'],
    ['η', 'n'],
    ['ι', 'i'],
    ['κ', 'k'],
    ['ν', 'v'],
    ['ο', 'o'],
    ['ρ', 'p'],
    ['τ', 't'],
    ['υ', 'u'],
    ['χ', 'x'],
    ['ς', 's'],
    ['ϲ', 'c'],
    ['ϳ', 'j'],
    ['ω', 'w'],
    ['γ', 'y'],
    ['μ', 'u'],
    ['ԛ', 'q'],
    ['ԝ', 'w'],
    ['ѵ', 'v'],
    ['օ', 'o'],
    ['ս', 'u'],
    ['ո', 'n'],
    ['հ', 'h'],
  ].map(([from, to]) => [from!.charCodeAt(0), to!.charCodeAt(0)]),
);

/** Leetspeak digits and symbols, applied only inside words (see leetAt). */
const LEET = new Int32Array(128).fill(-1);
for (const [from, to] of [
  ['0', 'o'],
  ['1', 'i'],
  ['3', 'e'],
  ['4', 'a'],
  ['5', 's'],
  ['7', 't'],
  ['@', 'a'],
  ['$', 's'],
] as const) {
  LEET[from.charCodeAt(0)] = to.charCodeAt(0);
}

/**
 * Inside a Cyrillic word a digit stands for a Cyrillic letter ("сл0н0вая к0сть"): 0 о, 3 з, 4 ч, @ а. The
 * others keep their Latin reading, which no Cyrillic term contains.
 */
const isCyrillic = (c: number): boolean => c >= 0x400 && c <= 0x4ff;
function cyrillicLeet(c: number): number {
  if (c === 0x30) return 0x43e;
  if (c === 0x33) return 0x437;
  if (c === 0x34) return 0x447;
  if (c === 0x40) return 0x430;
  return LEET[c]!;
}

/** Separators that obfuscators put between single letters (a table: this is read for every letter). */
const SEPARATOR = new Uint8Array(65536);
for (const c of " .-_*|/+~·•,'") SEPARATOR[c.charCodeAt(0)] = 1;
const isSeparator = (c: number): boolean => SEPARATOR[c] === 1;

/**
 * Letters folded whatever surrounds them: Latin small capitals and other Latin lookalikes; Arabic letter
 * variants (alef forms, ta marbuta, alef maksura, Persian kaf and yeh) written interchangeably online;
 * Devanagari candrabindu, often typed as anusvara; Arabic-Indic and Devanagari digits, for prices.
 */
const LETTER_FOLDS = new Map<string, string>([
  ...[...'ɑɡıᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ'].map((c, k) => [c, 'agiabcdefghijklmnoprstuvwyz'[k]!] as const),
  ['أ', 'ا'],
  ['إ', 'ا'],
  ['آ', 'ا'],
  ['ٱ', 'ا'],
  ['ٲ', 'ا'],
  ['ٳ', 'ا'],
  ['ة', 'ه'],
  ['ى', 'ي'],
  ['ی', 'ي'],
  ['ک', 'ك'],
  ['\u0901', '\u0902'],
  ...[...'٠١٢٣٤٥٦٧٨٩'].map((c, k) => [c, String(k)] as const),
  ...[...'۰۱۲۳۴۵۶۷۸۹'].map((c, k) => [c, String(k)] as const),
  ...[...'०१२३४५६७८९'].map((c, k) => [c, String(k)] as const),
]);
/**
 * Marks dropped in both modes: Arabic harakat, superscript alef, Quranic marks and tatweel (ـ, a
 * stretching stroke), and the Devanagari nukta (क़ and क are written interchangeably).
 */
const DROPPED_MARKS = /[\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u093c]/g;

/** Invisible characters: dropped, and read past (see INVISIBLE). */
const DROPPED = (c: number): boolean =>
  c === 0x00ad || // soft hyphen
  c === 0x061c || // Arabic letter mark
  (c >= 0x200b && c <= 0x200f) || // zero-width space/joiners, direction marks
  (c >= 0x2060 && c <= 0x2064) ||
  c === 0xfeff ||
  (c >= 0xfe00 && c <= 0xfe0f) || // variation selectors
  c === 0x034f ||
  c === 0x180e;

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

// Fold tables for BMP code units, filled lazily: >= 0 one output unit (low 16 bits) and the flags below;
// otherwise one of the codes below, or <= MULTI_BASE an index (MULTI_BASE - v) into a table of multi-unit
// outputs. One table read per character, since this runs for every non-ASCII character screened.
/** The source character is a letter only Vietnamese uses. */
const VIETNAMESE_FLAG = 1 << 16;
/** The output unit is a Cyrillic or Greek letter with a Latin lookalike. */
const HOMOGLYPH_FLAG = 1 << 17;
const DROP = -1;
const UNKNOWN = -2;
/** A combining diacritic: composed onto the previous unit in accented mode. */
const COMBINE = -3;
/** A high surrogate: the code point is read with the next unit. */
const SURROGATE = -4;
/** A bidirectional override (LRO, RLO): the text is read in display order (displayOrder). */
const BIDI = -5;
/**
 * An invisible character (DROPPED): dropped, and when it sits inside a word ("E\u200bl\u200cf3nbein"),
 * the text is read again without them, so that the letters around it meet (normalizeDisplayed).
 */
const INVISIBLE = -6;
const MULTI_BASE = -7;
const foldPlain = new Int32Array(65536).fill(UNKNOWN);
const foldAccented = new Int32Array(65536).fill(UNKNOWN);
const multi: string[] = [];

/** Lookalikes that NFKC would turn into another letter (the lunate sigma ϲ into ς, then "s"). */
const BEFORE_NFKC = new Map([
  ['ϲ', 'c'],
  ['Ϲ', 'c'],
  ['ϳ', 'j'],
]);

function computeFold(ch: string, accented: boolean): string {
  let s = (BEFORE_NFKC.get(ch) ?? ch).normalize('NFKC').toLowerCase();
  if (/\p{Script=Han}/u.test(s)) s = toSimplified(s);
  s = [...s.replace(DROPPED_MARKS, '')].map((c) => LETTER_FOLDS.get(c) ?? c).join('');
  if (accented) return s.normalize('NFC');
  s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return s.replace(/đ/g, 'd').replace(/ø/g, 'o').replace(/ł/g, 'l');
}

function computeCode(c: number, accented: boolean): number {
  if (DROPPED(c)) return INVISIBLE;
  if (c >= 0xe000 && c <= 0xe0ff) return DROP; // private use: the animal emoji markers come only from emoji
  if (c >= 0xd800 && c <= 0xdbff) return SURROGATE;
  if (c >= 0xdc00 && c <= 0xdfff) return 0x20; // a lone low surrogate (invalid UTF-16) reads as a space
  // Only an override reorders what a reader sees; embeddings, isolates and their ends are invisible.
  if (isBidiControl(c)) return c === 0x202d || c === 0x202e ? BIDI : INVISIBLE;
  if (c >= 0x0300 && c <= 0x036f) return accented ? COMBINE : DROP;
  const emoji = EMOJI_WORDS.get(c);
  const s = emoji ? ` ${emoji} ` : computeFold(String.fromCharCode(c), accented);
  if (s.length === 0) return DROP;
  if (s.length === 1) {
    const unit = s.charCodeAt(0);
    return (
      unit | (VIETNAMESE[c] === 1 ? VIETNAMESE_FLAG : 0) | (HOMOGLYPH_TABLE[unit]! >= 0 ? HOMOGLYPH_FLAG : 0)
    );
  }
  multi.push(s);
  return MULTI_BASE - (multi.length - 1);
}

/** The fold code of BMP unit c (see the codes above), computed on first use. */
export function foldCode(c: number, accented: boolean): number {
  const table = accented ? foldAccented : foldPlain;
  let v = table[c]!;
  if (v === UNKNOWN) {
    v = computeCode(c, accented);
    table[c] = v;
  }
  return v;
}

const astralCache = new Map<number, string>();
/** The fold of a supplementary character (code point cp): an emoji spelled out, a space, or its NFKC form. */
export function foldAstral(cp: number): string {
  let s = astralCache.get(cp);
  if (s === undefined) {
    const emoji = EMOJI_WORDS.get(cp);
    if (emoji) s = ` ${emoji} `;
    else if (/\p{Extended_Pictographic}|\p{Emoji_Modifier}/u.test(String.fromCodePoint(cp))) s = ' ';
    else s = computeFold(String.fromCodePoint(cp), false);
    astralCache.set(cp, s);
  }
  return s;
}

const isAsciiLetter = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
const isLetter = (c: number): boolean => charClass[c] === CLASS_WORD;
const HOMOGLYPH_TABLE = new Int32Array(65536).fill(-1);
for (const [from, to] of HOMOGLYPHS) HOMOGLYPH_TABLE[from] = to;

/** Normalised text: units plus, per unit, the original [start, end) span. Buffers are reused. */
export class NormalizedText {
  units: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  length = 0;
  private sourceBytes: Buffer;
  private source: Uint16Array;
  /** The text had letters only Vietnamese uses (see looksVietnamese); set by normalizeInto. */
  vietnamese = false;
  /**
   * The text was read in display order (bidirectional overrides, see displayOrder): the spans of
   * consecutive units may then run backwards, and a match's span is the union of its units' spans.
   */
  reordered = false;

  constructor(capacity = 1024) {
    this.sourceBytes = Buffer.allocUnsafeSlow(capacity * 2);
    this.source = new Uint16Array(this.sourceBytes.buffer, 0, capacity);
    this.units = new Uint16Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
  }

  ensure(capacity: number): void {
    if (capacity <= this.units.length) return;
    const size = Math.max(capacity, this.units.length * 2);
    const units = new Uint16Array(size);
    const start = new Int32Array(size);
    const end = new Int32Array(size);
    units.set(this.units.subarray(0, this.length));
    start.set(this.start.subarray(0, this.length));
    end.set(this.end.subarray(0, this.length));
    this.units = units;
    this.start = start;
    this.end = end;
  }

  /**
   * The code units of s, copied natively (reading a typed array is faster than charCodeAt), followed by
   * a 0 so that looking one unit ahead never reads past the end.
   */
  read(s: string): Uint16Array {
    if (s.length + 1 > this.source.length) {
      const capacity = Math.max(s.length + 1, this.source.length * 2);
      this.sourceBytes = Buffer.allocUnsafeSlow(capacity * 2);
      this.source = new Uint16Array(this.sourceBytes.buffer, 0, capacity);
    }
    this.sourceBytes.write(s, 0, 'utf16le');
    this.source[s.length] = 0;
    return this.source;
  }

  /** The source code unit right before unit i's span (0 at the start of the text). */
  sourceBefore(i: number): number {
    const at = this.start[i]!;
    return at > 0 ? this.source[at - 1]! : 0;
  }

  toString(): string {
    let out = '';
    for (let i = 0; i < this.length; i += 4096) {
      out += String.fromCharCode(...this.units.subarray(i, Math.min(this.length, i + 4096)));
    }
    return out;
  }
}

/** A letter, or a leet character that could stand for one ("$" only ever starts a price). */
function wordUnit(c: number): boolean {
  return isLetter(c) || (c < 128 && LEET[c]! >= 0 && c !== 0x24);
}

/** A digit or a leet symbol: what a run of leet characters is made of. */
const leetOrDigit = (c: number): boolean => c < 128 && (LEET[c]! >= 0 || (c >= 0x30 && c <= 0x39));

/**
 * A leet character at i becomes a letter only inside a word: a run of one or two leet characters between
 * letters ("p@ngolin", "iv0ry", "g00d"), a single one that starts a word of at least three letters
 * ("1vory"), or a single one that ends one ("rh1n0"). Numbers stay as they are: a run with a digit that
 * stands for no letter ("R2", "covid19"), a longer run ("$300", "500k", "rx570"), a number before a unit
 * ("10pcs", "4x4"), or a digit after fewer than three letters ("mp3", "A4").
 */
function leetAt(src: Uint16Array, i: number, n: number): boolean {
  // The run of digits and leet symbols around i; three units in a row already make a number.
  let a = i;
  while (a > 0 && a > i - 2 && leetOrDigit(src[a - 1]!)) a--;
  let b = i + 1;
  while (b < n && b < i + 3 && leetOrDigit(src[b]!)) b++;
  if (b - a > 2) return false;
  for (let k = a; k < b; k++) if (LEET[src[k]!]! < 0) return false;
  const before = a > 0 && isLetter(src[a - 1]!);
  const after = b < n && isLetter(src[b]!);
  if (before && after) return true;
  if (b - a > 1) return false;
  if (before) return src[i]! !== 0x24 && i >= 3 && wordUnit(src[i - 2]!) && wordUnit(src[i - 3]!);
  return after && i + 3 < n && isLetter(src[i + 2]!) && isLetter(src[i + 3]!);
}

/** Most separators between two single letters of a spaced-out word ("r. h. i. n. o" has two). */
const MAX_SEPARATORS = 3;

/**
 * If a run of at least three single letters starts at i, each pair joined by the same one to three
 * separators ("i.v.o.r.y", "r h i n o", "r. h. i. n. o"), its end.
 */
function spacedRunEnd(src: Uint16Array, i: number, n: number): number {
  if (i > 0) {
    const p = src[i - 1]!;
    if (isLetter(p) || (p >= 0x30 && p <= 0x39)) return -1;
  }
  let g = 0; // the separator group's length (src ends with a 0, which is no separator)
  while (g < MAX_SEPARATORS && isSeparator(src[i + 1 + g]!)) g++;
  if (g === 0) return -1;
  let j = i;
  let count = 1;
  while (j + g + 1 < n && sameUnits(src, j + 1, i + 1, g)) {
    const k = j + g + 1;
    const c = src[k]!;
    const single = k + 1 >= n || !isLetter(src[k + 1]!);
    if (!single || !(isLetter(c) || (c < 128 && LEET[c]! >= 0 && c !== 0x24))) break;
    j = k;
    count++;
  }
  return count >= minimumRun(src, i, g) ? j + 1 : -1;
}

/**
 * How many single letters make a spaced-out word: three ("r h i n o" but not "a b"). Hangul syllables are
 * joined by punctuation only, from two ("상.아", "발.톱"): a Korean word never holds a dot or a dash, while
 * one-syllable words separated by spaces are ordinary Korean ("그 중 한 개").
 */
function minimumRun(src: Uint16Array, i: number, g: number): number {
  const c = src[i]!;
  if (c < 0xac00 || c > 0xd7a3) return 3;
  for (let k = i + 1; k <= i + g; k++) if (src[k]! <= 0x20 || src[k] === 0x3000) return Infinity;
  return 2;
}

/** Whether src[a, a + length) equals src[b, b + length). */
function sameUnits(src: Uint16Array, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (src[a + k] !== src[b + k]) return false;
  return true;
}

/** Most lookalikes in a row before a Latin letter that latinAhead looks through. */
const MAX_LOOKAHEAD = 8;

/**
 * Whether a Latin letter follows src[from] after nothing but Cyrillic or Greek lookalikes ("ооsik"): then
 * the lookalike starting the run is Latin too.
 */
function latinAhead(src: Uint16Array, from: number, fold: Int32Array, accented: boolean): boolean {
  for (let j = from; j < from + MAX_LOOKAHEAD; j++) {
    const c = src[j]!;
    if (c < 128) return isAsciiLetter(c);
    let v = fold[c]!;
    if (v === UNKNOWN) v = foldCode(c, accented);
    if (v < 0 || (v & HOMOGLYPH_FLAG) === 0) return false;
  }
  return false;
}

/**
 * Whether the invisible character at i sits inside a word: after a letter, digit or ASCII symbol, and
 * before something visible (not a space, an emoji or the end).
 */
function insideWord(src: Uint16Array, i: number): boolean {
  if (i === 0) return false;
  const p = src[i - 1]!;
  const q = src[i + 1]!;
  const cls = charClass[p]!;
  const wordish = (p > 0x20 && p < 128) || cls === CLASS_WORD || cls === CLASS_DIGIT;
  return wordish && q > 0x20 && (q < 0xd800 || q > 0xdfff);
}

const isBidiControl = (c: number): boolean => (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
const RIGHT_TO_LEFT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const MARK = /\p{M}/u;
/** Per BMP unit, filled on first use: 1 a mark, 2 a right-to-left letter (displayOrder reads every unit). */
let bidiTable: Uint8Array | undefined;
function bidiKind(cp: number): number {
  if (cp > 0xffff) {
    const ch = String.fromCodePoint(cp);
    return MARK.test(ch) ? 1 : RIGHT_TO_LEFT.test(ch) ? 2 : 0;
  }
  if (!bidiTable) {
    bidiTable = new Uint8Array(65536);
    for (let c = 0; c < 65536; c++) {
      const ch = String.fromCharCode(c);
      bidiTable[c] = MARK.test(ch) ? 1 : RIGHT_TO_LEFT.test(ch) ? 2 : 0;
    }
  }
  return bidiTable[cp]!;
}

/** Text in reading order, and for each of its units the index of the unit of the source it came from. */
export interface DisplayOrder {
  text: string;
  origin: Int32Array;
}

/**
 * s as a reader sees it: bidirectional controls and invisible characters removed, and text that an override shows against its own
 * direction reversed. "Carved \u202eyrovi\u202c bangle" displays, and reads, as "Carved ivory bangle": a
 * right-to-left override (RLO) reverses left-to-right text, a left-to-right one (LRO) right-to-left text.
 * Embeddings and isolates (RLE, RLI, ...) do not reorder letters inside their own direction's text, so
 * only their controls go. An embedding or isolate inside an override ends the override, as in Unicode's
 * algorithm; a line break ends everything.
 */
export function displayOrder(s: string): DisplayOrder {
  const order: number[] = [];
  const reversed: number[] = []; // clusters (source indexes) waiting to be written in reverse
  const overrides: number[] = []; // per open control: 0 none, 1 right-to-left, 2 left-to-right, 3 isolate
  const flush = () => {
    for (let k = reversed.length - 1; k >= 0; k--) {
      // A cluster was pushed as [start, ..., -count]: write its units in their own order.
      const count = -reversed[k]!;
      for (let u = k - count; u < k; u++) order.push(reversed[u]!);
      k -= count;
    }
    reversed.length = 0;
  };
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (isBidiControl(cp)) {
      flush();
      if (cp === 0x202c) {
        if (overrides.length > 0 && overrides[overrides.length - 1] !== 3) overrides.pop();
      } else if (cp === 0x2069) {
        const isolate = overrides.lastIndexOf(3);
        if (isolate >= 0) overrides.length = isolate;
      } else overrides.push(cp === 0x202e ? 1 : cp === 0x202d ? 2 : cp >= 0x2066 ? 3 : 0);
      i += width;
      continue;
    }
    if (DROPPED(cp)) {
      i += width;
      continue;
    }
    if (cp === 0x0a || cp === 0x0d || cp === 0x2029 || cp === 0x85) {
      flush();
      overrides.length = 0;
      order.push(i);
      i += 1;
      continue;
    }
    const override = overrides.length > 0 ? overrides[overrides.length - 1]! : 0;
    const rtl = override !== 0 && bidiKind(cp) === 2;
    const flipped = (override === 1 && !rtl) || (override === 2 && rtl);
    if (!flipped && reversed.length > 0) flush();
    // The cluster: this code point and the marks after it (invisible ones left out).
    const target = flipped ? reversed : order;
    const first = target.length;
    for (let k = 0; k < width; k++) target.push(i + k);
    let end = i + width;
    for (let next = s.codePointAt(end); next !== undefined && next >= 0x300 && bidiKind(next) === 1; ) {
      const w = next > 0xffff ? 2 : 1;
      if (!DROPPED(next)) for (let k = 0; k < w; k++) target.push(end + k);
      end += w;
      next = s.codePointAt(end);
    }
    if (flipped) reversed.push(first - reversed.length);
    i = end;
  }
  flush();
  let text = '';
  for (let k = 0; k < order.length; k += 4096)
    text += String.fromCharCode(...order.slice(k, k + 4096).map((u) => s.charCodeAt(u)));
  return { text, origin: Int32Array.from(order) };
}

/**
 * normalizeInto for text with bidirectional controls: the text in display order (displayOrder), with
 * offsets mapped back to s. A unit's span covers every source unit it came from.
 */
function normalizeDisplayed(s: string, out: NormalizedText, accented: boolean, quick: boolean) {
  const shown = displayOrder(s);
  normalizeInto(shown.text, out, accented, quick, true);
  out.reordered = true;
  if (quick) return out;
  const { origin } = shown;
  for (let u = 0; u < out.length; u++) {
    let from = s.length;
    let to = 0;
    for (let k = out.start[u]!; k < out.end[u]!; k++) {
      from = Math.min(from, origin[k]!);
      to = Math.max(to, origin[k]! + 1);
    }
    out.start[u] = from;
    out.end[u] = to;
  }
  return out;
}

/**
 * Normalises s into out (reusing its buffers). Accented mode keeps Latin diacritics (Vietnamese);
 * plain mode strips them. A quick pass fills only the units, for a first look at the text: it leaves the
 * offsets unset and, in plain mode, stops at the first letter only Vietnamese uses (out.vietnamese tells),
 * since the caller will then read the text in accented mode.
 */
export function normalizeInto(
  s: string,
  out: NormalizedText,
  accented: boolean,
  quick = false,
  inReadingOrder = false,
): NormalizedText {
  const n = s.length;
  out.length = 0;
  out.vietnamese = false;
  out.reordered = false;
  out.ensure(n * 2 + 64);
  const src = out.read(s);
  const fold = accented ? foldAccented : foldPlain;
  let units = out.units;
  let starts = out.start;
  let ends = out.end;
  let len = 0;
  let last = 0x20; // pretend a space precedes the text: no leading space is emitted
  let lastClass = CLASS_SPACE;
  let runEnd = -1; // inside a joined single-letter run, separators before this index are skipped

  for (let i = 0; i < n; i++) {
    let c = src[i]!;
    let width = 1;
    if (i < runEnd) {
      if (SEPARATOR[c] === 1) continue;
    } else runEnd = -1;

    if (c < 128) {
      if (charClass[c] === CLASS_WORD) {
        c |= 0x20;
        if (lastClass !== CLASS_WORD) {
          // A word start: maybe "i.v.o.r.y" (src ends with a 0, so looking one unit ahead is safe).
          if (runEnd < 0 && SEPARATOR[src[i + 1]!] === 1) runEnd = spacedRunEnd(src, i, n);
        } else if (c === last) {
          if (!quick) ends[len - 1] = i + 1; // repeated letter: ivooory -> ivory
          continue;
        }
        // ASCII letters, the commonest units of all, are emitted here, past the general checks below.
        units[len] = c;
        if (!quick) {
          starts[len] = i;
          ends[len] = i + 1;
        }
        len++;
        last = c;
        lastClass = CLASS_WORD;
        continue;
      }
      if (c <= 0x20 || c === 0x7f) c = 0x20;
      else if (LEET[c]! >= 0 && (i < runEnd ? c !== 0x24 : leetAt(src, i, n)))
        c = isCyrillic(last) || isCyrillic(src[i + 1]!) ? cyrillicLeet(c) : LEET[c]!;
    } else {
      // A word start in another script: maybe "ع.ا.ج" or "с.л.о.н", as "i.v.o.r.y" above.
      if (runEnd < 0 && lastClass !== CLASS_WORD && SEPARATOR[src[i + 1]!] === 1 && isLetter(c))
        runEnd = spacedRunEnd(src, i, n);
      let v = fold[c]!;
      if (v === UNKNOWN) v = foldCode(c, accented);
      if (v >= 0) {
        if ((v & VIETNAMESE_FLAG) !== 0) {
          out.vietnamese = true;
          if (quick && !accented) break;
        }
        c = v & 0xffff;
        if ((v & HOMOGLYPH_FLAG) !== 0 && (isAsciiLetter(last) || latinAhead(src, i + 1, fold, accented)))
          c = HOMOGLYPH_TABLE[c]!;
      } else if (v === DROP) {
        continue;
      } else if (!inReadingOrder && (v === BIDI || (v === INVISIBLE && insideWord(src, i)))) {
        return normalizeDisplayed(s, out, accented, quick); // rare: start again in reading order
      } else if (v === INVISIBLE || v === BIDI) {
        continue;
      } else if (v === COMBINE) {
        // A decomposed diacritic in accented mode: compose it onto the previous unit.
        if (len > 0) {
          const composed = (String.fromCharCode(units[len - 1]!) + String.fromCharCode(c)).normalize('NFC');
          if (composed.length === 1) {
            units[len - 1] = composed.charCodeAt(0);
            if (!quick) ends[len - 1] = i + 1;
            last = units[len - 1]!;
          }
        }
        continue;
      } else {
        let folded: string;
        if (v === SURROGATE) {
          const lo = i + 1 < n ? src[i + 1]! : 0;
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            folded = foldAstral(((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000);
            width = 2;
          } else folded = ' '; // a lone high surrogate (invalid UTF-16)
        } else folded = multi[MULTI_BASE - v]!;
        if (len + folded.length + 2 > units.length) {
          out.length = len;
          out.ensure(len + folded.length + (n - i) * 2 + 64);
          units = out.units;
          starts = out.start;
          ends = out.end;
        }
        for (let k = 0; k < folded.length; k++) {
          const u = folded.charCodeAt(k);
          if (u === 0x20 ? last === 0x20 : u === last && charClass[u] === CLASS_WORD) {
            if (len > 0 && !quick) ends[len - 1] = i + width;
            continue;
          }
          units[len] = u;
          if (!quick) {
            starts[len] = i;
            ends[len] = i + width;
          }
          len++;
          last = u;
          lastClass = charClass[u]!;
        }
        i += width - 1;
        continue;
      }
    }

    // Emit one unit c for s[i, i + width).
    const cls = charClass[c]!;
    if (c === 0x20) {
      if (last === 0x20) continue;
      // Spaces between two unspaced-script letters are dropped (象 牙, งา ช้าง).
      if (lastClass === CLASS_UNSPACED && i + 1 < n && charClass[src[i + 1]!] === CLASS_UNSPACED) continue;
    } else if (c === last && (cls === CLASS_WORD || cls === CLASS_UNSPACED)) {
      if (!quick) ends[len - 1] = i + width; // repeated letter: ivooory -> ivory
      continue;
    } else if (
      lastClass === CLASS_UNSPACED &&
      SEPARATOR[c] === 1 &&
      i + 1 < n &&
      charClass[src[i + 1]!] === CLASS_UNSPACED
    ) {
      continue;
    }
    units[len] = c;
    if (!quick) {
      starts[len] = i;
      ends[len] = i + width;
    }
    len++;
    last = c;
    lastClass = cls;
  }
  if (len > 0 && units[len - 1] === 0x20) len--;
  out.length = len;
  return out;
}

/** Letters that only Vietnamese uses among Latin-script languages (ă, đ, ơ, ư and the stacked tones). */
const VIETNAMESE = new Uint8Array(65536);
for (const c of [0x102, 0x103, 0x110, 0x111, 0x1a0, 0x1a1, 0x1af, 0x1b0]) VIETNAMESE[c] = 1;
VIETNAMESE.fill(1, 0x1ea0, 0x1efa);

/** Whether text looks Vietnamese: it has letters only Vietnamese uses. */
export function looksVietnamese(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (VIETNAMESE[s.charCodeAt(i)] === 1) return true;
  return false;
}

/** Normalises a library term to the string the automaton stores (same folding as listings). */
const termBuffer = new NormalizedText(256);
export function normalizeTerm(term: string, accented: boolean): string {
  const out = normalizeInto(term, termBuffer, accented);
  return out.toString().trim();
}

/**
 * The tables the WebAssembly quick check copies (quick-check.ts). The fold tables and `multi` grow as new
 * characters are met (foldCode).
 */
export const normalizerTables = {
  separator: SEPARATOR,
  leet: LEET,
  homoglyph: HOMOGLYPH_TABLE,
  foldPlain,
  foldAccented,
  multi: multi as readonly string[],
  UNKNOWN,
};
