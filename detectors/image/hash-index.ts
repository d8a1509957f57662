// An in-memory multi-index hash (MIH) index over 256-bit PDQ hashes (Norouzi et al.; Meta's pdq/cpp
// index uses the same 16 x 16-bit layout). Each hash is split into 16 chunks of 16 bits, and each chunk
// position has its own table from chunk value to entries. If two hashes differ in at most d bits, then
// by pigeonhole some chunk differs in at most floor(d/16) bits, so a query probes every chunk value
// within that radius and verifies the full distance of the few candidates it finds. For d <= 31 that is
// 16 x 17 probes instead of a scan of every entry. Adds and removals are incremental: O(16) each.
//
// Memory latency, not arithmetic, dominates at 100k+ entries. The base part is in CSR form: per chunk,
// offsets into one array of postings, each posting the slot plus 96 other bits of the hash, so a probe
// rejects nearly every non-match inside the cell it already loaded (~290 bytes per hash in all, traded
// for 2-5x faster lookups at 100k-1M than slot-only postings). A small delta of recent
// additions in a Map. Removals are tombstones. When the delta or the tombstones grow past a fraction of
// the base, the base is rebuilt in memory from the stored hashes (amortised O(1) per update; no reload
// from the database). Queries run in phases (all cell bounds, then a touch of every cell, then all
// candidates) so the CPU can overlap independent cache misses. The walk over the postings runs in
// WebAssembly (mih-scan.ts), which has a population-count instruction; the postings live in its memory.
//
// Ids are stored as u32 (any safe integer id works; the rare one above 2^32 - 2 is kept in a Map), which
// keeps the whole index under 300 bytes per hash at a million.
import { createMihScanner, MAX_WASM_PAGES, type MihScanner, WASM_PAGE } from './mih-scan.ts';
import { pdqToWords, popcount32 } from './pdq.ts';

export interface IndexMatch {
  id: number;
  distance: number;
}

const CHUNKS = 16;
/** A base posting: [slot, three words of the hash from outside the chunk] (16 bytes). */
const POSTING = 4;
const TABLE = 1 << 16;
/** Above this chunk radius (d >= 64) probing costs more than scanning, so the index scans. */
const MAX_PROBE_RADIUS = 2;
/** At most this many cells are probed per query (16 chunks x 137 values within 2 bits). */
const MAX_CELLS = CHUNKS * 137;
// The posting area (u32 offsets): the probed cells (first, end, chunk), the query words each chunk's
// postings carry, the slots that pass the scan, then the postings, 16-byte aligned.
const AREA_CELLS = 0;
const AREA_QUERY = AREA_CELLS + MAX_CELLS * 3;
const AREA_OUT = AREA_QUERY + CHUNKS * 3;
const OUT_CAPACITY = 1 << 16;
const AREA_POSTINGS = (AREA_OUT + OUT_CAPACITY + 3) & ~3;
/** ids[slot] for a removed entry, and for an id kept in bigIds. */
const DEAD = 0xffffffff;
const BIG = 0xfffffffe;

function chunkOf(words: Uint32Array, base: number, chunk: number): number {
  const w = words[base + (chunk >> 1)]!;
  return (chunk & 1) === 0 ? w >>> 16 : w & 0xffff;
}

// Every 16-bit value within `radius` bits of zero, as XOR masks (1 + 16 + 120 for radius 2).
function masksWithin(radius: number): Uint16Array {
  const masks: number[] = [0];
  for (let a = 0; a < 16 && radius >= 1; a++) {
    masks.push(1 << a);
    for (let b = a + 1; b < 16 && radius >= 2; b++) masks.push((1 << a) | (1 << b));
  }
  return Uint16Array.from(masks);
}
const MASKS = [masksWithin(0), masksWithin(1), masksWithin(2)];

export class PdqHashIndex {
  // Per slot: the hash (8 words) and the caller's id (DEAD once removed).
  private words = new Uint32Array(8 * 1024);
  private ids = new Uint32Array(1024).fill(DEAD);
  private readonly bigIds = new Map<number, number>();
  private used = 0;
  private readonly slotOf = new Map<number, number>();
  // Base: offsets[chunk * 65537 + value] .. [+1] delimit that cell's postings, which start for each chunk
  // at AREA_POSTINGS + chunk * baseSlots * 4 in `area`.
  private offsets = new Uint32Array(CHUNKS * (TABLE + 1));
  private area: Uint32Array;
  private readonly scanner: MihScanner | null;
  private baseSlots = 0;
  private tombstones = 0;
  /** The touched postings folded together: nobody reads it; it keeps the touching loads from being optimised away. */
  touchChecksum = 0;
  // Delta: slots >= baseSlots, by cell key.
  private delta = new Map<number, number[]>();
  private candidates = new Uint32Array(4096);
  private readonly query = new Uint32Array(8);
  // Base cells that hold postings: one bit per chunk value (16 x 8 KB).
  private occupied = new Int32Array((CHUNKS * TABLE) / 32);

