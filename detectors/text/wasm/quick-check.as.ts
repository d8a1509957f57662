// AssemblyScript, compiled to quick-check.wasm by `npm run build:wasm` (asconfig.json).
//
// The screener's quick check in WebAssembly: normalise a listing's title and description (units only, no
// offsets) and ask the automaton whether a wildlife ("key") pattern stands at word boundaries. Most
// listings hold none and are settled here; the rest go through the JavaScript path, which records offsets
// and scores. This is a line-by-line port of normalizeInto(…, quick = true) (../normalize.ts) and
// hasKeyMatch + boundedEnd (../automaton.ts, ../index.ts): change them together; a test compares the two
// on thousands of listings. The fixed tables sit at the addresses exported below; JavaScript
// (../quick-check.ts) fills them, places the library's tables and writes their addresses into a header.

// Results of check(). A result in [FOLD_UNKNOWN, COMPOSE_UNKNOWN) means a fold table has no entry yet
// for unit (result - FOLD_UNKNOWN; for a supplementary character, its high surrogate): JavaScript fills
// the tables for the whole text and calls again. From COMPOSE_UNKNOWN on, the composition table has no
// entry for unit (result - COMPOSE_UNKNOWN) >> 7 followed by combining mark 0x300 + (… & 0x7f).
const NO_KEY: i32 = 0;
const KEY: i32 = 1;
/** Something only the JavaScript path handles (an overflow, a full table). */
const FALLBACK: i32 = 2;
/** A letter only Vietnamese uses, met in plain mode: call again in accented mode. */
const VIETNAMESE: i32 = 3;
/**
 * A bidirectional control, or an invisible character inside a word: call again with the text in reading
 * order (displayOrder in ../normalize.ts).
 */
const BIDI_ORDER: i32 = 4;
const FOLD_UNKNOWN: i32 = 0x10000;
const COMPOSE_UNKNOWN: i32 = 0x1000000;

// Fold table codes (normalize.ts).
const DROP: i32 = -1;
const UNKNOWN: i32 = -2;
const COMBINE: i32 = -3;
const SURROGATE: i32 = -4;
const BIDI: i32 = -5;
const INVISIBLE: i32 = -6;
const MULTI_BASE: i32 = -7;
const VIETNAMESE_FLAG: i32 = 1 << 16;
const HOMOGLYPH_FLAG: i32 = 1 << 17;

// Character classes (normalize.ts) and pattern flags (compile.ts).
const CLASS_WORD: u32 = 1;
const CLASS_UNSPACED: u32 = 2;
const CLASS_DIGIT: u32 = 3;
const CLASS_SPACE: u32 = 4;
const FLAG_LEFT: u32 = 1;
const FLAG_RIGHT: u32 = 2;
const FLAG_INFLECT: u32 = 4;

// Fixed layout: tables that do not depend on the library, and the text buffers, at constant addresses (a
// constant address saves a global read per table access). JavaScript reads these exports to fill them.
// Below 64 KB lives AssemblyScript's own data.
export const TEXT_CAPACITY: i32 = 32768;
export const MULTI_CAPACITY: i32 = 4096;
export const MULTI_UNITS_CAPACITY: i32 = 65536;
const ASTRAL_SLOT_BITS: u32 = 13;
export const ASTRAL_SLOTS: i32 = 1 << ASTRAL_SLOT_BITS;
export const ASTRAL_UNITS_CAPACITY: i32 = 32768;
const COMPOSE_SLOT_BITS: u32 = 11;
export const COMPOSE_SLOTS: i32 = 1 << COMPOSE_SLOT_BITS;
const UNITS_CAPACITY: i32 = TEXT_CAPACITY * 2 + 64;
/** u8[65536]: character class of each unit. */
export const CHAR_CLASS: usize = 65536;
/** u8[65536]: 1 for separators obfuscators put between letters. */
export const SEPARATOR: usize = CHAR_CLASS + 65536;
/** i32[128]: leetspeak letter of an ASCII unit, or -1. */
export const LEET: usize = SEPARATOR + 65536;
/** i32[65536]: Latin lookalike of a Cyrillic or Greek unit. */
export const HOMOGLYPH: usize = LEET + 512;
/** i32[65536] each: fold codes, filled by JavaScript as units are met. */
export const FOLD_PLAIN: usize = HOMOGLYPH + 262144;
export const FOLD_ACCENTED: usize = FOLD_PLAIN + 262144;
/** i32[MULTI_CAPACITY + 1] and u16[MULTI_UNITS_CAPACITY]: multi-unit folds, as offsets into a pool. */
export const MULTI_START: usize = FOLD_ACCENTED + 262144;
export const MULTI_UNITS: usize = MULTI_START + (<usize>MULTI_CAPACITY + 16) * 4;
/**
 * u32[2 * ASTRAL_SLOTS] and u16[ASTRAL_UNITS_CAPACITY]: folds of supplementary characters (emoji spelled
 * out, or dropped), as an open-addressed table of code point -> offset << 8 | length into a pool.
 * JavaScript fills it as they are met, keeps it at most half full, and keeps " " at offset 0.
 */
