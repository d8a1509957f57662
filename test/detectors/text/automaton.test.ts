import { describe, expect, it } from 'vitest';
import { CompactAutomaton } from '../../../detectors/text/automaton.ts';

function naive(patterns: string[], text: string): string[] {
  const found: string[] = [];
  patterns.forEach((p, index) => {
    for (let at = text.indexOf(p); at !== -1; at = text.indexOf(p, at + 1))
      found.push(`${index}@${at + p.length}`);
  });
  return found.sort();
}

function scan(a: CompactAutomaton, text: string): string[] {
  const units = Uint16Array.from(text, (c) => c.charCodeAt(0));
  const count = a.scan(units, units.length);
  const hits = a.hits;
  const found: string[] = [];
  for (let k = 0; k < count; k++) found.push(`${hits[2 * k]}@${hits[2 * k + 1]}`);
  return found.sort();
}

// A small deterministic PRNG so failures reproduce.
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('CompactAutomaton', () => {
  it('finds overlapping and nested patterns', () => {
    const patterns = ['he', 'she', 'his', 'hers', 'ivory', 'ivory bangle'];
    const a = new CompactAutomaton(patterns);
    expect(scan(a, 'ushers ivory bangle')).toEqual(naive(patterns, 'ushers ivory bangle'));
  });

  it('agrees with a naive search on random dense and sparse alphabets', () => {
    const random = rng(42);
    // Few dense classes force the sparse path for most characters.
    for (const [alphabet, denseBudget] of [
      ['abcd', 4_000_000],
      ['abcdefgh象牙犀角', 10],
    ] as const) {
      const pick = () => alphabet[Math.floor(random() * alphabet.length)]!;
      const patterns = [
        ...new Set(
          Array.from({ length: 60 }, () =>
            Array.from({ length: 1 + Math.floor(random() * 5) }, pick).join(''),
          ),
        ),
      ];
      const a = new CompactAutomaton(patterns, { denseBudget });
      for (let t = 0; t < 50; t++) {
        const text = Array.from({ length: 200 }, () => (random() < 0.1 ? 'z' : pick())).join('');
        expect(scan(a, text)).toEqual(naive(patterns, text));
      }
    }
  });

  it('rejects an empty pattern', () => {
    expect(() => new CompactAutomaton([''])).toThrow(/empty/);
  });
});
