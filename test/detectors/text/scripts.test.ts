// Boundaries and folds that fit each script (issue 15, item 4, the engine part): Arabic clitics, letter
// variants and harakat; Devanagari nukta and candrabindu; Korean particles; syllables and dictionary
// words in scripts written without spaces (Thai, Lao, Khmer, Myanmar, Chinese, Japanese). The terms are
// this test's own, added to the library here.
import { describe, expect, it } from 'vitest';
import { compileLibrary } from '../../../detectors/text/compile.ts';
import { quickCheckInJs, screenWith } from '../../../detectors/text/index.ts';
import { normalizeTerm } from '../../../detectors/text/normalize.ts';
import { quickCheck } from '../../../detectors/text/quick-check.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';
import type { Entry } from '../../../keywords/schema.ts';

const base = loadLibraryFromDir();
const SCRIPT_LANGUAGES = new Set(['ar', 'hi', 'ko', 'th', 'lo', 'km', 'my']);
const term = (t: string, language: string, kind: Entry['kind'], species?: string): Entry => ({
  term: t,
  language,
  kind,
  ...(species ? { species } : {}),
  strength: 'strong',
  fpRisk: 'low',
  provenance: { addedBy: 'scripts.test.ts', needsNativeReview: false },
  addedIn: '1.0.0',
  status: 'active',
});
const lib = compileLibrary({
  ...base,
  version: 'scripts-test',
  entries: [
    // The library's own entries in these languages would be found beside the test's terms.
    ...base.entries.filter((e) => !SCRIPT_LANGUAGES.has(e.language)),
    term('عاج', 'ar', 'product', 'african-elephant'),
    term('أنياب الفيل', 'ar', 'product', 'african-elephant'),
    term('صدفة السلحفاة', 'ar', 'product', 'hawksbill-turtle'),
    term('हाथीदाँत', 'hi', 'product', 'african-elephant'),
    term('बाघ की खाल', 'hi', 'product', 'tiger'),
    term('상아', 'ko', 'product', 'african-elephant'),
    term('หมี', 'th', 'product', 'asiatic-black-bear'),
    term('งา', 'th', 'product', 'african-elephant'),
    term('ງາຊ້າງ', 'lo', 'product', 'african-elephant'),
    term('ភ្លុកដំរី', 'km', 'product', 'african-elephant'),
    term('ဆင်စွယ်', 'my', 'product', 'african-elephant'),
  ],
});

/** The terms a listing's title is found to hold (evidence), with the matched original text. */
function found(title: string): string[] {
  return screenWith(lib, { title })
    .evidence.filter((e) => e.kind === 'product')
    .map((e) => title.slice(e.start, e.end));
}

describe('Arabic', () => {
  it('folds alef forms, ta marbuta, alef maksura, tatweel and harakat', () => {
    for (const alef of ['أ', 'إ', 'آ', 'ٱ']) expect(normalizeTerm(`${alef}سد`, false)).toBe('اسد');
    expect(normalizeTerm('سلحفاة', false)).toBe(normalizeTerm('سلحفاه', false));
    expect(normalizeTerm('مستشفى', false)).toBe(normalizeTerm('مستشفي', false));
    expect(normalizeTerm('عـــاج', false)).toBe(normalizeTerm('عاج', false));
    expect(normalizeTerm('عَاجٌ', false)).toBe(normalizeTerm('عاج', false));
    expect(normalizeTerm('ی ک', false)).toBe(normalizeTerm('ي ك', false));
  });

  it('finds a term behind clitic prefixes and before short suffixes, not inside another word', () => {
    for (const title of [
      'عاج للبيع',
      'العاج الأصلي',
      'بالعاج',
      'وبالعاج',
      'سوار عاجي',
      'عَاجٌ طبيعي',
      'عـاج',
    ]) {
      expect(found(title), title).toHaveLength(1);
    }
    // "Incapable" and "dictionaries" hold the letters of "ivory".
    expect(found('رجل عاجز')).toEqual([]);
    expect(found('معاجم اللغة')).toEqual([]);
  });

  it('matches letter variants both ways', () => {
    expect(found('انياب الفيل')).toHaveLength(1);
    expect(found('إنياب الفيل')).toHaveLength(1);
    expect(found('صدفه السلحفاه')).toHaveLength(1);
    expect(found('صَدَفَةُ السُّلَحْفَاةِ')).toHaveLength(1);
  });
});

describe('Hindi (Devanagari)', () => {
  it('folds the nukta and candrabindu, precomposed or not', () => {
    expect(normalizeTerm('\u095b', false)).toBe(normalizeTerm('ज', false)); // ज़ precomposed
    expect(normalizeTerm('ज\u093c', false)).toBe(normalizeTerm('ज', false));
    expect(normalizeTerm('हाथीदाँत', false)).toBe(normalizeTerm('हाथीदांत', false));
    expect(normalizeTerm('१२३', false)).toBe('123');
  });

  it('finds terms written with or without them', () => {
    expect(found('असली हाथीदांत की चूड़ी')).toHaveLength(1);
    expect(found('हाथीदाँत')).toHaveLength(1);
    expect(found('बाघ की ख़ाल बिक्री')).toHaveLength(1);
  });
});

describe('Korean', () => {
  it('finds a term with a particle attached, on a word boundary before it', () => {
    expect(found('상아를 팝니다')).toHaveLength(1);
    expect(found('상아 도장')).toHaveLength(1);
    expect(found('진짜 상아로 만든 도장')).toHaveLength(1);
    expect(found('인상아')).toEqual([]);
  });
});

describe('scripts written without spaces', () => {
  it('never splits a Thai syllable: "bear" is not in "noodles"', () => {
    expect(found('ขายหมีดำ')).toEqual(['หมี']);
    expect(found('บะหมี่กึ่งสำเร็จรูป')).toEqual([]);
  });

  it('holds a short Thai term to dictionary word boundaries: "tusk" is not in "work"', () => {
    expect(found('ขายงาแท้')).toEqual(['งา']);
    expect(found('ขายงาน')).toEqual([]);
    expect(found('หางาน ด่วน')).toEqual([]);
  });

  it('finds Lao, Khmer and Burmese terms inside unspaced sentences', () => {
    expect(found('ຂາຍງາຊ້າງແທ້')).toEqual(['ງາຊ້າງ']);
    expect(found('លក់ភ្លុកដំរីពិត')).toEqual(['ភ្លុកដំរី']);
    expect(found('ဆင်စွယ်ရောင်းမည်')).toEqual(['ဆင်စွယ်']);
  });

  it('applies no Latin word boundary to Chinese and Japanese', () => {
    expect(found('出售象牙，手工')).toContain('象牙');
    expect(found('根付の猫 象牙')).toEqual(expect.arrayContaining(['根付', '象牙']));
  });

  it('lets the quick check find a superset of what the full path keeps', () => {
    // The quick check matches these patterns without the script rules; the full path then applies them.
    for (const title of ['บะหมี่กึ่งสำเร็จรูป', 'ขายงาน', 'رجل عاجز', 'ขายงาแท้', 'بالعاج']) {
      expect(quickCheckInJs(lib, title, '', false), title).toBe(1);
      const wasm = quickCheck(lib, title, '', false);
      if (wasm !== 2) expect(wasm, title).toBe(1);
    }
  });
});