export const ASTRAL_TABLE: usize = MULTI_UNITS + <usize>MULTI_UNITS_CAPACITY * 2;
export const ASTRAL_UNITS: usize = ASTRAL_TABLE + <usize>ASTRAL_SLOTS * 8;
/**
 * u32[2 * COMPOSE_SLOTS]: NFC compositions of a unit and a combining mark (decomposed Vietnamese), as an
 * open-addressed table of unit << 16 | mark -> the composed unit, or NO_COMPOSITION. JavaScript fills it
 * as pairs are met and keeps it at most half full.
 */
export const COMPOSE_TABLE: usize = ASTRAL_UNITS + <usize>ASTRAL_UNITS_CAPACITY * 2;
const NO_COMPOSITION: u32 = 0xffffffff;
/** u16[TEXT_CAPACITY + 1] each: the title and the description, each followed by a 0. */
export const SRC_TITLE: usize = COMPOSE_TABLE + <usize>COMPOSE_SLOTS * 8;
export const SRC_DESCRIPTION: usize = SRC_TITLE + (<usize>TEXT_CAPACITY + 16) * 2;
/** u16[UNITS_CAPACITY]: normalised units. */
const UNITS: usize = SRC_DESCRIPTION + (<usize>TEXT_CAPACITY + 16) * 2;
/** i32[HEADER_SLOTS]: the library's table addresses and counts, written by JavaScript (configure()). */
export const HEADER: usize = UNITS + <usize>UNITS_CAPACITY * 2;
/** i32[2 * 64]: key states met by normalise(), with where they were met. */
const CANDIDATES: usize = HEADER + 256;
/** Where JavaScript puts the library's tables. */
export const LIBRARY_BASE: usize = CANDIDATES + 512;

// The library's tables, read from the header by configure().
let multiCount: i32 = 0;
/** The astral table takes no more entries: an unknown supplementary character goes to JavaScript. */
let astralFull = false;
/** Likewise for the composition table. */
let composeFull = false;
let classOf: usize = 0;
let dense: usize = 0;
let denseIsU16: bool = true;
let denseClasses: u32 = 0;
let rootNext: usize = 0;
let edgeStart: usize = 0;
let edgeClass: usize = 0;
let edgeTarget: usize = 0;
let fail: usize = 0;
let sparseMask: usize = 0;
let outStart: usize = 0;
let outPattern: usize = 0;
let keyPattern: usize = 0;
let patternLength: usize = 0;
let patternFlags: usize = 0;
let firstKeyState: i32 = 0;

/** Why normalise() stopped early (one of the results above). */
let pending: i32 = 0;

function slot(k: i32): i32 {
  return load<i32>(HEADER + (<usize>k << 2));
}

/** Reads the header (its order is HEADER_SLOTS in ../quick-check.ts). */
export function configure(): void {
  multiCount = slot(0);
  classOf = <usize>slot(1);
  dense = <usize>slot(2);
  denseIsU16 = slot(3) === 1;
  denseClasses = <u32>slot(4);
  rootNext = <usize>slot(5);
  edgeStart = <usize>slot(6);
  edgeClass = <usize>slot(7);
  edgeTarget = <usize>slot(8);
  fail = <usize>slot(9);
  sparseMask = <usize>slot(10);
  outStart = <usize>slot(11);
  outPattern = <usize>slot(12);
  keyPattern = <usize>slot(13);
  patternLength = <usize>slot(14);
  patternFlags = <usize>slot(15);
  firstKeyState = slot(16);
  astralFull = slot(17) === 1;
  composeFull = slot(18) === 1;
}

