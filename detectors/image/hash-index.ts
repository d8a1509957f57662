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
// candidates) so the CPU can overlap independent cache misses.
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
  // Per slot: the hash (8 words), the caller's id, and whether it is live.
  private words = new Uint32Array(8 * 1024);
  private ids = new Float64Array(1024);
  private live = new Uint8Array(1024);
  private used = 0;
  private readonly slotOf = new Map<number, number>();
  // Base: offsets[chunk * 65537 + value] .. [+1] delimit that cell's slots in postings[chunk * baseSlots + ...].
  private offsets = new Uint32Array(CHUNKS * (TABLE + 1));
  private postings = new Uint32Array(0);
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
  // Per query: the non-empty cells probed (bounds and chunk) and, per chunk, the three query words its
  // postings carry.
  private readonly probeFrom = new Uint32Array(CHUNKS * 137);
  private readonly probeTo = new Uint32Array(CHUNKS * 137);
  private readonly probeBase = new Uint8Array(CHUNKS * 137);
  private readonly probeWords = new Uint32Array(CHUNKS * 3);

  get size(): number {
    return this.slotOf.size;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  /** Adds or replaces the hash stored under `id`. */
  add(id: number, hash: string | Uint32Array): void {
    const words = typeof hash === 'string' ? pdqToWords(hash) : hash;
    if (this.slotOf.has(id)) this.remove(id);
    const slot = this.used++;
    this.ensureCapacity(slot + 1);
    this.words.set(words.subarray(0, 8), slot * 8);
    this.ids[slot] = id;
    this.live[slot] = 1;
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
    this.live[slot] = 0;
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
    const { offsets, postings, baseSlots, occupied } = this;
    // Phase 1a: every probed cell's bounds, skipping the empty ones by a bitmap small enough to stay in
    // cache (most cells at 10k hashes, a fifth at 100k). The loads are independent, so their misses overlap.
    const { probeFrom, probeTo, probeBase, probeWords } = this;
    let k = 0;
    for (let c = 0; c < CHUNKS; c++) {
      const value = chunkOf(q, 0, c);
      const row = c * (TABLE + 1);
      const w0 = ((c >> 1) + 1) & 7;
      probeWords[c * 3] = q[w0]!;
      probeWords[c * 3 + 1] = q[(w0 + 1) & 7]!;
      probeWords[c * 3 + 2] = q[(w0 + 2) & 7]!;
      for (let m = 0; m < masks.length; m++) {
        const v = value ^ masks[m]!;
        const bit = c * TABLE + v;
        if ((occupied[bit >>> 5]! & (1 << (bit & 31))) === 0) continue;
        probeFrom[k] = offsets[row + v]!;
        probeTo[k] = offsets[row + v + 1]!;
        probeBase[k] = c;
        k++;
      }
    }
    // Phase 1b: touch each cell's first posting in a loop without branches, so that those cache misses
    // overlap too instead of being taken one by one below.
    let touched = 0;
    for (let i = 0; i < k; i++)
      touched ^= postings[(probeBase[i]! * baseSlots + probeFrom[i]!) * POSTING + 1]!;
    this.touchChecksum = touched;
    // Phase 1c: the entries in those cells. Each posting carries three other words of its hash, so most
    // non-matches are rejected from the cell itself, without a cache miss on the full hash.
    let n = 0;
    for (let i = 0; i < k; i++) {
      const c = probeBase[i]!;
      const q0 = probeWords[c * 3]!;
      const q1 = probeWords[c * 3 + 1]!;
      const q2 = probeWords[c * 3 + 2]!;
      const from = probeFrom[i]!;
      const to = probeTo[i]!;
      if (n + to - from > this.candidates.length) this.growCandidates(n + to - from);
      for (let j = from; j < to; j++) {
        const at = (c * baseSlots + j) * POSTING;
        if (
          popcount32(q0 ^ postings[at + 1]!) +
            popcount32(q1 ^ postings[at + 2]!) +
            popcount32(q2 ^ postings[at + 3]!) <=
          maxDistance
        ) {
          this.candidates[n++] = postings[at]!;
        }
      }
    }
    if (this.used > baseSlots) {
      for (let c = 0; c < CHUNKS; c++) {
        const value = chunkOf(q, 0, c);
        for (let m = 0; m < masks.length; m++) {
          const cell = this.delta.get(c * TABLE + (value ^ masks[m]!));
          if (cell === undefined) continue;
          if (n + cell.length > this.candidates.length) this.growCandidates(n + cell.length);
          for (const slot of cell) this.candidates[n++] = slot;
        }
      }
    }
    // Phase 2: verify. A slot can be reached through several chunks; duplicates are rare, so they are
    // dropped from the short result list instead of being tracked per candidate.
    const out: IndexMatch[] = [];
    const w = this.words;
    const cand = this.candidates;
    for (let i = 0; i < n; i++) {
      const slot = cand[i]!;
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
      if (d <= maxDistance && this.live[slot] === 1) out.push({ id: this.ids[slot]!, distance: d });
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
      if (this.live[slot] === 0) continue;
      let d = 0;
      for (let i = 0; i < 8 && d <= maxDistance; i++) d += popcount32(q[i]! ^ this.words[slot * 8 + i]!);
      if (d <= maxDistance) out.push({ id: this.ids[slot]!, distance: d });
    }
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** Bytes held by the index's typed arrays (the delta Map aside), for capacity planning. */
  get memoryBytes(): number {
    return (
      this.words.byteLength +
      this.ids.byteLength +
      this.live.byteLength +
      this.offsets.byteLength +
      this.occupied.byteLength +
      this.postings.byteLength
    );
  }

  // Compacts live slots to the front and rebuilds the base by counting sort, per chunk.
  private rebuild(): void {
    let n = 0;
    for (let slot = 0; slot < this.used; slot++) {
      if (this.live[slot] === 0) continue;
      if (slot !== n) {
        this.words.copyWithin(n * 8, slot * 8, slot * 8 + 8);
        this.ids[n] = this.ids[slot]!;
        this.live[n] = 1;
        this.slotOf.set(this.ids[n]!, n);
      }
      n++;
    }
    this.live.fill(0, n, this.used);
    this.used = n;
    this.baseSlots = n;
    this.tombstones = 0;
    this.delta = new Map();
    const offsets = new Uint32Array(CHUNKS * (TABLE + 1));
    const postings = new Uint32Array(CHUNKS * n * POSTING);
    const cursor = new Uint32Array(TABLE);
    for (let c = 0; c < CHUNKS; c++) {
      const row = c * (TABLE + 1);
      for (let slot = 0; slot < n; slot++) offsets[row + chunkOf(this.words, slot * 8, c) + 1]!++;
      for (let v = 0; v < TABLE; v++) offsets[row + v + 1]! += offsets[row + v]!;
      cursor.set(offsets.subarray(row, row + TABLE));
      const w0 = ((c >> 1) + 1) & 7;
      for (let slot = 0; slot < n; slot++) {
        const at = (c * n + cursor[chunkOf(this.words, slot * 8, c)]!++) * POSTING;
        postings[at] = slot;
        postings[at + 1] = this.words[slot * 8 + w0]!;
        postings[at + 2] = this.words[slot * 8 + ((w0 + 1) & 7)]!;
        postings[at + 3] = this.words[slot * 8 + ((w0 + 2) & 7)]!;
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
    this.postings = postings;
    this.occupied = occupied;
  }

  private growCandidates(n: number): void {
    const next = new Uint32Array(Math.max(n, this.candidates.length * 2));
    next.set(this.candidates);
    this.candidates = next;
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.ids.length) return;
    const cap = Math.max(slots, this.ids.length * 2);
    const grow = <A extends Uint32Array | Float64Array | Uint8Array>(
      a: A,
      n: number,
      make: (n: number) => A,
    ): A => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.words = grow(this.words, cap * 8, (n) => new Uint32Array(n));
    this.ids = grow(this.ids, cap, (n) => new Float64Array(n));
    this.live = grow(this.live, cap, (n) => new Uint8Array(n));
  }
}
