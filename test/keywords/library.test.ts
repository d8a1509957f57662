import { describe, expect, it } from 'vitest';
import { loadLibraryFromDir } from '../../keywords/load.ts';
import { entrySchema, librarySchema } from '../../keywords/schema.ts';

const library = loadLibraryFromDir();

describe('the keyword library files', () => {
  it('hold at least 1,500 entries across at least 12 languages', () => {
    expect(library.entries.length).toBeGreaterThanOrEqual(1500);
    const languages = new Set(library.entries.map((e) => e.language));
    for (const l of ['en', 'zh-Hans', 'zh-Hant', 'vi', 'th', 'id', 'ms', 'fr', 'es', 'pt', 'sw', 'ja']) {
      expect(languages.has(l), l).toBe(true);
    }
  });

  it('give every entry provenance: a source URL, a reviewer, or a native-review flag with a note', () => {
    for (const e of library.entries) {
      const p = e.provenance;
      expect(
        p.source !== undefined || p.addedBy !== undefined || (p.needsNativeReview && p.reviewNote),
        e.term,
      ).toBeTruthy();
    }
  });

  it('have a species table of at least 40 taxa with CITES appendix and names in several languages', () => {
    expect(library.species.length).toBeGreaterThanOrEqual(40);
    for (const s of library.species) {
      expect(Object.keys(s.names).length, s.key).toBeGreaterThanOrEqual(3);
    }
    const keys = new Set(library.species.map((s) => s.key));
    for (const e of library.entries) if (e.species) expect(keys.has(e.species), e.term).toBe(true);
  });

  it('keep seed terms from the domain reference with their source', () => {
    const find = (term: string, language: string) =>
      library.entries.find((e) => e.term === term && e.language === language);
    expect(find('pembe za ndovu', 'sw')?.provenance.source).toMatch(/bbc\.com/);
    expect(find('cao hổ cốt', 'vi')?.kind).toBe('product');
    expect(find('dầu cao hổ', 'vi')?.kind).toBe('negative');
    expect(find('一红二黑三白', 'zh-Hans')?.kind).toBe('code');
  });
});

describe('the library schema', () => {
  const valid = library.entries[0]!;

  it('rejects an entry without provenance or with a review flag but no note', () => {
    expect(entrySchema.safeParse({ ...valid, provenance: {} }).success).toBe(false);
    expect(entrySchema.safeParse({ ...valid, provenance: { needsNativeReview: true } }).success).toBe(false);
  });

  it('rejects a negative term without context, an unknown kind and control characters', () => {
    expect(entrySchema.safeParse({ ...valid, kind: 'negative', negativeContext: undefined }).success).toBe(
      false,
    );
    expect(entrySchema.safeParse({ ...valid, kind: 'rumour' }).success).toBe(false);
    expect(entrySchema.safeParse({ ...valid, term: 'a\u0000b' }).success).toBe(false);
  });

  it('rejects duplicate entries and unknown species keys', () => {
    const dup = librarySchema.safeParse({ ...library, entries: [valid, { ...valid }] });
    expect(dup.success).toBe(false);
    const unknown = librarySchema.safeParse({ ...library, entries: [{ ...valid, species: 'dragon' }] });
    expect(unknown.success).toBe(false);
  });
});