@inline function classOfUnit(c: u32): u32 {
  return <u32>load<u8>(CHAR_CLASS + <usize>c);
}
@inline function isLetter(c: u32): bool {
  return classOfUnit(c) === CLASS_WORD;
}
@inline function isWordUnit(c: u32): bool {
  const k = classOfUnit(c);
  return k === CLASS_WORD || k === CLASS_DIGIT;
}
@inline function isSeparator(c: u32): bool {
  return load<u8>(SEPARATOR + <usize>c) === 1;
}
@inline function leetOf(c: u32): i32 {
  return load<i32>(LEET + (<usize>c << 2));
}
@inline function isAsciiLetter(c: u32): bool {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}
@inline function at(src: usize, i: i32): u32 {
  return <u32>load<u16>(src + (<usize>i << 1));
}
@inline function i32At(table: usize, i: i32): i32 {
  return load<i32>(table + (<usize>i << 2));
}

/** wordUnit in normalize.ts. */
@inline function wordUnit(c: u32): bool {
  return isLetter(c) || (c < 128 && leetOf(c) >= 0 && c !== 0x24);
}

@inline function isCyrillic(c: u32): bool {
  return c >= 0x400 && c <= 0x4ff;
}

/** cyrillicLeet in normalize.ts: a digit inside a Cyrillic word. */
function cyrillicLeet(c: u32, latin: i32): u32 {
  if (c === 0x30) return 0x43e;
  if (c === 0x33) return 0x437;
  if (c === 0x34) return 0x447;
  if (c === 0x40) return 0x430;
  return <u32>latin;
}

/** leetOrDigit in normalize.ts. */
@inline function leetOrDigit(c: u32): bool {
  return c < 128 && (leetOf(c) >= 0 || (c >= 0x30 && c <= 0x39));
}

/** leetAt in normalize.ts. */
function leetAt(src: usize, i: i32, n: i32): bool {
  let a = i;
  while (a > 0 && a > i - 2 && leetOrDigit(at(src, a - 1))) a--;
  let b = i + 1;
  while (b < n && b < i + 3 && leetOrDigit(at(src, b))) b++;
  if (b - a > 2) return false;
  for (let k = a; k < b; k++) if (leetOf(at(src, k)) < 0) return false;
  const before = a > 0 && isLetter(at(src, a - 1));
  const after = b < n && isLetter(at(src, b));
  if (before && after) return true;
  if (b - a > 1) return false;
  if (before) return at(src, i) !== 0x24 && i >= 3 && wordUnit(at(src, i - 2)) && wordUnit(at(src, i - 3));
  return after && i + 3 < n && isLetter(at(src, i + 2)) && isLetter(at(src, i + 3));
}

/** MAX_LOOKAHEAD in normalize.ts. */
const MAX_LOOKAHEAD: i32 = 8;

/**
 * latinAhead in normalize.ts: 1 or 0, or -1 with `pending` set when a fold on the way is not known yet
 * (JavaScript then fills the folds of the whole text, as normalizeInto computes them on the way).
 */
function latinAhead(src: usize, from: i32, fold: usize): i32 {
  for (let j = from; j < from + MAX_LOOKAHEAD; j++) {
    const c = at(src, j);
    if (c < 128) return isAsciiLetter(c) ? 1 : 0;
    const v = i32At(fold, <i32>c);
    if (v === UNKNOWN) {
      pending = FOLD_UNKNOWN + <i32>c;
      return -1;
    }
    if (v < 0 || (v & HOMOGLYPH_FLAG) === 0) return 0;
  }
  return 0;
}

/** insideWord in normalize.ts. */
function insideWord(src: usize, i: i32): bool {
  if (i === 0) return false;
  const p = at(src, i - 1);
  const q = at(src, i + 1);
  const cls = classOfUnit(p);
  const wordish = (p > 0x20 && p < 128) || cls === CLASS_WORD || cls === CLASS_DIGIT;
  return wordish && q > 0x20 && (q < 0xd800 || q > 0xdfff);
}

/** MAX_SEPARATORS in normalize.ts. */
const MAX_SEPARATORS: i32 = 3;

/** spacedRunEnd in normalize.ts. */
function spacedRunEnd(src: usize, i: i32, n: i32): i32 {
  if (i > 0) {
    const p = at(src, i - 1);
    if (isLetter(p) || (p >= 0x30 && p <= 0x39)) return -1;
  }
  let g = 0;
  while (g < MAX_SEPARATORS && isSeparator(at(src, i + 1 + g))) g++;
  if (g === 0) return -1;
  let j = i;
  let count = 1;
  while (j + g + 1 < n && sameUnits(src, j + 1, i + 1, g)) {
    const k = j + g + 1;
    const c = at(src, k);
    const single = k + 1 >= n || !isLetter(at(src, k + 1));
    if (!single || !(isLetter(c) || (c < 128 && leetOf(c) >= 0 && c !== 0x24))) break;
    j = k;
    count++;
  }
  return count >= minimumRun(src, i, g) ? j + 1 : -1;
}

