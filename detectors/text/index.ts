// Text screening: normalise title and description, run the library's automaton over both, and score the
// hits with their context into an explained verdict. Public contract: screenText(listing).
import { entryId } from '../../keywords/schema.ts';
import { type Verdict, verdictRank } from '../../shared/listing.ts';
import { getActiveLibrary } from './active.ts';
import {
  type CompiledLibrary,
  FLAG_ARABIC,
  FLAG_CLUSTER,
  FLAG_INFLECT,
  FLAG_LEFT,
  FLAG_RIGHT,
  FLAG_SEGMENT,
  isEmojiEntry,
} from './compile.ts';
import { extractFeatures, type ListingSignals } from './features.ts';
import {
  CLASS_DIGIT,
  CLASS_WORD,
  charClass,
  looksVietnamese,
  NormalizedText,
  normalizeInto,
} from './normalize.ts';
import { QUICK_KEY, QUICK_NONE, QUICK_UNSURE, quickCheck } from './quick-check.ts';
import {
  type Decision,
  decide,
  isFormCue,
  isPositive,
  PICTOGRAPH,
  REVIEW_THRESHOLD,
  type ScoredHit,
} from './score.ts';
import { getActiveModel, predict, type ScorerModel, type ScorerOpinion } from './scorer-model.ts';
import { findNumericSignals } from './signals.ts';

export { getActiveLibrary, onLibraryChange, setActiveLibrary } from './active.ts';
export { type CompiledLibrary, compileLibrary } from './compile.ts';

/**
 * Longest field screened, in UTF-16 units. Longer text is screened up to this point and the result says
 * `truncated: true`; API and CLI reject longer input before it gets here (shared/listing.ts).
 */
export const MAX_SCREENED_LENGTH = 20_000;

/** Most evidence items returned per listing (all hits still count towards the score). */
export const MAX_EVIDENCE = 200;

export interface TextListing {
  id?: string;
  title: string;
  description?: string;
  language?: string;
}

export type TextField = 'title' | 'description';

export interface TextEvidence {
  term: string;
  /** The library entry's id (keywords/schema.ts entryId); absent for prices and phone numbers. */
  entry?: string;
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
  /** The learned scorer's opinion, when a model was active and the listing held a wildlife term. */
  scorer?: ScorerOpinion;
  /** The rules' verdict rests on a strong term its context did not explain away: no model lowers it. */
  strongRule?: true;
}

const isWord = (u: number): boolean => charClass[u] === CLASS_WORD || charClass[u] === CLASS_DIGIT;

// Reused between calls: screening is synchronous, so one buffer per field is enough.
const buffers = { title: new NormalizedText(), description: new NormalizedText() };

/**
 * Finds pattern occurrences in normalised text: match k is pattern hits[2k] ending at hits[2k + 1]. The
 * compiled automaton is the default; the benchmark swaps in other matchers behind the same pipeline.
 */
export interface Scanner {
  /** Scans normalised text; returns the match count, matches left in `hits`. */
  scan(text: NormalizedText): number;
  readonly hits: Int32Array;
}

/** The library's automaton as a scanner, with its key check. */
interface AutomatonScanner extends Scanner {
  /** "May this text hold wildlife evidence?": a key pattern at word boundaries (false means certainly not). */
  mayHaveEvidence(text: NormalizedText): boolean;
}

// One scanner object per compiled library, so screening allocates nothing per call to find matches.
const scanners = new WeakMap<CompiledLibrary, AutomatonScanner>();
function automatonScanner(lib: CompiledLibrary): AutomatonScanner {
  let scanner = scanners.get(lib);
  if (!scanner) {
    const automaton = lib.automaton;
    // One boundary check for every call (no closure per listing): it reads the text being checked.
    let checking: NormalizedText | undefined;
    const atBoundaries = (pattern: number, end: number) => boundedEnd(lib, checking!, pattern, end) >= 0;
    scanner = {
      scan: (text) => automaton.scan(text.units, text.length),
      get hits() {
        return automaton.hits;
      },
      mayHaveEvidence: (text) => {
        checking = text;
        return automaton.hasKeyMatch(text.units, text.length, atBoundaries);
      },
    };
    scanners.set(lib, scanner);
  }
  return scanner;
}

