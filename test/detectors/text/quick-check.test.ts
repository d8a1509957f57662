// The WebAssembly quick check must answer exactly as the JavaScript one whenever it answers at all: a
// "no wildlife term" from it allows a listing without any other look.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusBatch, prng } from '../../../bench/text-corpus.ts';
import { compileLibrary } from '../../../detectors/text/compile.ts';
import { quickCheckInJs, screenWith } from '../../../detectors/text/index.ts';
import {
  QUICK_KEY,
  QUICK_NONE,
  QUICK_UNSURE,
  quickCheck,
  wasmQuickCheck,
} from '../../../detectors/text/quick-check.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';
import { OBFUSCATIONS, seeded } from './obfuscations.ts';

const library = loadLibraryFromDir();
const lib = compileLibrary(library);

interface Text {
  title: string;
  description?: string;
  language?: string;
}

const devSet: Text[] = fs
  .readFileSync(new URL('../../fixtures/text/dev-set.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Text);

/** Texts built to reach every branch of the normaliser: obfuscation, scripts, folds, bad UTF-16. */
const tricky: Text[] = [
  { title: 'i.v.o.r.y bangle', description: 's l o w l o r i s for sale' },
  { title: '1vory carving', description: 'p@ngolin sc@les, iv0ry, rhin0 h0rn' },
  { title: 'rh1n0 h0rn', description: 't1g3r b0n3 w1n3, mp3 abc00 covid19 US$ 5tr, p4ngol1n' },
  { title: 'іvоrу (Cyrillic)', description: 'ρangolin scales' },
  { title: 'Сл0н0вая к0сть, статуэтка', description: 'ч3рный м4ск, н@рвал, 2024 г.' },
  { title: 'سبحة ع.ا.ج أفريقي', description: 'с.л.о.н.о.в.а.я к-о-с-т-ь, ج.م.ع، 상.아.도.장' },
  { title: 'ＩＶＯＲＹ ｂａｎｇｌｅ', description: 'ﬁne ㎏ ivory ① ⑴' },
  { title: 'ivooory tusks', description: 'tuske tusk tusks tuskes rhinohorn #rhinohorn' },
  { title: 'vòng ngà voi thật', description: 'cao hổ cốt, sừng tê giác', language: 'vi' },
  { title: 'nga voi', description: 'vòng tay ngà' },
  { title: 'Ivory lace dress', description: 'ngà' },
  { title: '象 牙 手镯', description: '犀角 出售 穿山甲鳞片 虎骨酒 象牙' },
  { title: '象牙．手镯', description: '微信 tusk888' },
  { title: 'งาช้าง แท้', description: 'นอแรด ราคาถูก ขำ ๆ คำ' },
  { title: 'ペンダント 象牙', description: 'べっ甲 かんざし' },
  { title: '🐘🦷 for sale', description: '🦏 horn, DM 📩' },
  { title: '😀 nice bag 👍🏽', description: '𝐢𝐯𝐨𝐫𝐲 bangle, 𝓹𝓪𝓷𝓰𝓸𝓵𝓲𝓷' },
  { title: '象\ud83d牙 手镯', description: '🐯骨 🦷🦷' },
  { title: 'nga\u0300 voi', description: 'decomposed marks', language: 'vi' },
  // Decomposed Vietnamese (NFD), as some keyboards type it.
  { title: 'vòng ngà voi thật'.normalize('NFD'), description: 'cao hổ cốt'.normalize('NFD'), language: 'vi' },
  { title: 'bàn ghế gỗ'.normalize('NFD'), description: 'sừng tê giác'.normalize('NFD') },
  { title: 'nga\u0300\u0300\u0301 voi', description: 'a\u0323\u0302 \u0301x', language: 'vi' },
  { title: 'zero\u200bwidth i\u200dvory', description: 'soft\u00adhyphen ivo\u00adry' },
  { title: 'lone \ud83d surrogate', description: 'low \udc18 first ivory' },
  { title: 'control \u0000\u0007 ivory \u007f', description: '\t\r\nivory\n' },
  { title: '', description: '' },
  { title: 'a', description: 'ivory' },
  { title: 'x'.repeat(40_000), description: 'ivory' },
  { title: `${'filler text '.repeat(3000)}ivory`, description: '' },
  { title: 'ﷺ ﷽ ivory', description: 'ﬃ ﬄ' },
  // More key-pattern hits inside words than the module notes while normalising (it then rescans).
  { title: `${'xivoryx '.repeat(70)}ivory`, description: '' },
  { title: 'xivoryx '.repeat(70), description: 'xtuskx' },
  // Read in display order: overrides, embeddings, isolates, invisible characters inside words.
  {
    title: 'Carved \u202eyrovi\u202c bangle',
    description: '\u202b\u202eyrovi\u202c\u202c \u2067ivory\u2069',
  },
  {
    title: '\u202dعاج\u202c',
    description: 'E\u200bl\u200cf3nbein, i\u00adv\u2060o\u200dry, ❤\ufe0f 👨\u200d👩',
  },
  { title: '\u202eyrovi\nyrovi', description: '\u202e\u202d\u202eyrovi\u202c\u202c\u202c' },
  // Leet runs: two inside a word fold, three are a number and do not ("iv000ry" stays).
  { title: 'iv000ry b000ne', description: 'rh1n000 300ml' },
  { title: 'g00d iv00ry', description: 'p@$ngolin' },
  { title: 'ооsik, ѕϲhildpatt, ᴛɪɢᴇʀ ʙᴏɴᴇ', description: 'r. h. i. n. o  h o r n, g00d iv0ry, sku1l' },
  { title: 'العاج أصلي للبيع', description: 'हाथीदाँत क़ीमत, ٣٠٠ دولار' },
];

/** Random texts from fragments of library terms, separators, leetspeak and several scripts. */
function fuzzTexts(count: number): Text[] {
  const random = prng(12345);
  const terms = lib.entries.map((e) => e.term);
  const bits = [
    ' ',
    '.',
    '-',
    '_',
    '1',
    '0',
    '@',
    '$',
    '3',
    'ờ',
    'ă',
    'ó',
    'e',
    's',
    'es',
    '象',
    'ำ',
    'а',
    'ο',
  ];
  bits.push(
    '🐘',
    '🦷',
    '😀',
    '👍🏽',
    '𝐢',
    '\ud83d',
    '\udc18',
    '\u0300',
    '\u0301',
    '\u0302',
    '\u0309',
    '\u0323',
    // Bidirectional controls and invisible characters (read in display order), separator groups,
    // lookalikes that NFKC changes, Arabic and Devanagari folds, small capitals, animal emoji.
    '\u202e',
    '\u202c',
    '\u202b',
    '\u202d',
    '\u2067',
    '\u2069',
    '\u200b',
    '\u00ad',
    '\ufe0f',
    '. ',
    ' - ',
    'ϲ',
    'ѕ',
    'օ',
    'أ',
    'ـ',
    '\u064e',
    'क़',
    '\u093c',
    '\u0901',
    '٣',
    'ᴀ',
    '🦜',
  );
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const text = () => {
    let s = '';
    const parts = 1 + Math.floor(random() * 8);
    for (let k = 0; k < parts; k++) {
      const term = pick(terms);
      const cut = Math.floor(random() * (term.length + 1));
      s += random() < 0.5 ? term : term.slice(0, cut);
      s += pick(bits);
      if (random() < 0.3) s += pick(bits).repeat(1 + Math.floor(random() * 3));
    }
    return s;
  };
  // A third in accented (Vietnamese) mode, where combining marks are composed rather than dropped.
  return Array.from({ length: count }, (_, k) => ({
    title: text(),
    description: text(),
    ...(k % 3 === 0 ? { language: 'vi' } : {}),
  }));
}

const accentedFor = (t: Text) => t.language?.startsWith('vi') === true;

function compare(texts: Text[], library = lib) {
  const counts = [0, 0, 0];
  const disagreements: Text[] = [];
  for (const t of texts) {
    const description = t.description ?? '';
    const wasm = quickCheck(library, t.title, description, accentedFor(t));
    counts[wasm]!++;
    if (wasm === QUICK_UNSURE) continue;
    if (wasm !== quickCheckInJs(library, t.title, description, accentedFor(t))) disagreements.push(t);
  }
  return { none: counts[QUICK_NONE]!, key: counts[QUICK_KEY]!, unsure: counts[QUICK_UNSURE]!, disagreements };
}

describe('the WebAssembly quick check', () => {
  it('is built and loads (npm run build:wasm)', () => {
    expect(wasmQuickCheck()).not.toBeNull();
  });

  it('agrees with the JavaScript check on the development set', () => {
    const result = compare(devSet);
    expect(result.disagreements).toEqual([]);
    expect(result.key).toBeGreaterThan(100);
    expect(result.unsure).toBeLessThan(devSet.length * 0.1);
  });

  it('agrees on obfuscated, multi-script, malformed and over-long texts', () => {
    const result = compare(tricky);
    expect(result.disagreements).toEqual([]);
    expect(result.key).toBeGreaterThan(12);
    const inWords = 'xivoryx '.repeat(70);
    expect(quickCheck(lib, `${inWords}ivory`, '', false)).toBe(QUICK_KEY);
    expect(quickCheck(lib, inWords, 'xtuskx', false)).toBe(QUICK_NONE);
    // Emoji and other supplementary characters are answered here too.
    expect(quickCheck(lib, '🐘🦷 for sale', '', false)).toBe(QUICK_KEY);
    expect(quickCheck(lib, '😀 nice bag 👍🏽', '', false)).toBe(QUICK_NONE);
    expect(quickCheck(lib, '𝐢𝐯𝐨𝐫𝐲 bangle', '', false)).toBe(QUICK_KEY);
    expect(quickCheck(lib, 'vòng ngà voi'.normalize('NFD'), '', true)).toBe(QUICK_KEY);
    // A mark completes a letter the automaton already stepped over: "tê giác" (rhino) is found from where
    // the automaton stood before the "e", and "te te", a key term until its last "e" takes a circumflex,
    // no longer counts once it has.
    expect(quickCheck(lib, 'tê giác'.normalize('NFD'), '', true)).toBe(QUICK_KEY);
    expect(quickCheck(lib, 'te te\u0302', '', true)).toBe(QUICK_NONE);
    expect(quickCheckInJs(lib, 'te te', '', true)).toBe(QUICK_KEY);
    // Over-long texts are left to JavaScript.
    expect(result.unsure).toBe(2);
  });

  it('agrees on 20,000 benchmark listings and answers almost all of them itself', () => {
    const result = compare(corpusBatch(lib, 0, 20_000));
    expect(result.disagreements).toEqual([]);
    expect(result.unsure).toBeLessThan(20);
    expect(result.key).toBeGreaterThan(100);
  });

  it('agrees on 5,000 random texts cut from library terms', () => {
    const result = compare(fuzzTexts(5000));
    expect(result.disagreements).toEqual([]);
    expect(result.none).toBeGreaterThan(100);
    expect(result.key).toBeGreaterThan(100);
  });

  it('agrees on every library term written with every obfuscation class', () => {
    const random = seeded(7);
    const texts: Text[] = [];
    for (const entry of lib.entries) {
      for (const obfuscation of OBFUSCATIONS) {
        if (!obfuscation.applies(entry.term)) continue;
        const written = obfuscation.apply(entry.term, random);
        texts.push({ title: `Carved ${written} for sale`, description: `${written}, ${entry.term}x` });
      }
    }
    expect(texts.length).toBeGreaterThan(10_000);
    const result = compare(texts);
    expect(result.disagreements).toEqual([]);
    expect(result.key).toBeGreaterThan(texts.length / 2);
    expect(result.none).toBeGreaterThan(1000);
  });

  it('follows the library it is given when two alternate', () => {
    const small = compileLibrary({
      ...library,
      version: 'small',
      entries: library.entries.filter((e) => e.term !== 'ivory'),
    });
    const listing = { title: 'ivory bangle', description: 'carved' };
    for (let round = 0; round < 3; round++) {
      expect(quickCheck(lib, listing.title, listing.description, false)).toBe(QUICK_KEY);
      expect(quickCheck(small, listing.title, listing.description, false)).toBe(
        quickCheckInJs(small, listing.title, listing.description, false),
      );
    }
    expect(compare(devSet.slice(0, 100), small).disagreements).toEqual([]);
    expect(screenWith(lib, listing).verdict).not.toBe('allow');
  });

  // Last: it leaves the module's tables of supplementary characters and compositions full for the rest of
  // this file.
  it('hands new supplementary characters and compositions to JavaScript once their tables are full', () => {
    const rare = Array.from({ length: 5000 }, (_, k) => String.fromCodePoint(0x20000 + k)).join('');
    const result = compare([
      { title: rare, description: 'ivory bangle' },
      { title: '🐘🦷 for sale', description: rare.slice(0, 40) },
    ]);
    expect(result.disagreements).toEqual([]);
    expect(quickCheck(lib, `${String.fromCodePoint(0x21800)} ivory`, '', false)).toBe(QUICK_UNSURE);
    // Characters met before it filled are still answered here.
    expect(quickCheck(lib, '🐘🦷 for sale', '', false)).toBe(QUICK_KEY);

    // Every Latin letter with every combining mark: more pairs than the composition table takes. Each
    // call learns a few; the rest are answered by JavaScript, the same way.
    const pairs: Text[] = [];
    for (let letter = 0x61; letter <= 0x7a; letter++) {
      const marks = Array.from({ length: 0x70 }, (_, m) => String.fromCharCode(letter, 0x300 + m)).join(' ');
      pairs.push({ title: `ngà voi ${marks}`, description: '', language: 'vi' });
    }
    for (let round = 0; round < 60; round++) expect(compare(pairs).disagreements).toEqual([]);
    expect(quickCheck(lib, 'ngà voi ß\u0301', '', true)).toBe(QUICK_UNSURE);
    expect(quickCheck(lib, 'vòng ngà voi'.normalize('NFD'), '', true)).toBe(QUICK_KEY);
    // A mark completes a letter the automaton already stepped over: "tê giác" (rhino) is found from where
    // the automaton stood before the "e", and "te te", a key term until its last "e" takes a circumflex,
    // no longer counts once it has.
    expect(quickCheck(lib, 'tê giác'.normalize('NFD'), '', true)).toBe(QUICK_KEY);
    expect(quickCheck(lib, 'te te\u0302', '', true)).toBe(QUICK_NONE);
    expect(quickCheckInJs(lib, 'te te', '', true)).toBe(QUICK_KEY);
  });
});
