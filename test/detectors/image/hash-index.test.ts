import { describe, expect, it } from 'vitest';
import { PdqHashIndex } from '../../../detectors/image/hash-index.ts';
import { pdqDistance, wordsToPdq } from '../../../detectors/image/pdq.ts';

// Deterministic pseudo-random hashes (mulberry32) so a failure can be replayed.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function randomHash(rand: () => number): string {
  const w = new Uint32Array(8);
  for (let i = 0; i < 8; i++) w[i] = Math.floor(rand() * 2 ** 32);
  return wordsToPdq(w);
}
/** Flips `bits` distinct random bits. */
function perturb(hash: string, bits: number, rand: () => number): string {
  const chars = [...hash].map((c) => Number.parseInt(c, 16));
  const picked = new Set<number>();
  while (picked.size < bits) picked.add(Math.floor(rand() * 256));
  for (const b of picked) chars[b >> 2]! ^= 1 << (b & 3);
  return chars.map((c) => c.toString(16)).join('');
}

describe('PdqHashIndex (multi-index hashing)', () => {
  it('finds exactly what a linear scan finds, at several thresholds', () => {
    const rand = rng(42);
    const index = new PdqHashIndex();
    const stored: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const h = randomHash(rand);
      stored.push(h);
      index.add(i, h);
    }
    expect(index.size).toBe(5000);
    for (const threshold of [0, 10, 31, 47, 52]) {
      for (let q = 0; q < 60; q++) {
        const target = stored[Math.floor(rand() * stored.length)]!;
        const query = perturb(target, Math.floor(rand() * (threshold + 8)), rand);
        expect(index.search(query, threshold)).toEqual(index.scan(query, threshold));
      }
    }
  });

  it('reports the true distance, nearest first', () => {
    const rand = rng(7);
    const index = new PdqHashIndex();
    const base = randomHash(rand);
    const near = perturb(base, 5, rand);
    const nearer = perturb(base, 2, rand);
    index.add(1, near);
    index.add(2, nearer);
    index.add(3, randomHash(rand));
    const found = index.search(base, 31);
    expect(found).toEqual([
      { id: 2, distance: pdqDistance(base, nearer) },
      { id: 1, distance: pdqDistance(base, near) },
    ]);
  });

  it('updates incrementally: removals and replacements take effect at once', () => {
    const rand = rng(9);
    const index = new PdqHashIndex();
    const a = randomHash(rand);
    const b = randomHash(rand);
    index.add(10, a);
    index.add(11, b);
    expect(index.search(a, 0).map((m) => m.id)).toEqual([10]);
    expect(index.remove(10)).toBe(true);
    expect(index.remove(10)).toBe(false);
    expect(index.search(a, 31)).toEqual([]);
    index.add(11, a); // replace 11's hash
    expect(index.search(b, 31)).toEqual([]);
    expect(index.search(a, 0)).toEqual([{ id: 11, distance: 0 }]);
    index.add(12, b); // reuses the freed slot
    expect(index.search(b, 0)).toEqual([{ id: 12, distance: 0 }]);
    expect(index.size).toBe(2);
  });

  it('rejects malformed hashes', () => {
    expect(() => new PdqHashIndex().add(1, 'not-a-hash')).toThrow(/not a PDQ hash/);
  });

  it('looks up in WebAssembly where the module is built, with the same answers as JavaScript through adds, rebuilds and removals', () => {
    const rand = rng(77);
    const wasm = new PdqHashIndex();
    const js = new PdqHashIndex({ wasm: false });
    expect(wasm.usesWasm).toBe(true);
    expect(js.usesWasm).toBe(false);
    const stored: string[] = [];
    // Clusters of near-duplicates, so that lookups find several entries at once.
    for (let i = 0; i < 6000; i++) {
      const h = i % 3 === 0 || stored.length === 0 ? randomHash(rand) : perturb(stored.at(-1)!, 6, rand);
      stored.push(h);
      wasm.add(i, h);
      js.add(i, h);
    }
    for (let i = 0; i < 6000; i += 7) {
      wasm.remove(i);
      js.remove(i);
    }
    let found = 0;
    for (const step of ['delta', 'compacted'] as const) {
      if (step === 'compacted') {
        wasm.compact();
        js.compact();
      }
      for (const threshold of [0, 16, 31, 40]) {
        for (let q = 0; q < 80; q++) {
          const query = perturb(stored[Math.floor(rand() * stored.length)]!, Math.floor(rand() * 24), rand);
          const expected = js.scan(query, threshold);
          expect(wasm.search(query, threshold), `${step} d<=${threshold}`).toEqual(expected);
          expect(js.search(query, threshold)).toEqual(expected);
          found += expected.length;
        }
      }
    }
    expect(found).toBeGreaterThan(500);
  });

  it('keeps ids up to 2^53 and refuses negative or fractional ones', () => {
    const rand = rng(5);
    const index = new PdqHashIndex();
    const a = randomHash(rand);
    const b = randomHash(rand);
    index.add(Number.MAX_SAFE_INTEGER, a);
    index.add(2 ** 32 - 2, b);
    index.add(3, perturb(a, 4, rand));
    index.compact();
    expect(index.search(a, 10).map((m) => m.id)).toEqual([Number.MAX_SAFE_INTEGER, 3]);
    expect(index.search(b, 0)).toEqual([{ id: 2 ** 32 - 2, distance: 0 }]);
    expect(index.remove(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(index.search(a, 10).map((m) => m.id)).toEqual([3]);
    expect(() => index.add(-1, a)).toThrow(RangeError);
    expect(() => index.add(1.5, a)).toThrow(RangeError);
  });
});
