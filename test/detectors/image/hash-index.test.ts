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
});