// Raw hits of the current call, four ints each: entry, field (0 title, 1 description), start, end (original
// offsets). Objects are only made when a listing has wildlife evidence, which most listings do not.
let raw = new Int32Array(1024);
let rawCount = 0;
const FIELDS: readonly TextField[] = ['title', 'description'];

/**
 * Where a pattern match ending at `end` really ends once word boundaries and plurals ("tusks",
 * "pangolines") are applied, or -1 when the match is inside a longer word.
 */
function boundedEnd(lib: CompiledLibrary, text: NormalizedText, pattern: number, end: number): number {
  const units = text.units;
  const start = end - lib.automaton.tables.patternLength[pattern]!;
  const flags = lib.patternFlags[pattern]!;
  if (flags & FLAG_LEFT && start > 0 && isWord(units[start - 1]!)) return -1;
  if (!(flags & FLAG_RIGHT) || end >= text.length || !isWord(units[end]!)) return end;
  if (!(flags & FLAG_INFLECT)) return -1;
  if (units[end] === 0x73 && (end + 1 === text.length || !isWord(units[end + 1]!))) return end + 1;
  if (
    units[end] === 0x65 &&
    end + 1 < text.length &&
    units[end + 1] === 0x73 &&
    (end + 2 === text.length || !isWord(units[end + 2]!))
  )
    return end + 2;
  return -1;
}

/** Arabic clitic prefixes and suffix letters (after folding: ة is ه, ى is ي). */
const WAW = 0x648;
const FA = 0x641;
const BA = 0x628;
const KAF = 0x643;
const LAM = 0x644;
const ALEF = 0x627;
const ARABIC_SUFFIX = new Set([0x64a, 0x647, 0x627, 0x62a, 0x646, 0x648]);
/** Units that continue the syllable before them (Thai, Lao, Khmer, Myanmar marks; Thai and Lao ะ า ำ). */
const CONTINUES = /[\p{M}\u0e30\u0e32\u0e33\u0e45\u0eb0\u0eb2\u0eb3]/u;
/** Units that start a syllable with the one after them (preposed vowels, Khmer coeng, Myanmar virama). */
const PRECEDES = /[\u0e40-\u0e44\u0ec0-\u0ec4\u17d2\u1039]/u;

/** Whether units[from, to) is a clitic prefix: و or ف, then ب, ك or ل, then ال, each optional. */
function arabicPrefix(units: Uint16Array, from: number, to: number): boolean {
  let k = from;
  if (k < to && (units[k] === WAW || units[k] === FA)) k++;
  if (k < to && (units[k] === BA || units[k] === KAF || units[k] === LAM)) k++;
  if (k + 2 <= to && units[k] === ALEF && units[k + 1] === LAM) k += 2;
  return k === to;
}

/** Context on each side of a match that the dictionary segmenter reads (enough for a few words). */
const SEGMENT_CONTEXT = 24;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** Whether original[from, to) starts and ends on dictionary word boundaries (read around it only). */
function onWordBoundaries(original: string, from: number, to: number): boolean {
  const at = Math.max(0, from - SEGMENT_CONTEXT);
  const window = original.slice(at, Math.min(original.length, to + SEGMENT_CONTEXT));
  let start = false;
  let end = to - at === window.length;
  for (const { index } of segmenter.segment(window)) {
    if (index === from - at) start = true;
    if (index === to - at) end = true;
    if (index >= to - at) break;
  }
  return start && end;
}

/**
 * The boundaries of scripts that Latin rules do not fit (FLAG_ARABIC, FLAG_CLUSTER, FLAG_SEGMENT in
 * compile.ts), on a match at units [start, end): where it ends, or -1. Runs on the full path only.
 */
function scriptEnd(
  text: NormalizedText,
  flags: number,
  start: number,
  end: number,
  original: string,
): number {
  const units = text.units;
  if (flags & FLAG_ARABIC) {
    let from = start;
    while (from > 0 && isWord(units[from - 1]!)) from--;
    if (!arabicPrefix(units, from, start)) return -1;
    let to = end;
    while (to < text.length && to - end <= 2 && ARABIC_SUFFIX.has(units[to]!)) to++;
    return to < text.length && isWord(units[to]!) ? -1 : to;
  }
  if (flags & FLAG_CLUSTER) {
    if (end < text.length && CONTINUES.test(String.fromCharCode(units[end]!))) return -1;
    if (start > 0 && PRECEDES.test(String.fromCharCode(units[start - 1]!))) return -1;
  }
  if (flags & FLAG_SEGMENT && !onWordBoundaries(original, text.start[start]!, text.end[end - 1]!)) return -1;
  return end;
}