  /** `wasm: false` keeps the lookups in JavaScript (for comparing the two). */
  constructor(options: { wasm?: boolean } = {}) {
    this.scanner = options.wasm === false ? null : createMihScanner(AREA_POSTINGS * 4);
    this.area = this.scanner ? new Uint32Array(this.scanner.memory.buffer) : new Uint32Array(AREA_POSTINGS);
  }

  /** Whether lookups run in WebAssembly. */
  get usesWasm(): boolean {
    return this.scanner !== null;
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  /** Adds or replaces the hash stored under `id`. */
  add(id: number, hash: string | Uint32Array): void {
    if (!Number.isSafeInteger(id) || id < 0)
      throw new RangeError(`index ids are non-negative integers: ${id}`);
    const words = typeof hash === 'string' ? pdqToWords(hash) : hash;
    if (this.slotOf.has(id)) this.remove(id);
    const slot = this.used++;
    this.ensureCapacity(slot + 1);
    this.words.set(words.subarray(0, 8), slot * 8);
    this.setId(slot, id);
    this.slotOf.set(id, slot);
    for (let c = 0; c < CHUNKS; c++) {
      const key = c * TABLE + chunkOf(this.words, slot * 8, c);
      const cell = this.delta.get(key);
      if (cell) cell.push(slot);
      else this.delta.set(key, [slot]);
    }
    if (this.used - this.baseSlots > Math.max(1024, this.baseSlots / 8)) this.rebuild();
  }

  /** Removes `id`; returns whether it was present. */
  remove(id: number): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.ids[slot] = DEAD;
    this.bigIds.delete(slot);
    this.slotOf.delete(id);
    this.tombstones++;
    if (this.tombstones > Math.max(1024, this.baseSlots / 4)) this.rebuild();
    return true;
  }

  /** Folds the delta and tombstones into the base now (after a bulk load, before serving). */
  compact(): void {
    if (this.used > this.baseSlots || this.tombstones > 0) this.rebuild();
  }

  clear(): void {
    this.slotOf.clear();
    this.used = 0;
    this.rebuild();
  }

  /** Every entry within `maxDistance` bits (inclusive), nearest first. */
  search(hash: string | Uint32Array, maxDistance: number): IndexMatch[] {
    const q = typeof hash === 'string' ? pdqToWords(hash, this.query) : hash;
    const radius = Math.floor(maxDistance / CHUNKS);
    if (radius > MAX_PROBE_RADIUS) return this.scan(q, maxDistance);
    const masks = MASKS[radius]!;
    const { offsets, baseSlots, occupied, area } = this;
    // Phase 1a: every probed cell's bounds, skipping the empty ones by a bitmap small enough to stay in
    // cache (most cells at 10k hashes, a fifth at 100k). The loads are independent, so their misses overlap.
    let k = 0;
    for (let c = 0; c < CHUNKS; c++) {
      const value = chunkOf(q, 0, c);
      const row = c * (TABLE + 1);
      const w0 = ((c >> 1) + 1) & 7;
      area[AREA_QUERY + c * 3] = q[w0]!;
      area[AREA_QUERY + c * 3 + 1] = q[(w0 + 1) & 7]!;
      area[AREA_QUERY + c * 3 + 2] = q[(w0 + 2) & 7]!;
      for (let m = 0; m < masks.length; m++) {
        const v = value ^ masks[m]!;
        const bit = c * TABLE + v;
        if ((occupied[bit >>> 5]! & (1 << (bit & 31))) === 0) continue;
        area[AREA_CELLS + k * 3] = offsets[row + v]!;
        area[AREA_CELLS + k * 3 + 1] = offsets[row + v + 1]!;
        area[AREA_CELLS + k * 3 + 2] = c;
        k++;
      }
    }
    // Phase 1b-c: the postings in those cells. Each carries three other words of its hash, so most
    // non-matches are rejected from the cell itself, without a cache miss on the full hash.
    let from: Uint32Array = area;
    let at = AREA_OUT;
    let n = this.scanner
      ? this.scanner.scan(
          AREA_POSTINGS * 4,
          baseSlots,
          AREA_CELLS * 4,
          k,
          AREA_QUERY * 4,
          maxDistance,
          AREA_OUT * 4,
          OUT_CAPACITY,
        )
      : -1;
    if (n < 0) {
      n = this.scanCells(k, maxDistance);
      from = this.candidates;
      at = 0;
    }
    if (this.used > baseSlots) {
      if (from === area) {
        if (n > this.candidates.length) this.growCandidates(n);
        this.candidates.set(area.subarray(AREA_OUT, AREA_OUT + n));
        from = this.candidates;
        at = 0;
      }
      for (let c = 0; c < CHUNKS; c++) {
        const value = chunkOf(q, 0, c);
        for (let m = 0; m < masks.length; m++) {
          const cell = this.delta.get(c * TABLE + (value ^ masks[m]!));
          if (cell === undefined) continue;
          if (n + cell.length > this.candidates.length) this.growCandidates(n + cell.length);
          for (const slot of cell) this.candidates[n++] = slot;
          from = this.candidates;
        }
      }
    }
    // Phase 2: verify. A slot can be reached through several chunks; duplicates are rare, so they are
    // dropped from the short result list instead of being tracked per candidate.
    const out: IndexMatch[] = [];
    const w = this.words;
    for (let i = 0; i < n; i++) {
      const slot = from[at + i]!;
      const base = slot * 8;
      let d =
        popcount32(q[0]! ^ w[base]!) +
        popcount32(q[1]! ^ w[base + 1]!) +
        popcount32(q[2]! ^ w[base + 2]!) +
        popcount32(q[3]! ^ w[base + 3]!);
      if (d > maxDistance) continue;
      d +=
        popcount32(q[4]! ^ w[base + 4]!) +
        popcount32(q[5]! ^ w[base + 5]!) +
        popcount32(q[6]! ^ w[base + 6]!) +
        popcount32(q[7]! ^ w[base + 7]!);
      if (d <= maxDistance && this.ids[slot] !== DEAD) out.push({ id: this.idOf(slot), distance: d });
    }
    if (out.length > 1) {
      out.sort((a, b) => a.distance - b.distance || a.id - b.id);
      return out.filter((m, i) => i === 0 || m.id !== out[i - 1]!.id);
    }
    return out;
  }

