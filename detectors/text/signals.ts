// Sale signals that are patterns rather than words: prices and phone numbers, found in normalised text.
// Only computed for listings that already carry wildlife evidence, so this never runs on the hot path.
import { CLASS_WORD, charClass, type NormalizedText } from './normalize.ts';

export interface NumericSignal {
  term: 'price' | 'phone';
  /** Normalised [start, end). */
  start: number;
  end: number;
}

const CURRENCY_SYMBOLS = new Set([...'$€£¥฿₫₱₹元円￥₩'].map((c) => c.charCodeAt(0)));
const CURRENCY_BEFORE = new Set([
  'rp',
  'rm',
  'usd',
  'us',
  'r',
  's',
  'idr',
  'vnd',
  'thb',
  'ksh',
  'tsh',
  'sh',
  'eur',
  'php',
]);
const CURRENCY_AFTER = new Set([
  'k',
  'к', // Cyrillic: 150к, thousands of roubles
  'tr',
  'trieu',
  'triệu',
  'jt',
  'juta',
  'rb',
  'ribu',
  'usd',
  'vnd',
  'baht',
  'บาท',
  '元',
  '块',
  '万',
  '円',
  'eur',
  'euro',
  'euros',
  'reais',
  'pesos',
  'mxn',
  'brl',
  'ksh',
  'shillings',
  'dong',
  'đ',
  'd',
  'rm',
  'sgd',
  'myr',
  'idr',
  'php',
  'bath',
  'dolares',
  'dollars',
  'ringgit',
  'rupiah',
]);

/**
 * What a sum is worth rather than what it costs: news of a seizure ("rhino horn worth HK$12 million", "vảy tê
 * tê trị giá 2 tỷ", "价值300万元") names a value, not an offer. Read in the normalised text right before the
 * number, currency and hedges included; an asking price elsewhere in the listing still counts.
 */
const VALUATION_BEFORE = new RegExp(
  '(?:worth|valued at|value of|estimated at|tri gia|senilai|bernilai|价值|價值|มูลค่า|thamani ya|' +
    "d'une valeur de|valeur de|valorad[oa]s? en|con un valor de|im wert von|no valor de)" +
    '\\s*(?:(?:of|about|around|approximately|nearly|over|some|up to|more than|khoang|sekitar|约|約|' +
    'hk|us|usd|rp|ksh|tsh|vnd|rm|\\p{Sc})\\s*)*$',
  'u',
);

function valuationBefore(t: NormalizedText, at: number): boolean {
  const from = Math.max(0, at - 40);
  return VALUATION_BEFORE.test(String.fromCharCode(...t.units.subarray(from, at)));
}

/** Currency words of scripts without spaces, which run into the next word. */
const UNSPACED_UNITS = ['บาท', '元', '块', '万', '円'];

const isDigit = (u: number): boolean => u >= 0x30 && u <= 0x39;

function wordBefore(t: NormalizedText, at: number): string {
  let i = at;
  if (i > 0 && t.units[i - 1] === 0x20) i--;
  let j = i;
  while (j > 0 && charClass[t.units[j - 1]!] === CLASS_WORD && i - j < 4) j--;
  return String.fromCharCode(...t.units.subarray(j, i));
}

/**
 * A currency written before the amount. A one-letter one (R, S) takes two digits or more: "Canon R5",
 * "Galaxy S9" are models, not prices.
 */
function currencyBefore(word: string, digits: number): boolean {
  return CURRENCY_BEFORE.has(word) && (word.length > 1 || digits > 1);
}

/** "gran's 1920s", "it's 100 years old": the "s" before the number ends a word, it is no currency (S/, S$). */
function possessiveBefore(t: NormalizedText, at: number): boolean {
  const s = at > 0 && t.units[at - 1] === 0x20 ? at - 2 : at - 1;
  return s >= 0 && t.units[s] === 0x73 && APOSTROPHES.has(t.sourceBefore(s));
}
const APOSTROPHES = new Set([0x27, 0x2019, 0x2bc, 0x60, 0xb4]);

function wordAfter(t: NormalizedText, at: number): string {
  let i = at;
  if (i < t.length && t.units[i] === 0x20) i++;
  let j = i;
  while (j < t.length && j - i < 9 && charClass[t.units[j]!] !== 0 && charClass[t.units[j]!] !== 4) j++;
  return String.fromCharCode(...t.units.subarray(i, j));
}

export function findNumericSignals(t: NormalizedText): NumericSignal[] {
  const found: NumericSignal[] = [];
  const u = t.units;
  for (let i = 0; i < t.length; i++) {
    if (!isDigit(u[i]!) || (i > 0 && isDigit(u[i - 1]!))) continue;
    let j = i;
    let digits = 0;
    while (j < t.length) {
      if (isDigit(u[j]!)) {
        digits++;
        j++;
      } else if (
        (u[j] === 0x20 || u[j] === 0x2e || u[j] === 0x2c || u[j] === 0x2d) &&
        j + 1 < t.length &&
        isDigit(u[j + 1]!)
      )
        j++;
      else break;
    }
    const plus = i > 0 && u[i - 1] === 0x2b;
    if (digits >= 9 || (plus && digits >= 8)) {
      found.push({ term: 'phone', start: plus ? i - 1 : i, end: j });
    } else {
      const before = i > 0 ? u[i - 1]! : 0;
      const before2 = i > 1 && before === 0x20 ? u[i - 2]! : 0;
      const after = j < t.length ? u[j]! : 0;
      const after2 = j + 1 < t.length && after === 0x20 ? u[j + 1]! : 0;
      const symbol =
        CURRENCY_SYMBOLS.has(before) ||
        CURRENCY_SYMBOLS.has(before2) ||
        CURRENCY_SYMBOLS.has(after) ||
        CURRENCY_SYMBOLS.has(after2);
      const next = wordAfter(t, j);
      if (
        (symbol ||
          (currencyBefore(wordBefore(t, i), digits) && !possessiveBefore(t, i)) ||
          CURRENCY_AFTER.has(next) ||
          UNSPACED_UNITS.some((w) => next.startsWith(w))) &&
        !valuationBefore(t, i)
      ) {
        found.push({ term: 'price', start: i, end: j });
      }
    }
    i = j;
  }
  return found;
}