/**
 * Records the library hits in one normalised field (word and script boundaries and plurals applied);
 * returns how many are wildlife evidence.
 */
function collectRaw(
  lib: CompiledLibrary,
  text: NormalizedText,
  field: number,
  scanner: Scanner,
  original: string,
): number {
  const count = scanner.scan(text);
  const hits = scanner.hits;
  let positives = 0;
  for (let k = 0; k < count; k++) {
    const pattern = hits[2 * k]!;
    let end = boundedEnd(lib, text, pattern, hits[2 * k + 1]!);
    if (end < 0) continue;
    const start = hits[2 * k + 1]! - lib.automaton.tables.patternLength[pattern]!;
    const flags = lib.patternFlags[pattern]!;
    if (flags >= FLAG_ARABIC) {
      end = scriptEnd(text, flags, start, end, original);
      if (end < 0) continue;
    }
    // Units read in display order may map back to spans in any order: take their union.
    let from = text.start[start]!;
    let to = text.end[end - 1]!;
    if (text.reordered) {
      for (let u = start; u < end; u++) {
        from = Math.min(from, text.start[u]!);
        to = Math.max(to, text.end[u]!);
      }
    }
    for (let p = lib.patternEntryStart[pattern]!; p < lib.patternEntryStart[pattern + 1]!; p++) {
      if (rawCount * 4 + 4 > raw.length) {
        const grown = new Int32Array(raw.length * 2);
        grown.set(raw);
        raw = grown;
      }
      const entry = lib.patternEntries[p]!;
      positives += lib.entryPositive[entry]!;
      const at = rawCount * 4;
      raw[at] = entry;
      raw[at + 1] = field;
      raw[at + 2] = from;
      raw[at + 3] = to;
      rawCount++;
    }
  }
  return positives;
}

function materialize(lib: CompiledLibrary): ScoredHit[] {
  const hits: ScoredHit[] = new Array(rawCount);
  for (let k = 0; k < rawCount; k++) {
    hits[k] = {
      entry: lib.entries[raw[4 * k]!]!,
      field: FIELDS[raw[4 * k + 1]!]!,
      start: raw[4 * k + 2]!,
      end: raw[4 * k + 3]!,
    };
  }
  return hits;
}

/** A ball or a trophy in the same run of emoji: `🐯🏉`, `🐆⚽`, `🐯⚾`. */
const SPORT_BESIDE =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\s)*?(?:⚽|⚾|🏀|🏈|🏉|🏏|🏑|🏒|🥎|🏐|🎾|🏆|🥅)/u;
const SPORT_BEFORE =
  /(?:⚽|⚾|🏀|🏈|🏉|🏏|🏑|🏒|🥎|🏐|🎾|🏆|🥅)(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\s)*$/u;

/** An animal emoji beside a ball or a trophy is a team's mascot ("Tigers win! 🐯🏉"), not the animal. */
function mascot(text: string, start: number, end: number): boolean {
  if (!PICTOGRAPH.test(text.slice(start, end))) return false;
  return (
    SPORT_BESIDE.test(text.slice(end, end + 12)) ||
    SPORT_BEFORE.test(text.slice(Math.max(0, start - 12), start))
  );
}

/**
 * "not resin", "no es resina", "không phải nhựa", "不是树脂": a negation before a term, maybe with an
 * article ("not a toy", "n'est pas un jouet") and a word saying the real thing is meant ("pas de la vraie
 * écaille", "不是动物象牙").
 */