/** minimumRun in normalize.ts. */
function minimumRun(src: usize, i: i32, g: i32): i32 {
  const c = at(src, i);
  if (c < 0xac00 || c > 0xd7a3) return 3;
  for (let k = i + 1; k <= i + g; k++) {
    const s = at(src, k);
    if (s <= 0x20 || s === 0x3000) return i32.MAX_VALUE;
  }
  return 2;
}

/** sameUnits in normalize.ts. */
function sameUnits(src: usize, a: i32, b: i32, length: i32): bool {
  for (let k = 0; k < length; k++) if (at(src, a + k) !== at(src, b + k)) return false;
  return true;
}

/**
 * The value for a non-zero key in an open-addressed table of 2^slotBits (key, value) u32 pairs, or -1
 * when it has none (hashSlot in ../quick-check.ts fills them the same way).
 */
function lookup(table: usize, slotBits: u32, key: u32): i64 {
  let slot = (key * 2654435761) >>> (32 - slotBits); // Fibonacci hashing
  let entry = table + (<usize>slot << 3);
  // The tables are never full, so an empty slot ends every search.
  while (load<u32>(entry) !== key) {
    if (load<u32>(entry) === 0) return -1;
    slot = (slot + 1) & ((1 << slotBits) - 1);
    entry = table + (<usize>slot << 3);
  }
  return <i64>load<u32>(entry, 4);
}

/** sparseStep in automaton.ts. */
function sparseStep(state: i32, c: u32): i32 {
  let s = state;
  while (s !== 0) {
    const to = i32At(edgeStart, s + 1);
    for (let e = i32At(edgeStart, s); e < to; e++) {
      const ec = <u32>load<u16>(edgeClass + (<usize>e << 1));
      if (ec === c) return i32At(edgeTarget, e);
      if (ec > c) break;
    }
    s = i32At(fail, s);
  }
  return i32At(rootNext, <i32>c);
}

/** One automaton transition on unit u (the step expression of hasKeyMatch in automaton.ts). */
@inline function step(s: i32, u: u32): i32 {
  const c = <u32>load<u16>(classOf + (<usize>u << 1));
  if (c <= denseClasses) {
    const cell = <usize>(<u32>s * (denseClasses + 1) + c);
    return denseIsU16 ? <i32>load<u16>(dense + (cell << 1)) : load<i32>(dense + (cell << 2));
  }
  if ((i32At(sparseMask, s) & (1 << (c & 31))) === 0) return i32At(rootNext, <i32>c);
  return sparseStep(s, c);
}

// Key states the automaton passed while normalise() ran, as (state, end) pairs: their word boundaries
// are checked once the text is complete (the boundary after a match is a unit not yet written).
const MAX_CANDIDATES: i32 = 64;
let candidates: i32 = 0;

@inline function noteKeyState(state: i32, end: i32): void {
  if (state >= firstKeyState) {
    if (candidates < MAX_CANDIDATES) {
      const at = CANDIDATES + (<usize>candidates << 3);
      store<i32>(at, state);
      store<i32>(at, end, 4);
    }
    candidates++;
  }
}

/**
 * normalizeInto(…, quick = true): normalises src[0, n) (followed by a 0) into units; returns the length,
 * or -1 with `pending` set when JavaScript has to step in. The automaton runs over each unit as it is
 * written, noting key states (noteKeyState): its chain of dependent loads then overlaps the normalising
 * work, and text that never reaches a key state, most text, needs no second look.
 */
