// Scoring with context: wildlife terms are weighted by their false-positive risk, then combined with sale
// signals, legality wrappers and product-form cues, and weakened by lookalike, brand and news context.
// Weak evidence can reach review but never block: block needs a strong low-risk term plus a sale signal
// and no contrary context.

import type { Entry } from '../../keywords/schema.ts';
import type { Verdict } from '../../shared/listing.ts';
import type { CompiledLibrary } from './compile.ts';

export const REVIEW_THRESHOLD = 0.35;
export const BLOCK_THRESHOLD = 0.8;

const SALE_BONUS = 0.25;
const NO_SALE_FACTOR = 0.85;
const LEGALITY_BONUS = 0.1;
const FORM_BONUS = 0.1;
/** A material with an object noun or making word beside it (`ivory card case`): see besideObject. */
const OBJECT_BONUS = 0.15;
const NEGATIVE_PENALTY: Record<string, number> = {
  news: 0.55,
  // Reaches only a post that offers nothing, where asking about the law explains even a strong term.
  question: 0.8,
  imitation: 0.55,
  colour: 0.4,
  brand: 0.45,
  'legal-material': 0.35,
  plant: 0.45,
  food: 0.35,
  other: 0.35,
};

const CONTEXT_ONLY_FOR_WEAK = new Set(['colour', 'food', 'plant', 'legal-material']);

/** Weight of a positive term on its own, from its kind, strength and false-positive risk. */
export function entryWeight(entry: Entry, library: CompiledLibrary): number {
  if (entry.kind === 'species') {
    const live = entry.species !== undefined && library.species.get(entry.species)?.liveTrade === true;
    const byRisk = live ? { low: 0.4, medium: 0.3, high: 0.05 } : { low: 0.2, medium: 0.1, high: 0.05 };
    return byRisk[entry.fpRisk];
  }
  if (entry.fpRisk === 'high') return 0.2;
  if (entry.strength === 'strong') return entry.fpRisk === 'low' ? 0.75 : 0.6;
  return entry.fpRisk === 'low' ? 0.5 : 0.4;
}

/**
 * Juveniles named beside a live-traded species ("otter babies", "baby slow loris", "African grey chicks",
 * "filhotes de sagui", 水獭幼崽) are how live animals are advertised (domain.md §2.1, live-animal marketing
 * cues): such a term weighs this much more. Read in the term and at most a few characters either side of it,
 * in its own clause, so a word elsewhere in the listing never adds to it.
 */
const YOUNG_BONUS = 0.2;
const YOUNG_WORDS =
  'bab(?:y|ies)|pups?|chicks?|hatchlings?|juveniles?|cubs?|youngsters?|young|infants?|b[ée]b[ée]s?|' +
  'petits?|jeunes?|poussins?|cr[ií]as?|pich[oó]n(?:es)?|polluelos?|filhotes?|bebês?|babys?|jungtiere?|' +
  'küken|nachzuchte?n?|bayi|anakan|anak|con non|детен[ыё]ш[иа]?|детён[ыё]ш[иа]?|малыш[иа]?|sisiw|صغار|صغيرة?|' +
  'vifaranga|kifaranga|jungv[öo]gel|de nido|птен(?:ец|цы|ца|чик)|выкормыш(?:и|а)?|' +
  'बच्च[ाे]';
const YOUNG_UNSPACED = '幼崽|幼仔|宝宝|寶寶|幼体|幼體|苗子|苗|幼鸟|雏鸟|赤ちゃん|ベビー|새끼|아기|ลูก';
const YOUNG_IN_TERM = new RegExp(`(?:^|[^\\p{L}])(?:${YOUNG_WORDS})(?![\\p{L}])|${YOUNG_UNSPACED}`, 'iu');
const YOUNG_BEFORE = new RegExp(
  `(?:(?:^|[^\\p{L}])(?:${YOUNG_WORDS})[\\s-]*(?:of\\s+|de\\s+)?|(?:${YOUNG_UNSPACED})\\s*)$`,
  'iu',
);
const YOUNG_AFTER = new RegExp(`^(?:[\\s-]*(?:${YOUNG_WORDS})(?![\\p{L}])|\\s*(?:${YOUNG_UNSPACED}))`, 'iu');
/** How far beyond a term its juvenile word may start or end. */
const YOUNG_REACH = 16;