const NEGATION =
  /(?:^|[^\p{L}])(?:not|no|non|never|sin|sem|sans|pas|nicht|kein|keine|ohne|bukan|não|não é|không phải|ไม่ใช่|不是|非|没有|si|sio|siyo|не|без|بدون|ليس|ليست|وليس|وليست|مو|غير|नहीं|hindi|មិនមែន|គ្មាន|មិនមាន|ບໍ່ແມ່ນ|ບໍ່ມີ|ไม่มี)(?:\s+(?:a|an|un|une|una|um|uma|de|du|des|of|la|le)){0,2}(?:\s*d['’])?(?:\s+(?:real|genuine|actual|animal|echtes?|vraie?|verdadero|sebenar|asli)|\s*(?:动物|動物|真))?[\s-]*$/iu;

/**
 * Languages that put the negation after the noun: "象牙ではありません", "象牙不使用", "상아 아님", "상아가 아닌",
 * "ဆင်စွယ် မပါ" (no ivory in it), "हाथी दांत नहीं". Right after the term on its line, maybe after a particle
 * (a line that follows, such as a sentence added to the listing, says nothing about it). Hindi's नहीं
 * counts only closing its clause ("हाथी दांत नहीं है"): before a verb it negates the verb ("हाथी दांत नहीं
 * मिलेगा ऐसा दाम", you won't find ivory at this price).
 */
const NEGATION_AFTER =
  /^(?:[^\S\n]*(?:では|じゃ)(?:ない|なく|ありません|ございません)|[^\S\n]*不使用|(?:이|가|은|는)?[^\S\n]*(?:아님|아닙니다|아니에요|아니예요|아니다|아닌|아니고|없음|없습니다|미사용)|[^\S\n]*(?:အစစ်[^\S\n]*)?(?:မပါ|မဟုတ်)|[^\S\n]+(?:नहीं|नही)(?=[^\S\n]*(?:$|[,.;:!?।)\]]|हैं?(?![\p{L}\p{M}]))))/u;

/** Whether a negation qualifies the term at [start, end): right before it, or (in the languages above) after. */
function negated(text: string, start: number, end: number): boolean {
  const before = (at: number) => NEGATION.test(text.slice(Math.max(0, at - 22), at));
  // A letter doubled across the join ("ບໍ່ແມ່ນນໍແຮດ": the negation's last letter, the term's first) reads as
  // one letter to the matcher, whose hit then starts on the negation's last letter.
  return (
    before(start) ||
    (text[start] === text[start + 1] && before(start + 1)) ||
    NEGATION_AFTER.test(text.slice(end, end + 24))
  );
}

/**
 * Drops hits inside a longer hit of the same field ("ivory" inside "vegetable ivory") and duplicates of a
 * span. One sort and one sweep, so a text stuffed with keywords stays linear-logarithmic.
 */
function resolveOverlaps(hits: ScoredHit[]): ScoredHit[] {
  const order = hits
    .map((h, i) => ({ h, i }))
    .sort((a, b) =>
      a.h.field !== b.h.field
        ? a.h.field < b.h.field
          ? -1
          : 1
        : a.h.start - b.h.start || b.h.end - a.h.end || a.i - b.i,
    );
  const kept: ScoredHit[] = [];
  let field: TextField | null = null;
  // Furthest end so far among earlier (hence enclosing-or-earlier) hits, apart from sale/legality wrappers.
  let coverEnd = -1;
  let coverStart = -1;
  let wrapEnd = -1;
  let wrapStart = -1;
  let prev: ScoredHit | null = null;
  for (const { h } of order) {
    if (h.field !== field) {
      field = h.field;
      coverEnd = wrapEnd = -1;
      prev = null;
    }
    const wrapper = h.entry.kind === 'sale' || h.entry.kind === 'legality';
    const sameSpanAsPrev = prev !== null && prev.start === h.start && prev.end === h.end;
    const duplicate = sameSpanAsPrev && (prev!.entry === h.entry || prev!.entry.kind === h.entry.kind);
    // Strictly longer enclosing hit: ends later, or ends here but starts earlier. An animal emoji counts
    // beside the term its word starts ("🐢 shell": the emoji and "turtle shell").
    const inCover =
      !isEmojiEntry(h.entry) && (coverEnd > h.end || (coverEnd === h.end && coverStart < h.start));
    // A legality wrapper or sale phrase around a wildlife term must not hide it; it hides its own kind.
    const inWrap = wrapper && (wrapEnd > h.end || (wrapEnd === h.end && wrapStart < h.start));
    if (!duplicate && !inCover && !inWrap) kept.push(h);
    if (wrapper) {
      if (h.end > wrapEnd) {
        wrapEnd = h.end;
        wrapStart = h.start;
      }
    } else if (h.end > coverEnd) {
      coverEnd = h.end;
      coverStart = h.start;
    }
    prev = h;
  }
  return kept;
}

