// Compiles a validated keyword library once per version: every active entry becomes one or more normalised
// patterns in a single CompactAutomaton, plus flat per-pattern and per-entry tables the scorer reads.
import type { Entry, Library, Species } from '../../keywords/schema.ts';
import { type AutomatonTables, buildAutomatonTables, CompactAutomaton } from './automaton.ts';
import { ANIMAL_EMOJI, CLASS_DIGIT, CLASS_WORD, charClass, normalizeTerm } from './normalize.ts';
import { isPositive } from './score.ts';

/** The pattern needs a word boundary before it (it starts with a letter of a spaced script). */
export const FLAG_LEFT = 1;
/** The pattern needs a word boundary after it. */
export const FLAG_RIGHT = 2;
/** The pattern may be followed by a plural "s"/"es" before the boundary (Latin-script languages). */
export const FLAG_INFLECT = 4;
// The flags below are checked on the full path only (scriptEnd in index.ts): the quick check, in
// JavaScript and WebAssembly alike, matches these patterns without boundaries, which finds a superset.
/**
 * Arabic: clitics attach to words, so a word boundary or a clitic prefix (و ف ب ك ل ال and their
 * combinations) before the pattern, and a boundary or a short suffix (ي ه ا ت ن و) after it.
 */
export const FLAG_ARABIC = 8;
/** Thai, Lao, Khmer, Myanmar: the match must not split a syllable (a mark after it, a preposed vowel before it). */
export const FLAG_CLUSTER = 16;
/**
 * A short pattern of a script written without spaces (up to three Thai, Lao, Khmer or Myanmar units, one
 * Chinese or Japanese character: "งา" in "งาน"): it must start and end on dictionary word boundaries
 * (Intl.Segmenter). Longer patterns are words or compounds on their own.
 */
export const FLAG_SEGMENT = 32;

const INFLECTING = new Set(['en', 'fr', 'es', 'pt', 'de', 'it', 'nl']);
/** Languages whose diacritics carry meaning: terms keep them, and listings are read in accented mode. */
export const ACCENTED_LANGUAGES = new Set(['vi']);

export interface CompiledLibrary {
  readonly version: string;
  readonly library: Library;
  /** Active entries only; indexes below refer to this array. */
  readonly entries: readonly Entry[];
  readonly species: ReadonlyMap<string, Species>;
  readonly automaton: CompactAutomaton;
  readonly patterns: readonly string[];
  readonly patternFlags: Uint8Array;
  readonly patternEntryStart: Int32Array;
  readonly patternEntries: Int32Array;
  /** 1 for entries that are wildlife evidence (species, product with a species, code, hashtag). */
  readonly entryPositive: Uint8Array;
}

const baseLanguage = (tag: string): string => tag.split('-')[0]!;

function isWordUnit(u: number): boolean {
  const c = charClass[u];
  return c === CLASS_WORD || c === CLASS_DIGIT;
}

const ARABIC = /^[\p{sc=Arabic}\s]+$/u;
const HANGUL_END = /\p{sc=Hangul}$/u;
const SYLLABIC = /^[\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]+$/u;
const HAN_KANA = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u3005\u30fc]+$/u;

/**
 * Boundary flags of a pattern form: Latin-style word boundaries for spaced scripts, except after Korean
 * (particles attach: 상아를) and around Arabic (clitics, see FLAG_ARABIC); syllable and dictionary
 * boundaries for scripts written without spaces, whose words no space marks.
 */
export function boundaryFlags(form: string, language: string): number {
  if (ARABIC.test(form)) return FLAG_ARABIC;
  let flags = 0;
  if (isWordUnit(form.charCodeAt(0))) flags |= FLAG_LEFT;
  if (isWordUnit(form.charCodeAt(form.length - 1)) && !HANGUL_END.test(form)) flags |= FLAG_RIGHT;
  if (INFLECTING.has(baseLanguage(language)) && charClass[form.charCodeAt(form.length - 1)] === CLASS_WORD)
    flags |= FLAG_INFLECT;
  if (SYLLABIC.test(form)) flags |= FLAG_CLUSTER | (form.length <= 3 ? FLAG_SEGMENT : 0);
  else if (HAN_KANA.test(form) && form.length === 1) flags |= FLAG_SEGMENT;
  return flags;
}

/**
 * "1" written for "l" ("e1ephant", "sku1l", "pango1in sca1es"): the text folds a "1" inside a word to
 * "i", so a wildlife term with an "l" also gets forms with "1" for some of its "l"s, folded the same way.
 * Only long forms: a short one ("1ion" -> "ion") would be another word.
 */
function digitOneForms(raw: string, plain: string): string[] {
  if (!/l/i.test(raw) || !/^[a-z ]+$/.test(plain)) return [];
  // Each "l" alone, every "l" of each word, and every "l" of the term.
  const at = [...raw.matchAll(/l/gi)].map((m) => m.index);
  const variants = at.map((k) => `${raw.slice(0, k)}1${raw.slice(k + 1)}`);
  const words = raw.split(' ');
  words.forEach((_, k) => {
    variants.push(words.map((w, j) => (j === k ? w.replace(/l/gi, '1') : w)).join(' '));
  });
  variants.push(raw.replace(/l/gi, '1'));
  const forms = new Set<string>();
  for (const variant of variants) {
    const form = normalizeTerm(variant, false);
    if (form !== plain && /^[a-z ]+$/.test(form) && form.replaceAll(' ', '').length >= 6) forms.add(form);
  }
  return [...forms];
}