function youngOfLiveSpecies(hit: ScoredHit, library: CompiledLibrary, texts: FieldTexts): boolean {
  const { species } = hit.entry;
  if (species === undefined || library.species.get(species)?.liveTrade !== true) return false;
  // A strong term ("baby otter") already names the juvenile in its weight.
  if (isStrongTerm(hit.entry) || (hit.entry.kind !== 'species' && hit.entry.productType !== 'live'))
    return false;
  const text = texts[hit.field];
  return (
    YOUNG_IN_TERM.test(text.slice(hit.start, hit.end)) ||
    YOUNG_BEFORE.test(text.slice(Math.max(0, hit.start - YOUNG_REACH), hit.start)) ||
    YOUNG_AFTER.test(text.slice(hit.end, hit.end + YOUNG_REACH))
  );
}

export interface ScoredHit {
  entry: Entry;
  field: 'title' | 'description';
  start: number;
  end: number;
  /** A wildlife term right after a negation ("not ivory", "非象牙"): kept as evidence, never weighed. */
  negated?: boolean;
}

/** A product-form cue ("carving", "powder", "cub"): a product term with no species of its own. */
export const isFormCue = (e: Entry): boolean => e.kind === 'product' && e.species === undefined;
/**
 * An object noun or making word ("statue", "carved", "pendant"): it makes a material a product (`ivory
 * statue`), but beside a bare species name it describes a likeness (`wooden elephant statue`), so it counts
 * only when a material or product term is weighed too. Parts and forms ("horn", "claw", "powder") always do.
 */
const isObjectCue = (e: Entry): boolean => isFormCue(e) && e.productType === 'carving';
export const isPositive = (e: Entry): boolean =>
  (e.kind === 'species' || e.kind === 'product' || e.kind === 'code' || e.kind === 'hashtag') &&
  !isFormCue(e);

export interface Decision {
  verdict: Verdict;
  score: number;
  species: string[];
  /**
   * The verdict rests on a strong, low-risk product or code term that its own context did not explain
   * away: a learned scorer may add to such a verdict, never lower it.
   */
  strong: boolean;
}

/** The original text of each field, where the scorer looks for the clause breaks between two hits. */
export type FieldTexts = Readonly<Record<ScoredHit['field'], string>>;

/**
 * How far a lookalike or disclaimer reaches: it qualifies a wildlife term it overlaps, or one at most this
 * many characters away in the same clause ("faux ivory", "ivory-coloured silk", "tiger's eye stone").
 */
const QUALIFY_WINDOW = 10;
/** Clause breaks: sentence ends, line breaks, separators, and the start of a hashtag. */
const CLAUSE_BREAK = /[.!?;:|•\n\r#。！？；،؛]/;
/** Scripts written without spaces, where a space separates phrases as a comma does. */
const UNSPACED =
  '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Thai}\\p{sc=Lao}\\p{sc=Khmer}\\p{sc=Myanmar}';
/** Soft clause breaks: a comma, or a space beside a letter of a script written without spaces. */
const SOFT_BREAK = new RegExp(`[,，、،]\\s*|(?<=[${UNSPACED}])\\s+|\\s+(?=[${UNSPACED}])`, 'gu');
const MATERIAL_CONTEXTS = new Set(['imitation', 'legal-material']);
const GLOSS_OPENING = /^\s*[(（]\s*$/u;
/** A hashtag, or a tag list ("tags: toy", "标签：玩具"): labels of the whole listing, not of a word. */
const IN_HASHTAG = /#[\p{L}\p{M}\p{N}_]*$/u;
const IN_TAG_LIST =
  /(?:^|[^\p{L}])(?:tags?|etiquetas?|étiquettes?|schlagwörter|标签|標籤|タグ|แท็ก|태그|теги|टैग)\s*[:：][^\n\r]*$/iu;

function isTag(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 80), start);
  return IN_HASHTAG.test(before) || IN_TAG_LIST.test(before);
}

