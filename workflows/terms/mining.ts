// Mining candidate terms from review outcomes: word n-grams (1-3; character n-grams in scripts without spaces)
// and hashtags, per language, that are
// over-represented in positive listings (confirmed cases, volunteer reports the engine missed) against
// negative ones (rejected cases, allowed listings). Texts are folded by the library's own normaliser, so a
// candidate is the form a library term would match. Scored by log-likelihood (G², Dunning 1993) with a
// minimum support; pure and deterministic, so the activity around it can be retried.
import {
  CLASS_DIGIT,
  CLASS_UNSPACED,
  CLASS_WORD,
  charClass,
  looksVietnamese,
  normalizeTerm,
} from '../../detectors/text/normalize.ts';
import type { NewTermCandidate } from '../../shared/db/term-candidates.ts';
import { isStopWord } from './stop-words.ts';

export interface MiningDoc {
  listingId: string;
  title: string;
  description: string;
  language: string | null;
  positive: boolean;
  /** A volunteer reported it and screening had not flagged it. */
  missed: boolean;
  /** Reports of a missed listing: their volunteers hear when a term from it is adopted. */
  reportIds: string[];
}

/** A stored candidate (shared/db/term-candidates.ts) before it is stored, with its estimated precision. */
export interface MinedCandidate extends NewTermCandidate {
  /** Share of the listings holding it that were positive. */
  estimatedPrecision: number;
}

export interface MiningOptions {
  /** Least positive listings a candidate must appear in. */
  minSupport: number;
  limit: number;
  /** True when the library already matches the candidate (or it was proposed before). */
  isKnown: (term: string, language: string) => boolean;
  maxExamples?: number;
}

/** Dunning's log-likelihood ratio for a 2×2 table: a, b = with the term (positive, negative), c, d = without. */
export function logLikelihood(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  if (n === 0) return 0;
  const cell = (o: number, e: number) => (o > 0 && e > 0 ? o * Math.log(o / e) : 0);
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const c2 = b + d;
  return (
    2 * (cell(a, (r1 * c1) / n) + cell(b, (r1 * c2) / n) + cell(c, (r2 * c1) / n) + cell(d, (r2 * c2) / n))
  );
}

/** The language a listing is counted under: its base tag, or "und". */
export function miningLanguage(tag: string | null): string {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return base && /^[a-z]{2,3}$/.test(base) ? base : 'und';
}

const isWordUnit = (u: number) => charClass[u] === CLASS_WORD || charClass[u] === CLASS_DIGIT;
const MAX_N = 3;
/** Scripts written without spaces (Chinese, Japanese, Thai) have no words to count: character n-grams instead. */
const UNSPACED_MIN = 2;
const UNSPACED_MAX = 6;

/** The distinct n-gram and hashtag keys of one text ("#" marks hashtags). */
export function termKeys(text: string, language: string): Set<string> {
  const accented = language === 'vi' || looksVietnamese(text);
  const folded = normalizeTerm(text, accented);
  const keys = new Set<string>();
  // Segments end at punctuation: an n-gram never spans "ivory. Call".
  let segment: string[] = [];
  const flush = () => {
    for (let i = 0; i < segment.length; i++) {
      for (let n = 1; n <= MAX_N && i + n <= segment.length; n++) {
        const words = segment.slice(i, i + n);
        if (isStopWord(words[0]!, language) || isStopWord(words[n - 1]!, language)) continue;
        if (n === 1 && words[0]!.length < 3) continue;
        if (words.every((w) => /^\d+$/.test(w))) continue;
        keys.add(words.join(' '));
      }
    }
    segment = [];
  };
  let i = 0;
  while (i < folded.length) {
    const u = folded.charCodeAt(i);
    if (isWordUnit(u)) {
      let j = i;
      while (j < folded.length && isWordUnit(folded.charCodeAt(j))) j++;
      const word = folded.slice(i, j);
      if (i > 0 && folded[i - 1] === '#') {
        if (word.length >= 3 && !/^\d+$/.test(word)) keys.add(`#${word}`);
      }
      segment.push(word);
      i = j;
    } else if (charClass[u] === CLASS_UNSPACED) {
      flush();
      let j = i;
      while (j < folded.length && charClass[folded.charCodeAt(j)] === CLASS_UNSPACED) j++;
      for (let a = i; a < j; a++)
        for (let len = UNSPACED_MIN; len <= UNSPACED_MAX && a + len <= j; len++)
          keys.add(folded.slice(a, a + len));
      i = j;
    } else {
      // Spaces, hyphens and apostrophes join words; anything else ends a segment.
      if (u !== 0x20 && u !== 0x2d && u !== 0x27) flush();
      i++;
    }
  }
  flush();
  return keys;
}

