// A compact Aho-Corasick automaton over UTF-16 units, stored in typed arrays.
//
// Why this shape: a generic trie of objects/Maps spends its time chasing pointers and hashing. Here each
// character maps to a dense class id (0 = in no pattern, which always leads back to the root). The most
// frequent classes (Latin letters, space) get a full DFA row per state, so scanning them is one array
// read; rarer classes (CJK, Thai, accented letters) use sorted sparse edges plus failure links, with a
// full row for the root. Outputs are merged along failure links at build time.

export interface CompileOptions {
  /** Upper bound on dense-table cells (states x dense classes); trades memory for speed. */
  denseBudget?: number;
}

export class CompactAutomaton {
  readonly classOf = new Uint16Array(65536);
  readonly stateCount: number;
  readonly classCount: number;
  readonly denseClasses: number;
  /** Uint16 when the automaton has fewer than 65,536 states: half the memory, more rows in cache. */
  readonly dense: Uint16Array | Int32Array;
  readonly rootNext: Int32Array;
  readonly edgeStart: Int32Array;
  readonly edgeClass: Uint16Array;
  readonly edgeTarget: Int32Array;
  readonly fail: Int32Array;
  readonly outStart: Int32Array;
  readonly outPattern: Int32Array;
  readonly patternLength: Int32Array;
  private buffer = new Int32Array(256);

  constructor(patterns: readonly string[], options: CompileOptions = {}) {
    // 1. Classes by frequency, so the dense block covers the most common characters.
    const freq = new Map<number, number>();
    for (const p of patterns) {
      if (p.length === 0) throw new Error('empty pattern');
      for (let i = 0; i < p.length; i++) freq.set(p.charCodeAt(i), (freq.get(p.charCodeAt(i)) ?? 0) + 1);
    }
    const byFreq = [...freq.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    byFreq.forEach(([unit], index) => {
      this.classOf[unit] = index + 1;
    });
    this.classCount = byFreq.length;

    // 2. Trie with Map children (build time only).
    const children: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    this.patternLength = new Int32Array(patterns.length);
    patterns.forEach((p, index) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const c = this.classOf[p.charCodeAt(i)]!;
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
      this.patternLength[index] = p.length;
    });
    const states = children.length;
    this.stateCount = states;

    // 3. Failure links and merged outputs, breadth first.
    const fail = new Int32Array(states);
    const order: number[] = [0];
    const outputs: number[][] = own.map((o) => o.slice());
    for (let head = 0; head < order.length; head++) {
      const s = order[head]!;
      for (const [c, t] of children[s]!) {
        order.push(t);
        if (s === 0) fail[t] = 0;
        else {
          let f = fail[s]!;
          while (f !== 0 && !children[f]!.has(c)) f = fail[f]!;
          const g = children[f]!.get(c);
          fail[t] = g !== undefined && g !== t ? g : 0;
        }
        if (outputs[fail[t]!]!.length > 0) outputs[t] = outputs[t]!.concat(outputs[fail[t]!]!);
      }
    }
    this.fail = fail;

    // 4. Dense DFA rows for the first D classes.
    const budget = options.denseBudget ?? 4_000_000;
    // 48 dense classes cover the Latin letters, digits, space and common punctuation of the patterns.
    const d = Math.max(1, Math.min(this.classCount, 48, Math.floor(budget / states)));
    this.denseClasses = d;
    const dense = states < 65536 ? new Uint16Array(states * d) : new Int32Array(states * d);
    for (const s of order) {
      const row = s * d;
      const failRow = fail[s]! * d;
      for (let c = 1; c <= d; c++) {
        const child = children[s]!.get(c);
        dense[row + c - 1] = child ?? (s === 0 ? 0 : dense[failRow + c - 1]!);
      }
    }
    this.dense = dense;

    // 5. Sparse edges for the remaining classes, and the full root row.
    this.rootNext = new Int32Array(this.classCount + 1);
    for (const [c, t] of children[0]!) this.rootNext[c] = t;
    this.edgeStart = new Int32Array(states + 1);
    let edgeCount = 0;
    for (let s = 0; s < states; s++) {
      this.edgeStart[s] = edgeCount;
      for (const c of children[s]!.keys()) if (c > d) edgeCount++;
    }
    this.edgeStart[states] = edgeCount;
    this.edgeClass = new Uint16Array(edgeCount);
    this.edgeTarget = new Int32Array(edgeCount);
    for (let s = 0; s < states; s++) {
      const sparse = [...children[s]!.entries()].filter(([c]) => c > d).sort((a, b) => a[0] - b[0]);
      let at = this.edgeStart[s]!;
      for (const [c, t] of sparse) {
        this.edgeClass[at] = c;
        this.edgeTarget[at] = t;
        at++;
      }
    }

    // 6. Outputs in CSR form.
    this.outStart = new Int32Array(states + 1);
    let outCount = 0;
    for (let s = 0; s < states; s++) {
      this.outStart[s] = outCount;
      outCount += outputs[s]!.length;
    }
    this.outStart[states] = outCount;
    this.outPattern = new Int32Array(outCount);
    for (let s = 0; s < states; s++) this.outPattern.set(outputs[s]!, this.outStart[s]!);
  }

  /** Bytes held by the automaton's typed arrays. */
  get byteSize(): number {
    return [
      this.classOf,
      this.dense,
      this.rootNext,
      this.edgeStart,
      this.edgeClass,
      this.edgeTarget,
      this.fail,
      this.outStart,
      this.outPattern,
      this.patternLength,
    ].reduce((sum, a) => sum + a.byteLength, 0);
  }

  private sparseStep(state: number, c: number): number {
    let s = state;
    while (s !== 0) {
      const from = this.edgeStart[s]!;
      const to = this.edgeStart[s + 1]!;
      for (let e = from; e < to; e++) {
        const ec = this.edgeClass[e]!;
        if (ec === c) return this.edgeTarget[e]!;
        if (ec > c) break;
      }
      s = this.fail[s]!;
    }
    return this.rootNext[c]!;
  }

  /** Matches of the last scan: match k is pattern hits[2k] ending (exclusive) at hits[2k + 1]. Reused. */
  get hits(): Int32Array {
    return this.buffer;
  }

  /** Scans units[0, length) and returns the number of matches, which are left in `hits`. */
  scan(units: Uint16Array, length: number): number {
    const classOf = this.classOf;
    const dense = this.dense;
    const d = this.denseClasses;
    const outStart = this.outStart;
    let hits = this.buffer;
    let count = 0;
    let s = 0;
    for (let i = 0; i < length; i++) {
      const c = classOf[units[i]!]!;
      if (c === 0) {
        s = 0;
        continue;
      }
      s = c <= d ? dense[s * d + c - 1]! : this.sparseStep(s, c);
      const o0 = outStart[s]!;
      const o1 = outStart[s + 1]!;
      if (o0 === o1) continue;
      for (let o = o0; o < o1; o++) {
        if (count * 2 + 2 > hits.length) {
          const grown = new Int32Array(hits.length * 2);
          grown.set(hits);
          hits = grown;
          this.buffer = grown;
        }
        hits[count * 2] = this.outPattern[o]!;
        hits[count * 2 + 1] = i + 1;
        count++;
      }
    }
    return count;
  }
}
