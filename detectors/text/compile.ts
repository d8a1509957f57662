// Compiles a validated keyword library once per version: every active entry becomes one or more normalised
// patterns in a single CompactAutomaton, plus flat per-pattern and per-entry tables the scorer reads.
import type { Entry, Library, Species } from '../../keywords/schema.ts';
import { type AutomatonTables, buildAutomatonTables, CompactAutomaton } from './automaton.ts';
import { CLASS_DIGIT, CLASS_WORD, charClass, normalizeTerm } from './normalize.ts';
import { isPositive } from './score.ts';

/** The pattern needs a word boundary before it (it starts with a letter of a spaced script). */
export const FLAG_LEFT = 1;
/** The pattern needs a word boundary after it. */
export const FLAG_RIGHT = 2;
/** The pattern may be followed by a plural "s"/"es" before the boundary (Latin-script languages). */
export const FLAG_INFLECT = 4;

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

const activeEntries = (library: Library): Entry[] => library.entries.filter((e) => e.status === 'active');

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
      let flags = 0;
      if (isWordUnit(form.charCodeAt(0))) flags |= FLAG_LEFT;
      if (isWordUnit(form.charCodeAt(form.length - 1))) flags |= FLAG_RIGHT;
      if (
        INFLECTING.has(baseLanguage(entry.language)) &&
        charClass[form.charCodeAt(form.length - 1)] === CLASS_WORD
      )
        flags |= FLAG_INFLECT;
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