/**
 * The quick check in JavaScript (the reference for the WebAssembly one, quick-check.ts): quick
 * normalisation, units only, then the scanner's key check on each field. QUICK_NONE or QUICK_KEY.
 */
export function quickCheckInJs(
  lib: CompiledLibrary,
  title: string,
  description: string,
  accented: boolean,
): number {
  const scan = automatonScanner(lib);
  let t = normalizeInto(title, buffers.title, accented, true);
  let d = !accented && t.vietnamese ? t : normalizeInto(description, buffers.description, accented, true);
  if (!accented && (t.vietnamese || d.vietnamese)) {
    t = normalizeInto(title, buffers.title, true, true);
    d = normalizeInto(description, buffers.description, true, true);
  }
  return scan.mayHaveEvidence(t) || scan.mayHaveEvidence(d) ? QUICK_KEY : QUICK_NONE;
}

interface Analysis {
  result: TextScreenResult;
  /** Absent when the first stage settled the listing (no wildlife term). */
  signals?: ListingSignals;
}

/** The first stage: normalise, match, resolve overlaps and negations, find prices and phone numbers. */
function analyze(lib: CompiledLibrary, listing: TextListing, scanner?: Scanner): Analysis {
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
  const scan = scanner ?? automatonScanner(lib);
  const result: TextScreenResult = {
    verdict: 'allow',
    score: 0,
    species: [],
    evidence: [],
    libraryVersion: lib.version,
  };
  if (truncated) result.truncated = true;
  // Plain mode unless the listing says Vietnamese or has letters only Vietnamese uses (diacritics kept).
  let accented = typeof listing.language === 'string' && listing.language.toLowerCase().startsWith('vi');
  // Quick check first: most listings hold no wildlife term at all, and are allowed here (sale words or
  // lookalikes alone cannot produce a verdict). WebAssembly answers most; JavaScript the rest.
  // (The benchmark's other matchers skip it: they are measured on the full path.)
  if (!scanner) {
    let quick = quickCheck(lib, title, description, accented);
    if (quick === QUICK_UNSURE) quick = quickCheckInJs(lib, title, description, accented);
    if (quick === QUICK_NONE) return { result };
  }
  if (!accented) accented = looksVietnamese(title) || looksVietnamese(description);
  const t = normalizeInto(title, buffers.title, accented);
  const d = normalizeInto(description, buffers.description, accented);
  rawCount = 0;
  const positives = collectRaw(lib, t, 0, scan, title) + collectRaw(lib, d, 1, scan, description);
  if (positives === 0) return { result }; // no wildlife evidence once word boundaries are applied

  // A negation cancels a lookalike term ("not resin") or a sale cue ("not selling") and drops a wildlife
  // term's mention ("not ivory"). One animal emoji counts, however many there are: a row of them
  // ("🦁🐯🐘") is decoration as often as not.
  let emoji = false;
  const hits = resolveOverlaps(materialize(lib)).filter((h) => {
    if (mascot(h.field === 'title' ? title : description, h.start, h.end)) return false;
    if (isEmojiEntry(h.entry)) {
      if (emoji) return false;
      emoji = true;
    }
    if (!negated(h.field === 'title' ? title : description, h.start, h.end)) return true;
    if (h.entry.kind !== 'negative' && isPositive(h.entry)) h.negated = true;
    // "not selling", "not for sale", "no tiger fangs": a negated sale cue or product form offers nothing,
    // like a negated lookalike.
    return h.entry.kind !== 'negative' && h.entry.kind !== 'sale' && !isFormCue(h.entry);
  });
  const evidence: TextEvidence[] = hits.map((h) => {
    const e: TextEvidence = {
      term: h.entry.term,
      entry: entryId(h.entry),
      kind: h.entry.kind,
      field: h.field,
      start: h.start,
      end: h.end,
    };
    if (h.entry.species) e.species = h.entry.species;
    return e;
  });
  // Prices and phone numbers only matter once there is something to sell.
  let price = false;
  let phone = false;
  const fields = [
    ['title', t],
    ['description', d],
  ] as const;
  for (const [field, text] of fields) {
    for (const s of findNumericSignals(text)) {
      if (s.term === 'price') price = true;
      else phone = true;
      evidence.push({
        term: s.term,
        kind: 'sale',
        field,
        start: text.start[s.start]!,
        end: text.end[s.end - 1]!,
      });
    }
  }
  result.evidence = evidence
    .sort((a, b) => (a.field === b.field ? a.start - b.start : a.field === 'title' ? -1 : 1))
    .slice(0, MAX_EVIDENCE);
  return { result, signals: { hits, texts: { title, description }, price, phone } };
}