  /** Brute-force search, for tests and for checking the index against ground truth. */
  scan(hash: string | Uint32Array, maxDistance: number): IndexMatch[] {
    const q = typeof hash === 'string' ? pdqToWords(hash) : hash;
    const out: IndexMatch[] = [];
    for (let slot = 0; slot < this.used; slot++) {
      if (this.ids[slot] === DEAD) continue;
      let d = 0;
      for (let i = 0; i < 8 && d <= maxDistance; i++) d += popcount32(q[i]! ^ this.words[slot * 8 + i]!);
      if (d <= maxDistance) out.push({ id: this.idOf(slot), distance: d });
    }
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** Bytes held by the index's typed arrays and WebAssembly memory (the id Maps aside), for capacity planning. */
  get memoryBytes(): number {
    return (
      this.words.byteLength +
      this.ids.byteLength +
      this.offsets.byteLength +
      this.occupied.byteLength +
      this.area.byteLength
    );
  }

  // The JavaScript twin of wasm/mih-scan.as.ts's scan(), into `candidates`: change both together.
  private scanCells(k: number, maxDistance: number): number {
    const { area, baseSlots } = this;
    // Touch each cell's first posting in a loop without branches, so that those cache misses overlap.
    let touched = 0;
    for (let i = 0; i < k; i++) {
      touched ^=
        area[
          AREA_POSTINGS +
            (area[AREA_CELLS + i * 3 + 2]! * baseSlots + area[AREA_CELLS + i * 3]!) * POSTING +
            1
        ]!;
    }
    this.touchChecksum = touched;
    let n = 0;
    for (let i = 0; i < k; i++) {
      const first = area[AREA_CELLS + i * 3]!;
      const end = area[AREA_CELLS + i * 3 + 1]!;
      const c = area[AREA_CELLS + i * 3 + 2]!;
      const q0 = area[AREA_QUERY + c * 3]!;
      const q1 = area[AREA_QUERY + c * 3 + 1]!;
      const q2 = area[AREA_QUERY + c * 3 + 2]!;
      if (n + end - first > this.candidates.length) this.growCandidates(n + end - first);
      const base = AREA_POSTINGS + c * baseSlots * POSTING;
      for (let j = first; j < end; j++) {
        const at = base + j * POSTING;
        if (
          popcount32(q0 ^ area[at + 1]!) + popcount32(q1 ^ area[at + 2]!) + popcount32(q2 ^ area[at + 3]!) <=
          maxDistance
        ) {
          this.candidates[n++] = area[at]!;
        }
      }
    }
    return n;
  }

  private setId(slot: number, id: number): void {
    if (id < BIG) this.ids[slot] = id;
    else {
      this.ids[slot] = BIG;
      this.bigIds.set(slot, id);
    }
  }

  private idOf(slot: number): number {
    const id = this.ids[slot]!;
    return id === BIG ? this.bigIds.get(slot)! : id;
  }

  // Room for the posting area: the WebAssembly memory grows (it never shrinks); a JavaScript area is
  // reallocated. Returns the view to write through.
  private reserveArea(u32s: number): Uint32Array {
    const bytes = u32s * 4;
    if (this.scanner) {
      const have = this.scanner.memory.buffer.byteLength;
      const pages = Math.ceil(bytes / WASM_PAGE);
      if (pages <= MAX_WASM_PAGES) {
        if (bytes > have) this.scanner.memory.grow(pages - have / WASM_PAGE);
        return new Uint32Array(this.scanner.memory.buffer);
      }
      throw new RangeError('the index has outgrown 4 GiB of WebAssembly memory; use { wasm: false }');
    }
    return this.area.length >= u32s ? this.area : new Uint32Array(u32s);
  }

  // Compacts live slots to the front and rebuilds the base by counting sort, per chunk.
  private rebuild(): void {
    let n = 0;
    for (let slot = 0; slot < this.used; slot++) {
      if (this.ids[slot] === DEAD) continue;
      if (slot !== n) {
        this.words.copyWithin(n * 8, slot * 8, slot * 8 + 8);
        this.ids[n] = this.ids[slot]!;
        const big = this.bigIds.get(slot);
        if (big !== undefined) {
          this.bigIds.delete(slot);
          this.bigIds.set(n, big);
        }
        this.slotOf.set(this.idOf(n), n);
      }
      n++;
    }
    this.ids.fill(DEAD, n, this.used);
    this.used = n;
    this.baseSlots = n;
    this.tombstones = 0;
    this.delta = new Map();
    this.trimCapacity(n + Math.max(1024, n >>> 5));
    const offsets = new Uint32Array(CHUNKS * (TABLE + 1));
    const area = this.reserveArea(AREA_POSTINGS + CHUNKS * n * POSTING);
    const cursor = new Uint32Array(TABLE);
    for (let c = 0; c < CHUNKS; c++) {
      const row = c * (TABLE + 1);
      for (let slot = 0; slot < n; slot++) offsets[row + chunkOf(this.words, slot * 8, c) + 1]!++;
      for (let v = 0; v < TABLE; v++) offsets[row + v + 1]! += offsets[row + v]!;
      cursor.set(offsets.subarray(row, row + TABLE));
      const w0 = ((c >> 1) + 1) & 7;
      const base = AREA_POSTINGS + c * n * POSTING;
      for (let slot = 0; slot < n; slot++) {
        const at = base + cursor[chunkOf(this.words, slot * 8, c)]!++ * POSTING;
        area[at] = slot;
        area[at + 1] = this.words[slot * 8 + w0]!;
        area[at + 2] = this.words[slot * 8 + ((w0 + 1) & 7)]!;
        area[at + 3] = this.words[slot * 8 + ((w0 + 2) & 7)]!;
      }
    }
    const occupied = new Int32Array((CHUNKS * TABLE) / 32);
    for (let c = 0; c < CHUNKS; c++) {
      const row = c * (TABLE + 1);
      for (let v = 0; v < TABLE; v++) {
        const bit = c * TABLE + v;
        if (offsets[row + v + 1]! > offsets[row + v]!) occupied[bit >>> 5]! |= 1 << (bit & 31);
      }
    }
    this.offsets = offsets;
    this.area = area;
    this.occupied = occupied;
  }

  private growCandidates(n: number): void {
    const next = new Uint32Array(Math.max(n, this.candidates.length * 2));
    next.set(this.candidates);
    this.candidates = next;
  }

  private ensureCapacity(slots: number): void {
    if (slots > this.ids.length) this.resize(Math.max(slots, this.ids.length * 2));
  }

  // After a rebuild, room for a few more adds and no more: the arrays' slack counts against the budget.
  private trimCapacity(slots: number): void {
    if (this.ids.length > slots + (slots >>> 4)) this.resize(slots);
  }

  private resize(cap: number): void {
    const words = new Uint32Array(cap * 8);
    words.set(this.words.subarray(0, Math.min(this.words.length, cap * 8)));
    const ids = new Uint32Array(cap).fill(DEAD);
    ids.set(this.ids.subarray(0, Math.min(this.ids.length, cap)));
    this.words = words;
    this.ids = ids;
  }
}
