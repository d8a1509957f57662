import { describe, expect, it } from 'vitest';
import {
  diffLibraries,
  exportLibrary,
  ImportError,
  importLibrary,
  mergeProposed,
  summarizeDiff,
} from '../../keywords/exchange.ts';
import { loadLibraryFromDir } from '../../keywords/load.ts';
import type { Entry, Library } from '../../keywords/schema.ts';

const base = loadLibraryFromDir();
const extra: Entry = {
  term: 'ivory netsuke lot',
  language: 'en',
  kind: 'product',
  species: 'african-elephant',
  strength: 'strong',
  fpRisk: 'low',
  provenance: { addedBy: 'reviewer@ngo.example', needsNativeReview: false },
  addedIn: '1.1.0',
  status: 'active',
};
const next: Library = { ...base, version: '1.1.0', entries: [...base.entries.slice(1), extra] };

describe('export and import', () => {
  it('round-trips through JSON text', () => {
    const text = JSON.stringify(exportLibrary(next));
    const back = importLibrary(JSON.parse(text));
    expect(back.version).toBe('1.1.0');
    expect(back.entries).toHaveLength(next.entries.length);
  });

  it('rejects altered files, other formats and invalid libraries', () => {
    const doc = exportLibrary(next);
    const tampered = JSON.parse(JSON.stringify(doc));
    tampered.library.entries[0].fpRisk = 'high';
    expect(() => importLibrary(tampered)).toThrow(/checksum/);
    expect(() => importLibrary({ ...doc, format: 'other' })).toThrow(ImportError);
    expect(() => importLibrary({ ...doc, library: { ...next, entries: [{ term: '' }] } })).toThrow(
      /invalid library/,
    );
    expect(() => importLibrary('nope')).toThrow(ImportError);
  });

  it('merges foreign entries as proposed, never active', () => {
    const { library, added } = mergeProposed(base, next, 'partner.json', '1.0.1');
    expect(added).toBe(1);
    const merged = library.entries.find((e) => e.term === 'ivory netsuke lot')!;
    expect(merged.status).toBe('proposed');
    expect(merged.note).toMatch(/partner\.json/);
    expect(library.version).toBe('1.0.1');
  });
});

describe('diffLibraries', () => {
  it('lists added, removed and changed entries', () => {
    const changed = { ...next.entries[0]!, fpRisk: 'high' as const };
    const to: Library = { ...next, entries: [changed, ...next.entries.slice(1)] };
    const diff = diffLibraries(base, to);
    expect(diff.added.map((e) => e.term)).toEqual(['ivory netsuke lot']);
    expect(diff.removed).toEqual([base.entries[0]]);
    expect(diff.changed.map((c) => c.fields)).toEqual([['fpRisk']]);
    expect(summarizeDiff(diff)).toBe('+1 -1 ~1 (en +1)');
  });
});
