// A compact Aho-Corasick automaton over UTF-16 units, stored in typed arrays.
//
// Why this shape: a generic trie of objects/Maps spends its time chasing pointers and hashing. Here each
// character maps to a dense class id (0 = in no pattern, which always leads back to the root). Class 0 and
// the most frequent classes (Latin letters, space) get a full DFA row per state, so scanning them is one
// array read with no branch; rarer classes (CJK, Thai, accented letters) use sorted sparse edges plus
// failure links, with a full row for the root. Outputs are merged along failure links at build time, and
// states are numbered by what they output: none, then ordinary patterns, then "key" patterns. "Any match
// here?" is one comparison per character, and so is "any key pattern here?" in the WebAssembly quick check.

export interface CompileOptions {
  /** Upper bound on dense-table cells (states x dense classes); trades memory for speed. */
  denseBudget?: number;
  /**
   * Patterns that hasKeyMatch looks for (the screener's wildlife terms: a text with none of them is allowed
   * without looking at its other matches).
   */
  isKey?: (pattern: number) => boolean;
}

/** The automaton's tables: typed arrays and counts only, so they can move between threads. */
export interface AutomatonTables {
  readonly classOf: Uint16Array;
  readonly stateCount: number;
  readonly classCount: number;
  readonly denseClasses: number;
  /** States numbered from here on have outputs; states below have none. */
  readonly firstOutputState: number;
  /** States numbered from here on output at least one key pattern. */
  readonly firstKeyState: number;
  /** Uint16 when the automaton has fewer than 65,536 states: half the memory, more rows in cache. */
  readonly dense: Uint16Array | Int32Array;
  readonly rootNext: Int32Array;
  readonly edgeStart: Int32Array;
  readonly edgeClass: Uint16Array;
  readonly edgeTarget: Int32Array;
  readonly fail: Int32Array;
  /**
   * Per state, bit (class & 31) is set for every sparse class with an edge from the state or a state on
   * its failure chain (root excluded). A clear bit sends the class straight to the root's row, which is
   * what most characters of CJK and Thai text do.
   */
  readonly sparseMask: Int32Array;
  readonly outStart: Int32Array;
  readonly outPattern: Int32Array;
  readonly patternLength: Int32Array;
  /** 1 for key patterns (options.isKey). */
  readonly keyPattern: Uint8Array;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Builds the tables for a pattern set (the expensive part: run it off the main thread for big sets). */
export function buildAutomatonTables(
  patterns: readonly string[],
  options: CompileOptions = {},
): AutomatonTables {
  const t = { classOf: new Uint16Array(65536) } as Mutable<AutomatonTables>;
  // 1. Classes by frequency, so the dense block covers the most common characters.
  const freq = new Map<number, number>();
  for (const p of patterns) {
    if (p.length === 0) throw new Error('empty pattern');
    for (let i = 0; i < p.length; i++) freq.set(p.charCodeAt(i), (freq.get(p.charCodeAt(i)) ?? 0) + 1);
  }
  const byFreq = [...freq.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  byFreq.forEach(([unit], index) => {
    t.classOf[unit] = index + 1;
  });
  t.classCount = byFreq.length;

  // 2. Trie with Map children (build time only).
  const children: Map<number, number>[] = [new Map()];
  const own: number[][] = [[]];
  t.patternLength = new Int32Array(patterns.length);
  patterns.forEach((p, index) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const c = t.classOf[p.charCodeAt(i)]!;
      let next = children[s]!.get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        own.push([]);
        children[s]!.set(c, next);
      }
      s = next;
    }
    own[s]!.push(index);
    t.patternLength[index] = p.length;
  });
  const states = children.length;
  t.stateCount = states;

  // 3. Failure links and merged outputs, breadth first.
  const fail = new Int32Array(states);
  const order: number[] = [0];
  const outputs: number[][] = own.map((o) => o.slice());
  for (let head = 0; head < order.length; head++) {
    const s = order[head]!;
    for (const [c, child] of children[s]!) {
      order.push(child);
      if (s === 0) fail[child] = 0;
      else {
        let f = fail[s]!;
        while (f !== 0 && !children[f]!.has(c)) f = fail[f]!;
        const g = children[f]!.get(c);
        fail[child] = g !== undefined && g !== child ? g : 0;
      }
      if (outputs[fail[child]!]!.length > 0) outputs[child] = outputs[child]!.concat(outputs[fail[child]!]!);
    }
  }

  // 4. New state numbers: the root, then states without outputs, then with outputs, then with key outputs.
  const isKey = options.isKey ?? (() => false);
  t.keyPattern = Uint8Array.from(patterns, (_, index) => (isKey(index) ? 1 : 0));
  const rank = (s: number) =>
    outputs[s]!.length === 0 ? 0 : outputs[s]!.some((p) => t.keyPattern[p] === 1) ? 2 : 1;
  const id = new Int32Array(states);
  let nextId = 1;
  const firsts: number[] = [];
  for (const r of [0, 1, 2]) {
    firsts.push(nextId);
    for (let s = 1; s < states; s++) if (rank(s) === r) id[s] = nextId++;
  }
  t.firstOutputState = firsts[1]!;
  t.firstKeyState = firsts[2]!;
  t.fail = new Int32Array(states);
  for (let s = 0; s < states; s++) t.fail[id[s]!] = id[fail[s]!]!;

  // 5. Dense DFA rows: column 0 (no pattern) and the first D classes. Rows are filled in breadth-first
  // order, so the failure state's row is always complete before it is copied from.
  const budget = options.denseBudget ?? 4_000_000;
  // 96 dense classes cover the Latin letters, digits, space and punctuation of the patterns and their
  // commonest CJK and Thai characters; more rows cost cache misses than they save in sparse steps.
  const d = Math.max(1, Math.min(t.classCount, 96, Math.floor(budget / states) - 1));
  t.denseClasses = d;
  const width = d + 1;
  const dense = states < 65536 ? new Uint16Array(states * width) : new Int32Array(states * width);
  for (const s of order) {
    const row = id[s]! * width;
    const failRow = id[fail[s]!]! * width;
    for (let c = 1; c <= d; c++) {
      const child = children[s]!.get(c);
      dense[row + c] = child !== undefined ? id[child]! : s === 0 ? 0 : dense[failRow + c]!;
    }
  }
  t.dense = dense;

  // 6. Sparse edges for the remaining classes, and the full root row.
  t.rootNext = new Int32Array(t.classCount + 1);
  for (const [c, child] of children[0]!) t.rootNext[c] = id[child]!;
  const byId = new Int32Array(states); // new number -> old number
  for (let s = 0; s < states; s++) byId[id[s]!] = s;
  const sparse = (old: number) =>
    [...children[old]!.entries()].filter(([c]) => c > d).sort((a, b) => a[0] - b[0]);
  t.edgeStart = new Int32Array(states + 1);
  let edgeCount = 0;
  for (let s = 0; s < states; s++) {
    t.edgeStart[s] = edgeCount;
    for (const c of children[byId[s]!]!.keys()) if (c > d) edgeCount++;
  }
  t.edgeStart[states] = edgeCount;
  t.edgeClass = new Uint16Array(edgeCount);
  t.edgeTarget = new Int32Array(edgeCount);
  for (let s = 0; s < states; s++) {
    let at = t.edgeStart[s]!;
    for (const [c, child] of sparse(byId[s]!)) {
      t.edgeClass[at] = c;
      t.edgeTarget[at] = id[child]!;
      at++;
    }
  }

  t.sparseMask = new Int32Array(states);
  for (const old of order) {
    if (old === 0) continue;
    let mask = t.sparseMask[id[fail[old]!]!]!;
    for (const c of children[old]!.keys()) if (c > d) mask |= 1 << (c & 31);
    t.sparseMask[id[old]!] = mask;
  }

  // 7. Outputs in CSR form.
  t.outStart = new Int32Array(states + 1);
  let outCount = 0;
  for (let s = 0; s < states; s++) {
    t.outStart[s] = outCount;
    outCount += outputs[byId[s]!]!.length;
  }
  t.outStart[states] = outCount;
  t.outPattern = new Int32Array(outCount);
  for (let s = 0; s < states; s++) t.outPattern.set(outputs[byId[s]!]!, t.outStart[s]!);
  return t;
}