/** The normalised forms an entry is matched by (spelling folds, never new words). */
export function patternForms(entry: Entry): string[] {
  const raw =
    entry.kind === 'hashtag' || entry.term.startsWith('#') ? entry.term.replace(/^#+/, '') : entry.term;
  const forms = new Set<string>();
  const plain = normalizeTerm(raw, false);
  if (ACCENTED_LANGUAGES.has(baseLanguage(entry.language))) {
    const accented = normalizeTerm(raw, true);
    forms.add(accented);
    // Unaccented Vietnamese is common online, but a single unaccented word ("nga") is a different word.
    if (accented === plain || plain.includes(' ')) forms.add(plain);
  } else {
    forms.add(plain);
    if (isPositive(entry) && entry.fpRisk !== 'high') {
      for (const form of digitOneForms(raw, plain)) forms.add(form);
    }
    // A listing with one Vietnamese line is read in accented mode, where "bébé singe" keeps its accents:
    // match the accented spelling too, so that line cannot hide the rest.
    forms.add(normalizeTerm(raw, true));
  }
  // Multi-word Latin terms also match run together, as in hashtags (#rhinohorn).
  for (const f of [...forms]) {
    if (f.includes(' ') && isWordUnit(f.charCodeAt(0))) {
      const joined = f.replaceAll(' ', '');
      if (joined.length >= 6) forms.add(joined);
    }
  }
  forms.delete('');
  return [...forms];
}

/** Everything compiled from a library, as plain data: what a worker thread hands back (see compile-off-thread.ts). */
export type CompiledTables = Pick<
  CompiledLibrary,
  'patterns' | 'patternFlags' | 'patternEntryStart' | 'patternEntries' | 'entryPositive'
> & { automaton: AutomatonTables };

/**
 * Entries for animal emoji (ANIMAL_EMOJI in normalize.ts): an emoji used as a species name is weak
 * evidence of its own, so next to a product or trade word ("🦜 chicks for sale", "🐢 shell comb") it
 * reaches review, and never blocks alone. They match the marker only an emoji produces, not the word.
 */
const emojiEntries = (library: Library): Entry[] =>
  ANIMAL_EMOJI.map(
    ({ emoji, species }): Entry => ({
      term: emoji,
      language: 'und',
      kind: 'code',
      ...(species && library.species.some((s) => s.key === species) ? { species } : {}),
      strength: 'weak',
      fpRisk: 'medium',
      provenance: { addedBy: 'text engine: animal emoji', needsNativeReview: false },
      addedIn: '1.0.0',
      status: 'active',
      note: 'an animal emoji standing for a species name',
    }),
  ).map((entry) => {
    emojiEntrySet.add(entry);
    return entry;
  });

const emojiEntrySet = new WeakSet<Entry>();
/** Whether an entry is one of the animal emoji entries (their hits overlap the word spelled out). */
export const isEmojiEntry = (entry: Entry): boolean => emojiEntrySet.has(entry);

/** The entries the engine matches: the library's active ones, then the emoji entries. */
const activeEntries = (library: Library): Entry[] => [
  ...library.entries.filter((e) => e.status === 'active'),
  ...emojiEntries(library),
];

/** Compiles a library on this thread (activating it is setActiveLibrary's job). */
export function compileLibrary(library: Library): CompiledLibrary {
  return assembleLibrary(library, compileTables(library));
}

/** Puts a library and its compiled tables together (cheap: the tables are used as they are). */
export function assembleLibrary(library: Library, tables: CompiledTables): CompiledLibrary {
  return {
    version: library.version,
    library,
    entries: activeEntries(library),
    species: new Map(library.species.map((s) => [s.key, s])),
    ...tables,
    automaton: new CompactAutomaton(tables.automaton),
  };
}

/** The expensive part of compiling: pattern forms, their flags and the automaton. */
export function compileTables(library: Library): CompiledTables {
  const entries = activeEntries(library);
  const byPattern = new Map<string, { flags: number; entries: number[] }>();
  entries.forEach((entry, index) => {
    for (const form of patternForms(entry)) {
      // Dictionary boundaries only for wildlife terms: a sale word ("ขาย") is common, and costs a segmenter
      // call on every hit, while a sale signal on its own decides nothing.
      const flags = boundaryFlags(form, entry.language) & (isPositive(entry) ? ~0 : ~FLAG_SEGMENT);
      const slot = byPattern.get(form);
      if (slot) {
        slot.flags |= flags & FLAG_INFLECT;
        if (!slot.entries.includes(index)) slot.entries.push(index);
      } else byPattern.set(form, { flags, entries: [index] });
    }
  });
  const patterns = [...byPattern.keys()];
  const patternFlags = new Uint8Array(patterns.length);
  const patternEntryStart = new Int32Array(patterns.length + 1);
  const list: number[] = [];
  patterns.forEach((p, i) => {
    const slot = byPattern.get(p)!;
    patternFlags[i] = slot.flags;
    patternEntryStart[i] = list.length;
    list.push(...slot.entries);
  });
  patternEntryStart[patterns.length] = list.length;
  const patternEntries = Int32Array.from(list);
  const entryPositive = Uint8Array.from(entries, (e) => (isPositive(e) ? 1 : 0));
  return {
    // Key patterns are those of wildlife evidence: a listing without one is allowed without scoring.
    automaton: buildAutomatonTables(patterns, {
      isKey: (p) =>
        patternEntries
          .subarray(patternEntryStart[p]!, patternEntryStart[p + 1]!)
          .some((e) => entryPositive[e] === 1),
    }),
    patterns,
    patternFlags,
    patternEntryStart,
    patternEntries,
    entryPositive,
  };
}