function normalise(src: usize, n: i32, accented: bool): i32 {
  const fold = accented ? FOLD_ACCENTED : FOLD_PLAIN;
  let len = 0;
  let last: u32 = 0x20;
  let lastClass: u32 = CLASS_SPACE;
  let runEnd = -1;
  let state: i32 = 0;
  let previous: i32 = 0; // the state before the last unit written: a combining mark may change that unit
  candidates = 0;
  for (let i = 0; i < n; i++) {
    let c = at(src, i);
    if (i < runEnd) {
      if (isSeparator(c)) continue;
    } else runEnd = -1;

    if (c < 128) {
      if (classOfUnit(c) === CLASS_WORD) {
        c |= 0x20;
        if (lastClass !== CLASS_WORD) {
          if (runEnd < 0 && isSeparator(at(src, i + 1))) runEnd = spacedRunEnd(src, i, n);
        } else if (c === last) continue;
        store<u16>(UNITS + (<usize>len << 1), <u16>c);
        len++;
        previous = state;
        state = step(state, c);
        noteKeyState(state, len);
        last = c;
        lastClass = CLASS_WORD;
        continue;
      }
      if (c <= 0x20 || c === 0x7f) c = 0x20;
      else {
        const l = leetOf(c);
        if (l >= 0 && (i < runEnd ? c !== 0x24 : leetAt(src, i, n)))
          c = isCyrillic(last) || isCyrillic(at(src, i + 1)) ? cyrillicLeet(c, l) : <u32>l;
      }
    } else {
      if (runEnd < 0 && lastClass !== CLASS_WORD && isSeparator(at(src, i + 1)) && isLetter(c))
        runEnd = spacedRunEnd(src, i, n);
      const v = i32At(fold, <i32>c);
      if (v >= 0) {
        if ((v & VIETNAMESE_FLAG) !== 0 && !accented) {
          pending = VIETNAMESE;
          return -1;
        }
        c = <u32>(v & 0xffff);
        if ((v & HOMOGLYPH_FLAG) !== 0) {
          let latin = isAsciiLetter(last) ? 1 : latinAhead(src, i + 1, fold);
          if (latin < 0) return -1;
          if (latin === 1) c = <u32>i32At(HOMOGLYPH, <i32>c);
        }
      } else if (v === DROP) {
        continue;
      } else if (v === BIDI || (v === INVISIBLE && insideWord(src, i))) {
        pending = BIDI_ORDER;
        return -1;
      } else if (v === INVISIBLE) {
        continue;
      } else if (v === COMBINE) {
        // A decomposed diacritic (accented mode): composed onto the last unit when NFC makes them one, and
        // the automaton steps again from where it was before that unit.
        if (len === 0) continue;
        const base = at(UNITS, len - 1);
        const composed = lookup(COMPOSE_TABLE, COMPOSE_SLOT_BITS, (base << 16) | c);
        if (composed < 0) {
          pending = composeFull ? FALLBACK : COMPOSE_UNKNOWN + <i32>((base << 7) | (c - 0x300));
          return -1;
        }
        if (<u32>composed === NO_COMPOSITION) continue;
        // A key state noted for the unit as it was no longer holds (past MAX_CANDIDATES, the rescan of the
        // final units decides anyway).
        const lastNoted = CANDIDATES + (<usize>(candidates - 1) << 3);
        if (candidates > 0 && candidates <= MAX_CANDIDATES && load<i32>(lastNoted, 4) === len) candidates--;
        last = <u32>composed;
        store<u16>(UNITS + (<usize>(len - 1) << 1), <u16>last);
        state = step(previous, last);
        noteKeyState(state, len);
        continue;
      } else if (v === UNKNOWN) {
        pending = FOLD_UNKNOWN + <i32>c;
        return -1;
      } else if ((v <= MULTI_BASE && MULTI_BASE - v < multiCount) || v === SURROGATE) {
        // Several units (or none) for one character: a multi-unit fold, or a supplementary character.
        let pool = MULTI_UNITS;
        let from = 0;
        let to = 1; // a lone high surrogate reads as the " " at ASTRAL_UNITS[0]
        let width = 1;
        if (v === SURROGATE) {
          pool = ASTRAL_UNITS;
          const low = at(src, i + 1);
          if (low >= 0xdc00 && low <= 0xdfff) {
            const packed = lookup(ASTRAL_TABLE, ASTRAL_SLOT_BITS, ((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000);
            if (packed < 0) {
              pending = astralFull ? FALLBACK : FOLD_UNKNOWN + <i32>c;
              return -1;
            }
            from = <i32>(packed >>> 8);
            to = from + <i32>(packed & 0xff);
            width = 2;
          }
        } else {
          from = i32At(MULTI_START, MULTI_BASE - v);
          to = i32At(MULTI_START, MULTI_BASE - v + 1);
        }
        // Room for this fold and one unit per source unit still to come.
        if (len + (to - from) + (n - i) + 2 > UNITS_CAPACITY) {
          pending = FALLBACK;
          return -1;
        }
        for (let p = from; p < to; p++) {
          const u = at(pool, p);
          if (u === 0x20 ? last === 0x20 : u === last && classOfUnit(u) === CLASS_WORD) continue;
          store<u16>(UNITS + (<usize>len << 1), <u16>u);
          len++;
          previous = state;
          state = step(state, u);
          noteKeyState(state, len);
          last = u;
          lastClass = classOfUnit(u);
        }
        i += width - 1;
        continue;
      } else {
        // A multi-unit fold not copied here yet.
        pending = FALLBACK;
        return -1;
      }
    }

    const cls = classOfUnit(c);
    if (c === 0x20) {
      if (last === 0x20) continue;
      if (lastClass === CLASS_UNSPACED && i + 1 < n && classOfUnit(at(src, i + 1)) === CLASS_UNSPACED) continue;
    } else if (c === last && (cls === CLASS_WORD || cls === CLASS_UNSPACED)) {
      continue;
    } else if (
      lastClass === CLASS_UNSPACED &&
      isSeparator(c) &&
      i + 1 < n &&
      classOfUnit(at(src, i + 1)) === CLASS_UNSPACED
    ) {
      continue;
    }
    store<u16>(UNITS + (<usize>len << 1), <u16>c);
    len++;
    previous = state;
    state = step(state, c);
    noteKeyState(state, len);
    last = c;
    lastClass = cls;
  }
  if (len > 0 && at(UNITS, len - 1) === 0x20) len--;
  return len;
}

/** boundedEnd in index.ts: where a match really ends at word boundaries, or -1. */
function boundedEnd(pattern: i32, end: i32, len: i32): i32 {
  const start = end - i32At(patternLength, pattern);
  const flags = <u32>load<u8>(patternFlags + <usize>pattern);
  if ((flags & FLAG_LEFT) !== 0 && start > 0 && isWordUnit(at(UNITS, start - 1))) return -1;
  if ((flags & FLAG_RIGHT) === 0 || end >= len || !isWordUnit(at(UNITS, end))) return end;
  if ((flags & FLAG_INFLECT) === 0) return -1;
  const next = at(UNITS, end);
  if (next === 0x73 && (end + 1 === len || !isWordUnit(at(UNITS, end + 1)))) return end + 1;
  if (next === 0x65 && end + 1 < len && at(UNITS, end + 1) === 0x73) {
    if (end + 2 === len || !isWordUnit(at(UNITS, end + 2))) return end + 2;
  }
  return -1;
}

/** Whether state's outputs include a key pattern that stands at word boundaries when it ends at end. */
function keyOutputAt(state: i32, end: i32, len: i32): bool {
  const to = i32At(outStart, state + 1);
  for (let o = i32At(outStart, state); o < to; o++) {
    const pattern = i32At(outPattern, o);
    if (load<u8>(keyPattern + <usize>pattern) === 1 && boundedEnd(pattern, end, len) >= 0) return true;
  }
  return false;
}

/** Whether the units normalise() just wrote hold a key pattern at word boundaries. */
function hasKeyMatch(len: i32): bool {
  if (candidates === 0) return false;
  if (candidates > MAX_CANDIDATES) return scanForKeyMatch(len);
  for (let k = 0; k < candidates; k++) {
    const at = CANDIDATES + (<usize>k << 3);
    if (keyOutputAt(load<i32>(at), load<i32>(at, 4), len)) return true;
  }
  return false;
}

/** hasKeyMatch in automaton.ts (for texts with more key states than noted), at word boundaries. */
function scanForKeyMatch(len: i32): bool {
  let s: i32 = 0;
  for (let i = 0; i < len; i++) {
    s = step(s, at(UNITS, i));
    if (s >= firstKeyState && keyOutputAt(s, i + 1, len)) return true;
  }
  return false;
}

/**
 * Whether the title (SRC_TITLE, titleLength units) or the description holds a key pattern at word
 * boundaries, after quick normalisation; see the results at the top.
 */
export function check(titleLength: i32, descriptionLength: i32, accented: bool): i32 {
  let len = normalise(SRC_TITLE, titleLength, accented);
  if (len < 0) return pending;
  const titleKey = hasKeyMatch(len);
  if (titleKey && accented) return KEY;
  // In plain mode the description is read even after a key in the title: a letter only Vietnamese uses
  // there switches both fields to accented mode, which may change the title's answer.
  len = normalise(SRC_DESCRIPTION, descriptionLength, accented);
  if (len < 0) return pending;
  return titleKey || hasKeyMatch(len) ? KEY : NO_KEY;
}