export class CompactAutomaton {
  /** The tables (they can be posted to another thread; see buildAutomatonTables). */
  readonly tables: AutomatonTables;
  private buffer = new Int32Array(256);

  /** From patterns (built here), or from tables built elsewhere. */
  constructor(source: readonly string[] | AutomatonTables, options: CompileOptions = {}) {
    this.tables = Array.isArray(source)
      ? buildAutomatonTables(source as readonly string[], options)
      : (source as AutomatonTables);
  }

  /** Bytes held by the automaton's typed arrays. */
  get byteSize(): number {
    return Object.values(this.tables).reduce<number>(
      (sum, table) => sum + (ArrayBuffer.isView(table) ? table.byteLength : 0),
      0,
    );
  }

  private sparseStep(state: number, c: number): number {
    const { edgeStart, edgeClass, edgeTarget, fail, rootNext } = this.tables;
    let s = state;
    while (s !== 0) {
      const from = edgeStart[s]!;
      const to = edgeStart[s + 1]!;
      for (let e = from; e < to; e++) {
        const ec = edgeClass[e]!;
        if (ec === c) return edgeTarget[e]!;
        if (ec > c) break;
      }
      s = fail[s]!;
    }
    return rootNext[c]!;
  }

  /** Matches of the last scan: match k is pattern hits[2k] ending (exclusive) at hits[2k + 1]. Reused. */
  get hits(): Int32Array {
    return this.buffer;
  }