/**
 * Whether a negative between `from` and `to` may still qualify across soft breaks: there are none, or one
 * right before a material named after the object ("horn cup, resin"), never "made of resin, rhino horn".
 */
function acrossSoftBreaks(text: string, from: number, to: number, materialAfter: boolean): boolean {
  SOFT_BREAK.lastIndex = from;
  const first = SOFT_BREAK.exec(text);
  if (first === null || first.index >= to) return true;
  return materialAfter && first.index + first[0].length >= to;
}

const overlaps = (a: ScoredHit, b: ScoredHit): boolean =>
  a.field === b.field && a.start < b.end && b.start < a.end;

/**
 * Whether a negative hit qualifies a positive one: same field, same clause, next to it. News and
 * awareness context reaches the whole text of a listing that sells nothing (an article, a campaign post).
 */
export function qualifies(
  negative: ScoredHit,
  positive: ScoredHit,
  texts: FieldTexts,
  sale: boolean,
): boolean {
  if (!sale && negative.entry.negativeContext === 'news') return true;
  // A question whether selling is legal speaks of the whole post, and only of a post that offers nothing.
  if (negative.entry.negativeContext === 'question') return !sale;
  if (negative.field !== positive.field) return false;
  if (overlaps(negative, positive)) return true;
  const text = texts[positive.field];
  if (isTag(text, negative.start)) return false; // a tag qualifies only what it overlaps
  const from = Math.min(negative.end, positive.end);
  const to = Math.max(negative.start, positive.start);
  if (to - from > QUALIFY_WINDOW) return false;
  const between = text.slice(from, to);
  if (CLAUSE_BREAK.test(between)) return false;
  // A gloss in brackets right after a term is the same phrase: "สีงาช้าง (ivory)", "ivory (象牙色)".
  if (GLOSS_OPENING.test(between)) return true;
  const material = MATERIAL_CONTEXTS.has(negative.entry.negativeContext ?? 'other');
  return acrossSoftBreaks(text, from, to, material && negative.start >= positive.end);
}

/**
 * Whether an object noun or making word stands right beside a material term, in its phrase: `ivory card
 * case`, `inlaid ivory`, `miniature on ivory`, `#ivory #netsuke` (hashtags count as words). An ambiguous
 * material named so is a product, and reaches review on its own; a colour use (`ivory silk dress`) has its
 * own negative to explain it away.
 */
