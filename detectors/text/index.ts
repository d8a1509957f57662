// Text screening: normalise title and description, run the library's automaton over both, and score the
// hits with their context into an explained verdict. Public contract: screenText(listing).
import type { Verdict } from '../../shared/listing.ts';
import { getActiveLibrary } from './active.ts';
import { type CompiledLibrary, FLAG_INFLECT, FLAG_LEFT, FLAG_RIGHT } from './compile.ts';
import {
  CLASS_DIGIT,
  CLASS_WORD,
  charClass,
  looksVietnamese,
  NormalizedText,
  normalizeInto,
} from './normalize.ts';
import { decide, isPositive, type ScoredHit } from './score.ts';
import { findNumericSignals } from './signals.ts';

export { getActiveLibrary, onLibraryChange, setActiveLibrary } from './active.ts';
export { type CompiledLibrary, compileLibrary } from './compile.ts';

/**
 * Longest field screened, in UTF-16 units. Longer text is screened up to this point and the result says
 * `truncated: true`; API and CLI reject longer input before it gets here (shared/listing.ts).
 */
export const MAX_SCREENED_LENGTH = 20_000;

export interface TextListing {
  id?: string;
  title: string;
  description?: string;
  language?: string;
}

export type TextField = 'title' | 'description';

export interface TextEvidence {
  term: string;
  kind: string;
  field: TextField;
  start: number;
  end: number;
  species?: string;
}

export interface TextScreenResult {
  verdict: Verdict;
  score: number;
  species: string[];
  evidence: TextEvidence[];
  /** The library version that produced this result. */
  libraryVersion?: string;
  /** Set when a field was longer than MAX_SCREENED_LENGTH and only its start was screened. */
  truncated?: boolean;
}

const isWord = (u: number): boolean => charClass[u] === CLASS_WORD || charClass[u] === CLASS_DIGIT;

// Reused between calls: screening is synchronous, so one buffer per field is enough.
const buffers = { title: new NormalizedText(), description: new NormalizedText() };

/** Appends the library hits found in one normalised field, with word boundaries and plurals applied. */
function collectHits(lib: CompiledLibrary, text: NormalizedText, field: TextField, into: ScoredHit[]): void {
  const { count, hits } = lib.automaton.scan(text.units, text.length);
  const units = text.units;
  for (let k = 0; k < count; k++) {
    const pattern = hits[2 * k]!;
    let end = hits[2 * k + 1]!;
    const start = end - lib.automaton.patternLength[pattern]!;
    const flags = lib.patternFlags[pattern]!;
    if (flags & FLAG_LEFT && start > 0 && isWord(units[start - 1]!)) continue;
    if (flags & FLAG_RIGHT && end < text.length && isWord(units[end]!)) {
      // Allow a plural ending: "tusks", "pangolines".
      const s1 = end + 1 <= text.length && units[end] === 0x73;
      const es = units[end] === 0x65 && units[end + 1] === 0x73;
      if (!(flags & FLAG_INFLECT)) continue;
      if (s1 && (end + 1 === text.length || !isWord(units[end + 1]!))) end += 1;
      else if (es && (end + 2 === text.length || !isWord(units[end + 2]!))) end += 2;
      else continue;
    }
    for (let p = lib.patternEntryStart[pattern]!; p < lib.patternEntryStart[pattern + 1]!; p++) {
      into.push({
        entry: lib.entries[lib.patternEntries[p]!]!,
        field,
        start: text.start[start]!,
        end: text.end[end - 1]!,
      });
    }
  }
}

/** Drops hits inside a longer hit of the same field ("ivory" inside "vegetable ivory"), and duplicates. */
function resolveOverlaps(hits: ScoredHit[]): ScoredHit[] {
  const kept: ScoredHit[] = [];
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    let covered = false;
    for (let j = 0; j < hits.length && !covered; j++) {
      const g = hits[j]!;
      if (j === i || g.field !== h.field || g.start > h.start || g.end < h.end) continue;
      const longer = g.end - g.start > h.end - h.start;
      // A legality wrapper or sale phrase around a wildlife term must not hide it.
      const wrapper =
        (g.entry.kind === 'sale' || g.entry.kind === 'legality') && h.entry.kind !== g.entry.kind;
      if (longer) covered = !wrapper;
      else covered = j < i && (g.entry === h.entry || g.entry.kind === h.entry.kind);
    }
    if (!covered) kept.push(h);
  }
  return kept;
}

export function screenWith(lib: CompiledLibrary, listing: TextListing): TextScreenResult {
  let title = typeof listing.title === 'string' ? listing.title : '';
  let description = typeof listing.description === 'string' ? listing.description : '';
  let truncated = false;
  if (title.length > MAX_SCREENED_LENGTH) {
    title = title.slice(0, MAX_SCREENED_LENGTH);
    truncated = true;
  }
  if (description.length > MAX_SCREENED_LENGTH) {
    description = description.slice(0, MAX_SCREENED_LENGTH);
    truncated = true;
  }
  const accented =
    listing.language?.toLowerCase().startsWith('vi') === true ||
    looksVietnamese(title) ||
    looksVietnamese(description);
  const t = normalizeInto(title, buffers.title, accented);
  const d = normalizeInto(description, buffers.description, accented);
  const raw: ScoredHit[] = [];
  collectHits(lib, t, 'title', raw);
  collectHits(lib, d, 'description', raw);
  const result: TextScreenResult = {
    verdict: 'allow',
    score: 0,
    species: [],
    evidence: [],
    libraryVersion: lib.version,
  };
  if (truncated) result.truncated = true;
  if (raw.length === 0) return result;

  const hits = resolveOverlaps(raw);
  const evidence: TextEvidence[] = hits.map((h) => {
    const e: TextEvidence = {
      term: h.entry.term,
      kind: h.entry.kind,
      field: h.field,
      start: h.start,
      end: h.end,
    };
    if (h.entry.species) e.species = h.entry.species;
    return e;
  });
  // Prices and phone numbers only matter once there is something to sell.
  let numericSale = false;
  const positive = hits.some((h) => isPositive(h.entry));
  const fields = [
    ['title', t],
    ['description', d],
  ] as const;
  for (const [field, text] of positive ? fields : []) {
    for (const s of findNumericSignals(text)) {
      numericSale = true;
      evidence.push({
        term: s.term,
        kind: 'sale',
        field,
        start: text.start[s.start]!,
        end: text.end[s.end - 1]!,
      });
    }
  }
  const decision = decide(hits, numericSale, lib);
  result.verdict = decision.verdict;
  result.score = decision.score;
  result.species = decision.species;
  result.evidence = evidence.sort((a, b) =>
    a.field === b.field ? a.start - b.start : a.field === 'title' ? -1 : 1,
  );
  return result;
}

/** Library entries found in one short text (a search query), overlaps resolved, with original offsets. */
export function matchText(lib: CompiledLibrary, text: string, language?: string): ScoredHit[] {
  const input = text.slice(0, MAX_SCREENED_LENGTH);
  const accented = language?.toLowerCase().startsWith('vi') === true || looksVietnamese(input);
  const hits: ScoredHit[] = [];
  collectHits(lib, normalizeInto(input, new NormalizedText(input.length * 2 + 16), accented), 'title', hits);
  return resolveOverlaps(hits);
}

/** Screens one listing's text with the active library version. */
export function screenText(listing: TextListing): TextScreenResult {
  return screenWith(getActiveLibrary(), listing);
}