  /**
   * Whether units[0, length) contains a key pattern that `accept` agrees with (for example, one standing
   * at word boundaries). `accept` is only called on key matches, which are rare.
   */
  hasKeyMatch(
    units: Uint16Array,
    length: number,
    accept: (pattern: number, end: number) => boolean = () => true,
  ): boolean {
    const count = this.scan(units, length);
    const { keyPattern } = this.tables;
    for (let k = 0; k < count; k++) {
      const pattern = this.buffer[2 * k]!;
      if (keyPattern[pattern] === 1 && accept(pattern, this.buffer[2 * k + 1]!)) return true;
    }
    return false;
  }

  /** Scans units[0, length) and returns the number of matches, which are left in `hits`. */
  scan(units: Uint16Array, length: number): number {
    const {
      classOf,
      dense,
      denseClasses: d,
      sparseMask,
      rootNext,
      firstOutputState: firstOutput,
    } = this.tables;
    const { outStart, outPattern } = this.tables;
    const width = d + 1;
    let hits = this.buffer;
    let count = 0;
    let s = 0;
    for (let i = 0; i < length; i++) {
      const c = classOf[units[i]!]!;
      s =
        c <= d
          ? dense[s * width + c]!
          : (sparseMask[s]! & (1 << (c & 31))) === 0
            ? rootNext[c]!
            : this.sparseStep(s, c);
      if (s < firstOutput) continue;
      for (let o = outStart[s]!; o < outStart[s + 1]!; o++) {
        if (count * 2 + 2 > hits.length) {
          const grown = new Int32Array(hits.length * 2);
          grown.set(hits);
          hits = grown;
          this.buffer = grown;
        }
        hits[count * 2] = outPattern[o]!;
        hits[count * 2 + 1] = i + 1;
        count++;
      }
    }
    return count;
  }
}