/**
 * Screens with a given compiled library (and, for the benchmark, another matcher). The rules of score.ts
 * decide; with a scorer model, the model decides between allow and review instead, except that it can
 * never lower a verdict resting on a strong term (Decision.strong) and never blocks by itself.
 * Never throws on bad input.
 */
export function screenWith(
  lib: CompiledLibrary,
  listing: TextListing,
  scanner?: Scanner,
  model?: ScorerModel | null,
): TextScreenResult {
  const { result, signals } = analyze(lib, listing, scanner);
  if (!signals) return result;
  const decision = decide(signals.hits, signals.price || signals.phone, lib, signals.texts);
  result.verdict = decision.verdict;
  result.score = decision.score;
  result.species = decision.species;
  if (decision.strong) result.strongRule = true;
  if (model) withModel(result, decision, signals, lib, model);
  return result;
}

function withModel(
  result: TextScreenResult,
  decision: Decision,
  signals: ListingSignals,
  lib: CompiledLibrary,
  model: ScorerModel,
): void {
  const { features, species, evidence } = extractFeatures(signals, lib, decision.score, vocabularyOf(model));
  // Terms their own context explained away stay explained away: the model weighs wildlife evidence only.
  if (evidence === 0) return;
  const opinion = predict(model, features);
  result.scorer = opinion;
  const floor: Verdict = decision.strong ? decision.verdict : 'allow';
  const verdict = verdictRank[opinion.verdict] > verdictRank[floor] ? opinion.verdict : floor;
  result.verdict = verdict;
  if (verdict === 'allow') {
    result.score = Math.min(opinion.probability, decision.score);
    result.species = [];
    return;
  }
  // Flagged: the score must carry the policy engine past its minimum strength, as a rules review does.
  result.score = Math.max(opinion.probability, REVIEW_THRESHOLD, floor === 'allow' ? 0 : decision.score);
  result.species = [...new Set([...decision.species, ...species])];
}

// A model's learned vocabulary (its near:<word> features), built once per model.
const vocabularies = new WeakMap<ScorerModel, ReadonlySet<string>>();
function vocabularyOf(model: ScorerModel): ReadonlySet<string> {
  let v = vocabularies.get(model);
  if (!v) {
    v = new Set(
      Object.keys(model.weights)
        .filter((k) => k.startsWith('near:'))
        .map((k) => k.slice(5)),
    );
    vocabularies.set(model, v);
  }
  return v;
}

/**
 * The first stage's findings for one listing, or undefined when it holds no wildlife term (the listing
 * never reaches the scorer). Training reads listings through this, exactly as screening does.
 */
export function listingSignals(lib: CompiledLibrary, listing: TextListing): ListingSignals | undefined {
  return analyze(lib, listing).signals;
}

/** Library entries found in one short text (a search query), overlaps resolved, with original offsets. */
export function matchText(lib: CompiledLibrary, text: string, language?: string): ScoredHit[] {
  const input = text.slice(0, MAX_SCREENED_LENGTH);
  const accented = language?.toLowerCase().startsWith('vi') === true || looksVietnamese(input);
  rawCount = 0;
  collectRaw(
    lib,
    normalizeInto(input, new NormalizedText(input.length * 2 + 16), accented),
    0,
    automatonScanner(lib),
    input,
  );
  return resolveOverlaps(materialize(lib));
}

/** Screens one listing's text with the active library version and the active scorer model. */
export function screenText(listing: TextListing): TextScreenResult {
  return screenWith(getActiveLibrary(), listing, undefined, getActiveModel());
}
