// AssemblyScript, compiled to mih-scan.wasm by `npm run build:wasm` (asconfig.json).
//
// The inner loop of a PdqHashIndex lookup (../hash-index.ts): walk the postings of the probed cells and
// keep the slots whose 96 carried bits are within the distance. JavaScript has no population count, and
// this loop is most of a lookup at a million hashes; WebAssembly's popcnt is one instruction. The memory
// is the index's own (imported): JavaScript lays out the postings, the probed cells and the query words,
// and reads the candidate slots back. ../hash-index.ts has the same loop in JavaScript: change both.

/**
 * Cells: `cellCount` triples (first posting, end posting, chunk) of u32 at `cellsAt`. Query words: per
 * chunk, the three the postings of that chunk carry, at `queryAt + chunk * 12`. A posting is 16 bytes,
 * [slot, word, word, word], the postings of chunk c starting at `postingsAt + c * baseSlots * 16`.
 * Writes the passing slots at `outAt`; returns how many, or -1 if more than `outCapacity`.
 */
export function scan(
  postingsAt: usize,
  baseSlots: u32,
  cellsAt: usize,
  cellCount: i32,
  queryAt: usize,
  maxDistance: i32,
  outAt: usize,
  outCapacity: i32,
): i32 {
  // First touch every cache line of every cell, so that their misses overlap instead of being taken one
  // by one below.
  let touched: u32 = 0;
  for (let i = 0; i < cellCount; i++) {
    const cell = cellsAt + <usize>i * 12;
    const base = postingsAt + ((<usize>load<u32>(cell, 8) * baseSlots) << 4);
    const end = base + (<usize>load<u32>(cell, 4) << 4);
    for (let at = base + (<usize>load<u32>(cell) << 4); at < end; at += 64) touched ^= load<u32>(at, 4);
  }
  let n = 0;
  for (let i = 0; i < cellCount; i++) {
    const cell = cellsAt + <usize>i * 12;
    const c = load<u32>(cell, 8);
    const q = queryAt + <usize>c * 12;
    const q01 = load<u64>(q);
    const q2 = load<u32>(q, 8);
    const base = postingsAt + ((<usize>c * baseSlots) << 4);
    const end = base + (<usize>load<u32>(cell, 4) << 4);
    for (let at = base + (<usize>load<u32>(cell) << 4); at < end; at += 16) {
      const d = <i32>popcnt<u64>(q01 ^ load<u64>(at, 4)) + <i32>popcnt<u32>(q2 ^ load<u32>(at, 12));
      if (d <= maxDistance) {
        if (n >= outCapacity) return -1;
        store<u32>(outAt + (<usize>n << 2), load<u32>(at));
        n++;
      }
    }
  }
  // Keeps the touching loads from being optimised away; an impossible count is never returned.
  return touched == 0xffffffff && n == 0 ? 0 : n;
}
