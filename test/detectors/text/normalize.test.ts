import { describe, expect, it } from 'vitest';
import {
  looksVietnamese,
  NormalizedText,
  normalizeInto,
  normalizeTerm,
} from '../../../detectors/text/normalize.ts';

function norm(s: string, accented = false) {
  const out = normalizeInto(s, new NormalizedText(4), accented);
  return { text: out.toString(), out };
}

/** The original substring behind normalised units [from, to). */
function source(s: string, out: NormalizedText, from: number, to: number): string {
  return s.slice(out.start[from], out.end[to - 1]);
}

describe('normalizeInto', () => {
  it.each([
    ['I.V.O.R.Y bangle', 'ivory bangle'],
    ['s l o w l o r i s', 'slowloris'],
    ['i-v-o-r-y', 'ivory'],
    ['1vory and p@ngolin', 'ivory and pangolin'],
    ['rh1n0 h0rn', 'rhino horn'],
    ['t1g3r b0n3 w1n3', 'tiger bone wine'],
    // Inside a Cyrillic word a digit reads as a Cyrillic letter.
    ['Сл0н0вая к0сть', 'слоновая кость'],
    // Letters spaced out in any script, not only Latin.
    ['سبحة ع.ا.ج', 'سبحه عاج'],
    ['с.л.о.н.о.в.а.я', 'слоновая'],
    ['4ёрный медведь, м3д', 'черныи медведь, мзд'],
    ['ＲＨＩＮＯ　ＨＯＲＮ', 'rhino horn'],
    ['іvоry', 'ivory'],
    ['ivooooory', 'ivory'],
    ['i\u200bv\u200co\u200dr\ufeffy', 'ivory'],
    // An animal emoji: its marker unit (matched by the emoji entries), then its English name.
    ['🦏horn', '\ue002 rhino horn'],
    ['熊膽粉', '熊胆粉'],
    ['象 牙', '象牙'],
    ['pangolín', 'pangolin'],
    ['  many   spaces\n\tand lines ', 'many spaces and lines'],
  ])('%s -> %s', (input, expected) => {
    expect(norm(input).text).toBe(expected);
  });

  it('joins Hangul syllables split by punctuation, from two, and never by spaces, which separate Korean words', () => {
    expect(norm('호.랑.이 발.톱').text).toBe(norm('호랑이 발톱').text);
    expect(norm('상-아').text).toBe(norm('상아').text);
    expect(norm('그 중 한 개').text).not.toBe(norm('그중한개').text);
  });

  it('keeps prices and phone numbers as digits', () => {
    expect(norm('$300 or 500k, call 0912345678').text).toBe('$300 or 500k, cal 0912345678');
    // A digit ends a word only after three letters, and not before more digits.
    expect(norm('mp3 abc00 covid19 US$ 5tr').text).toBe('mp3 abc00 covid19 us$ 5tr');
  });

  it('leaves Cyrillic words alone when no Latin letter is next to them', () => {
    expect(norm('слоновая кость').text).toBe('слоновая кость');
  });

  it('keeps Vietnamese diacritics in accented mode and strips them in plain mode', () => {
    expect(norm('Ngà voi', true).text).toBe('ngà voi');
    expect(norm('Ngà voi', false).text).toBe('nga voi');
    expect(norm('nge\u0300', true).text).toBe('ngè');
  });

  it('maps every normalised unit back to the original span', () => {
    const input = 'Real I.V.O.R.Y 🐘🦷 for sale';
    const { text, out } = norm(input);
    const at = text.indexOf('ivory');
    expect(source(input, out, at, at + 5)).toBe('I.V.O.R.Y');
    const emoji = text.indexOf('elephant');
    expect(source(input, out, emoji, emoji + 'elephant'.length)).toBe('🐘');
  });

  it('never throws on lone surrogates, control characters or empty input', () => {
    expect(() => norm('\ud800abc\udc00\u0000\u0007')).not.toThrow();
    expect(norm('').text).toBe('');
  });

  it('normalises terms the same way as text', () => {
    expect(normalizeTerm('Rhino Horn', false)).toBe('rhino horn');
    expect(normalizeTerm('sừng tê giác', true)).toBe('sừng tê giác');
  });
});

describe('looksVietnamese', () => {
  it('detects Vietnamese-only letters', () => {
    expect(looksVietnamese('Bán sừng tê giác')).toBe(true);
    expect(looksVietnamese('écailles de pangolin à vendre')).toBe(false);
  });
});