function besideObject(hit: ScoredHit, cues: readonly ScoredHit[], texts: FieldTexts): boolean {
  const text = texts[hit.field];
  return cues.some((cue) => {
    if (cue.field !== hit.field) return false;
    const from = Math.min(cue.end, hit.end);
    const to = Math.max(cue.start, hit.start);
    if (to - from > QUALIFY_WINDOW) return false;
    const between = text.slice(from, to);
    if (/^[\s#]*$/u.test(between)) return true;
    return !CLAUSE_BREAK.test(between) && acrossSoftBreaks(text, from, to, false);
  });
}

export const isStrongTerm = (e: Entry): boolean =>
  e.strength === 'strong' && e.fpRisk === 'low' && e.kind !== 'species';

/**
 * Context is local: a negative term weakens only the wildlife terms it directly qualifies, never the
 * whole listing, so a sentence added elsewhere ("great gift for kids", "#faux") cannot clear a listing.
 * A negative anywhere still keeps a human in the loop: it rules out an automatic block.
 */
export function decide(
  hits: readonly ScoredHit[],
  hasNumericSale: boolean,
  library: CompiledLibrary,
  texts: FieldTexts,
): Decision {
  let sale = hasNumericSale;
  let legality = false;
  let form = false;
  let objectForm = false;
  const positives: ScoredHit[] = [];
  const negatives: ScoredHit[] = [];
  const objectCues: ScoredHit[] = [];
  for (const hit of hits) {
    const { entry } = hit;
    if (isPositive(entry)) positives.push(hit);
    else if (isObjectCue(entry)) {
      objectForm = true;
      objectCues.push(hit);
    } else if (isFormCue(entry)) form = true;
    else if (entry.kind === 'sale') sale = true;
    else if (entry.kind === 'legality') legality = true;
    else if (entry.kind === 'negative') negatives.push(hit);
  }

  // A text with no price and two or more distinct news or awareness terms (police, seized, "don't buy",
  // "report it to") is an article or a campaign post even where it names selling ("sold before their teeth
  // are cut"): its news context reaches the whole text, as in a text with no sale word at all.
  // So is one that asks whether selling is legal ("is it legal to sell my gran's ivory brooch?").
  const newsTerms = new Set(negatives.filter((n) => n.entry.negativeContext === 'news').map((n) => n.entry));
  const asks = negatives.some((n) => n.entry.negativeContext === 'question');
  const offers = sale && (hasNumericSale || (newsTerms.size < 2 && !asks));

  const weights: number[] = [];
  const species = new Set<string>();
  let strong = false;
  let material = false; // a product, code or hashtag term is weighed, not only species names
  const weighed: { hit: ScoredHit; weight: number; bare: boolean }[] = [];
  for (const hit of positives) {
    // "not ivory", "si pembe ya ndovu", "no real turtle shell": the listing says it is not that, so that
    // one mention is dropped; every other mention of the term still counts.
    if (hit.negated) continue;
    const young = youngOfLiveSpecies(hit, library, texts) ? YOUNG_BONUS : 0;
    const penalty = localPenalty(hit, negatives, texts, offers);
    // An object beside a material makes it a product, unless its own phrase says what it really is.
    const object =
      penalty === 0 && hit.entry.kind !== 'species' && besideObject(hit, objectCues, texts)
        ? OBJECT_BONUS
        : 0;
    const weight = entryWeight(hit.entry, library) + young + object - penalty;
    weighed.push({ hit, weight, bare: young + object + penalty === 0 });
  }
  const explainedAway = repeatsOfExplainedTerms(weighed, negatives, texts);
  for (const { hit, weight } of weighed) {
    if (weight <= 0 || explainedAway.has(hit)) continue; // explained away by its own context
    weights.push(weight);
    if (hit.entry.species) species.add(hit.entry.species);
    if (isStrongTerm(hit.entry)) strong = true;
    if (hit.entry.kind !== 'species') material = true;
  }
  if (weights.length === 0) return { verdict: 'allow', score: 0, species: [], strong: false };

  // The strongest term counts fully; further distinct terms corroborate with falling weight.
  weights.sort((a, b) => b - a);
  let score = 0;
  weights.forEach((w, i) => {
    score += w * (i === 0 ? 1 : i === 1 ? 0.35 : 0.15);
  });
  if (form || (objectForm && material)) score += FORM_BONUS;
  if (legality) score += LEGALITY_BONUS;
  score = sale ? score + SALE_BONUS : score * NO_SALE_FACTOR;
  score = Math.max(0, Math.min(1, score));

  let verdict: Verdict = 'allow';
  if (score >= BLOCK_THRESHOLD && strong && sale && negatives.length === 0) verdict = 'block';
  else if (score >= REVIEW_THRESHOLD) verdict = 'review';
  return {
    verdict,
    score: Math.round(score * 1000) / 1000,
    species: verdict === 'allow' ? [] : [...species],
    strong: strong && verdict !== 'allow',
  };
}

const isHashtag = (text: string, hit: ScoredHit): boolean =>
  text[hit.start] === '#' || text[hit.start - 1] === '#';
/** A span that starts with an emoji. */
export const PICTOGRAPH = /^\p{Extended_Pictographic}/u;
/** Contexts that say what a post is about, not what a word is. */
const NOT_LOOKALIKES = new Set(['news', 'question']);

/**
 * A bare hashtag or animal emoji repeating what the listing's own words used as a colour, a lookalike or a
 * brand, and nowhere else, labels that same use: `ivory lace wedding dress … #weddingdress #ivory`,
 * `Tiger-Camo-Jacke … 🐯`, `مطعم النمر … 🐯` (a restaurant). A hashtag repeats the same term, an emoji the
 * same species. A strong term, or a repeat beside an object (`#ivory #netsuke`), keeps its own weight.
 */
function repeatsOfExplainedTerms(
  weighed: readonly { hit: ScoredHit; weight: number; bare: boolean }[],
  negatives: readonly ScoredHit[],
  texts: FieldTexts,
): Set<ScoredHit> {
  const spanOf = (h: ScoredHit) => texts[h.field].slice(h.start, h.end).toLowerCase();
  const emoji = (h: ScoredHit) => PICTOGRAPH.test(spanOf(h));
  const repeats = weighed.filter(
    ({ hit, bare }) => bare && !isStrongTerm(hit.entry) && (isHashtag(texts[hit.field], hit) || emoji(hit)),
  );
  if (repeats.length === 0) return new Set();
  const repeated = new Set(repeats.map((r) => r.hit));
  const explained = new Set<Entry | string>();
  const counted = new Set<Entry | string>();
  for (const { hit, weight } of weighed) {
    if (repeated.has(hit)) continue;
    const seen = weight > 0 ? counted : explained;
    seen.add(hit.entry);
    if (hit.entry.species) seen.add(hit.entry.species);
  }
  // A lookalike that holds the term in its own name ("ivory lace", "tiger camo") explains that mention too.
  const lookalikes = negatives
    .filter((n) => !NOT_LOOKALIKES.has(n.entry.negativeContext ?? 'other') && !isTag(texts[n.field], n.start))
    .map(spanOf);
  const inLookalike = (term: string) => lookalikes.some((span) => span.includes(term));
  // An emoji also matches its species' word ("🐯" and "tiger"), which a lookalike may hold.
  for (const { hit } of repeats) {
    if (emoji(hit) && hit.entry.species && inLookalike(hit.entry.term.toLowerCase())) {
      explained.add(hit.entry.species);
    }
  }
  return new Set(
    repeats
      .filter(({ hit }) => {
        if (emoji(hit)) {
          const { species } = hit.entry;
          return species !== undefined && explained.has(species) && !counted.has(species);
        }
        if (counted.has(hit.entry)) return false;
        return explained.has(hit.entry) || inLookalike(spanOf(hit).replace(/^#/, ''));
      })
      .map(({ hit }) => hit),
  );
}

/**
 * What the negatives qualifying one wildlife term take from its weight. Colour, food, plant and
 * legal-material context explain away ambiguous terms, not a strong product term. Several distinct terms
 * of one context (police + seized + court) weigh more than one, up to double.
 */
function localPenalty(
  hit: ScoredHit,
  negatives: readonly ScoredHit[],
  texts: FieldTexts,
  sale: boolean,
): number {
  if (negatives.length === 0) return 0;
  const strong = isStrongTerm(hit.entry);
  const byContext = new Map<string, Set<Entry>>();
  for (const negative of negatives) {
    const context = negative.entry.negativeContext ?? 'other';
    // A strong product term keeps its weight beside a colour or plant word, but not when that word is
    // part of its own name: `vegetable ivory bangle`, `مسبحة عاج نباتي` (a vegetable-ivory rosary).
    if (strong && CONTEXT_ONLY_FOR_WEAK.has(context) && !overlaps(negative, hit)) continue;
    if (!qualifies(negative, hit, texts, sale)) continue;
    byContext.set(context, (byContext.get(context) ?? new Set()).add(negative.entry));
  }
  let penalty = 0;
  for (const [context, terms] of byContext) {
    penalty += (NEGATIVE_PENALTY[context] ?? 0.35) * Math.min(2, 1 + 0.5 * (terms.size - 1));
  }
  return Math.min(penalty, 0.8);
}