interface Tally {
  positives: number;
  missed: number;
  negatives: number;
  examples: { listingId: string; title: string }[];
  reportIds: Set<string>;
}

/** One contains the other: as whole words, or as characters in scripts without spaces. */
const overlaps = (a: string, b: string) =>
  charClass[a.charCodeAt(0)] === CLASS_UNSPACED || charClass[b.charCodeAt(0)] === CLASS_UNSPACED
    ? a.includes(b) || b.includes(a)
    : ` ${a} `.includes(` ${b} `) || ` ${b} `.includes(` ${a} `);

export function mineCandidates(docs: readonly MiningDoc[], o: MiningOptions): MinedCandidate[] {
  const maxExamples = o.maxExamples ?? 3;
  const byLanguage = new Map<string, { positive: MiningDoc[]; negative: MiningDoc[] }>();
  for (const d of docs) {
    const lang = miningLanguage(d.language);
    const group = byLanguage.get(lang) ?? { positive: [], negative: [] };
    (d.positive ? group.positive : group.negative).push(d);
    byLanguage.set(lang, group);
  }
  const found: MinedCandidate[] = [];
  for (const [language, group] of byLanguage) {
    if (group.positive.length < o.minSupport) continue;
    // Positives first (few): only keys with enough support are then counted in the negatives (many).
    const tallies = new Map<string, Tally>();
    for (const d of group.positive) {
      for (const key of termKeys(`${d.title}\n${d.description}`, language)) {
        let t = tallies.get(key);
        if (!t) {
          t = { positives: 0, missed: 0, negatives: 0, examples: [], reportIds: new Set() };
          tallies.set(key, t);
        }
        t.positives++;
        if (d.missed) {
          t.missed++;
          for (const r of d.reportIds) t.reportIds.add(r);
        }
        if (t.examples.length < maxExamples)
          t.examples.push({ listingId: d.listingId, title: d.title.slice(0, 200) });
      }
    }
    for (const [key, t] of tallies) if (t.positives < o.minSupport) tallies.delete(key);
    if (tallies.size === 0) continue;
    for (const d of group.negative) {
      for (const key of termKeys(`${d.title}\n${d.description}`, language)) {
        const t = tallies.get(key);
        if (t) t.negatives++;
      }
    }
    const P = group.positive.length;
    const N = group.negative.length;
    for (const [key, t] of tallies) {
      // Over-represented only: a term commoner among negatives is a lookalike, not a candidate.
      if (N > 0 && t.positives / P <= t.negatives / N) continue;
      const hashtag = key.startsWith('#');
      if (o.isKnown(key, language)) continue;
      found.push({
        language,
        term: key,
        normalized: hashtag ? key.slice(1) : key,
        form: hashtag ? 'hashtag' : 'ngram',
        score:
          Math.round(logLikelihood(t.positives, t.negatives, P - t.positives, N - t.negatives) * 100) / 100,
        positives: t.positives,
        missed: t.missed,
        negatives: t.negatives,
        positiveDocs: P,
        negativeDocs: N,
        estimatedPrecision: Math.round((t.positives / (t.positives + t.negatives)) * 1000) / 1000,
        examples: t.examples,
        reportIds: [...t.reportIds].sort((a, b) => Number(a) - Number(b)),
      });
    }
  }
  // Ties go to the plain word over its hashtag and to the shorter phrase: what a curator would write.
  found.sort(
    (a, b) =>
      b.score - a.score ||
      b.positives - a.positives ||
      (a.form === b.form ? 0 : a.form === 'ngram' ? -1 : 1) ||
      a.normalized.length - b.normalized.length ||
      a.term.localeCompare(b.term),
  );
  // A word and the phrases around it ("snowbone", "snowbone carving", "#snowbone") are one finding: keep
  // the best-scoring form.
  const chosen: MinedCandidate[] = [];
  for (const c of found) {
    if (chosen.length >= o.limit) break;
    if (chosen.some((k) => k.language === c.language && overlaps(k.normalized, c.normalized))) continue;
    chosen.push(c);
  }
  return chosen;
}
