// Interpretable features of a listing that reached the scorer (it holds a wildlife term): which library
// entries matched and of what kind, the words next to them, trade cues (price, contact, auction phrasing),
// and the lookalike or negative context that qualifies a term (with its distance, by the rules of
// score.ts). Each feature has a name a reviewer can read; the learned scorer weighs them.
//
// Context is local here as in the rules: everything read from the whole listing (trade cues, several
// terms) can only be evidence for a sale, and only what qualifies a term within its own phrase (a
// lookalike, a colour use, a negation) may count against it. scorer-model.ts enforces the sign.
import type { Entry } from '../../keywords/schema.ts';
import type { CompiledLibrary } from './compile.ts';
import { type FieldTexts, isPositive, isStrongTerm, qualifies, type ScoredHit } from './score.ts';

/** Named feature values (1 for a present binary feature). Absent features are 0. */
export type Features = Map<string, number>;

/** How far around a term its neighbours are read, in characters, within its sentence. */
const NEIGHBOUR_BEFORE = 32;
const NEIGHBOUR_AFTER = 40;
/** Sentence ends and line breaks; a hashtag or comma does not end the neighbourhood ("#ivory #netsuke"). */
const SENTENCE_BREAK = /[.!?;|•\n\r。！？；]/g;

// Lexicons: word phrases (matched as whole words on the tokens of lower-cased text, up to three words;
// the listing is tokenised once, so each lexicon costs a few set lookups) and, for scripts written without
// spaces, substrings.
const TOKEN = /[\p{L}\p{M}\p{N}]+/gu;
const tokenize = (lowerText: string): string[] => lowerText.match(TOKEN) ?? [];

// Every lexicon's phrases are indexed by their first word, so one pass over a text's tokens finds which
// lexicons occur (a bit each), whatever their number.
const FIRST_WORD = new Map<string, { rest: readonly string[]; bit: number }[]>();
const UNSPACED: { bit: number; entries: readonly string[] }[] = [];
let nextBit = 1;

/** Registers a lexicon; returns its bit. */
function lexicon(phrases: string, unspaced = ''): number {
  const bit = nextBit;
  nextBit <<= 1;
  for (const phrase of phrases.split('|')) {
    const [first, ...rest] = tokenize(phrase.toLowerCase());
    const list = FIRST_WORD.get(first!) ?? [];
    list.push({ rest, bit });
    FIRST_WORD.set(first!, list);
  }
  if (unspaced !== '') UNSPACED.push({ bit, entries: unspaced.split('|') });
  return bit;
}

/** Objects made from ivory, horn, shell or bone ("ivory card case", "#ivory #netsuke", 象牙印章). */
const OBJECT_NOUNS = lexicon(
  'carving|carvings|figure|figures|figurine|figurines|statue|statues|statuette|statuettes|sculpture|' +
    'sculptures|netsuke|netsukes|okimono|okimonos|inlay|inlays|card case|card cases|cardcase|bangle|bangles|' +
    'bracelet|bracelets|miniature|miniatures|tusk|tusks|chopsticks|seal|seals|stamp|stamps|hanko|inkan|chop|' +
    'snuff bottle|snuff bottles|comb|combs|brooch|brooches|pendant|pendants|beads|mala|cane|walking stick|' +
    'handle|handles|grip|grips|plaque|plaques|puzzle ball|cup|cups|libation cup|bowl|bowls|brush pot|fan|' +
    'fans|tsuba|scrimshaw|box|boxes|casket|cabinet|cabinets|panel|panels|tiles|dice|mahjong|mah jong|' +
    'chess set|chess pieces|pieces|buddha|buddhas|guanyin|kwan yin|amulet|amulets|hairpin|hairpins|objet|' +
    'coffret|peigne|figura|talla|pulsera|brazalete|peineta|escultura|estatueta|pulseira|figur|schnitzerei|' +
    'armreif|dose|vòng|tượng|nhẫn|tẩu|patung|gelang|ukiran|pipa|statuetta|скульптура|фигурка|браслет|' +
    'нэцкэ|подвеска|шкатулка',
  '도장|인장|조각|팔찌|印章|印鑑|はんこ|ハンコ|根付|置物|彫刻|雕件|摆件|擺件|手镯|手鐲|手串|把件|筷子|挂件|掛件|雕刻|' +
    '牌子|佛像|观音|觀音|念珠|佛珠|กำไล|พระ|แกะสลัก|ตะกรุด',
);
/** How the object was made ("hand-painted on ivory", "carved", "inlaid"). */
const MAKING_VERBS = lexicon(
  'carved|hand carved|hand painted|painted on|inlaid|engraved|sculpted|scrimshawed|sculpté|sculptée|gravé|' +
    'incrusté|tallado|tallada|incrustado|entalhado|geschnitzt|eingelegt|chạm|khắc|ukir|резной|резная',
  '手工雕|雕刻|彫り|镶嵌|鑲嵌|상감|조각된|แกะ',
);
/** Asking to be contacted off the listing. */
const CONTACT = lexicon(
  'dm|pm|dms|inbox|whatsapp|whats app|wechat|we chat|telegram|line id|kakao|kakaotalk|viber|zalo|messenger|' +
    'message me|msg me|contact me|text me|call me|nhắn tin|hubungi|manda inbox|écrivez moi|escríbeme|' +
    'chama no privado',
  '微信|加微|私信|私聊|联系|聯繫|카톡|카카오|연락|ライン|ไลน์|ทักแชท|ติดต่อ',
);
/** Auction and dealer phrasing ("lot 54" is checked apart: a number after "lot"). */
const AUCTION = lexicon(
  'estimate|estimated at|sold for|hammer|hammer price|auction|auctions|bid|bids|bidding|starting bid|reserve|' +
    "provenance|buyer's premium|buyers premium|enchère|enchères|adjugé|estimation|subasta|lote|leilão|lance|" +
    'auktion|versteigerung|schätzpreis|đấu giá|lelang|аукцион|лот',
  '拍卖|拍賣|估价|估價|成交|起拍|競売|オークション|경매|낙찰|ประมูล',
);
/** Price and selling words (numbers with currencies are found by signals.ts). */
const PRICE_WORDS = lexicon(
  'price|prices|priced|asking|obo|ono|negotiable|cheap|wholesale|prix|precio|preço|preis|prezzo|giá|harga|' +
    'цена|for sale|wts|selling|sell|vendo|vende|à vendre|zu verkaufen|dijual|jual|bán|cần bán',
  '价格|價格|价钱|出售|转让|轉讓|價錢|価格|販売|가격|판매|ราคา|ขาย|$$$',
);
/** How live animals are advertised ("bottle fed", "good with children", "ready for new homes"). */
const LIVE_CARE = lexicon(
  'bottle fed|hand raised|hand reared|hand fed|tame|weaned|good with children|good with kids|' +
    'ready for new home|ready for new homes|new home|cuddly|vaccinated|dewormed|babies|baby|cub|cubs|pup|' +
    'pups|juvenile|juveniles|hatchling|hatchlings|filhote|filhotes|mamadeira|cachorro|cachorros|bebé|bebés|' +
    'con non|bayi|anakan|jinak|apprivoisé|zahm|детеныш|ручной',
  '幼崽|手养|手養|活体|活體|새끼|赤ちゃん',
);
/** Discussion rather than trade: only read when nothing in the listing offers a sale. */
const DISCUSSION = lexicon(
  'ban|bans|banned|banning|petition|campaign|poaching|poacher|poachers|trafficking|crackdown|seized|' +
    'seizure|conservation|conservationist|conservationists|protect|protection|endangered|extinction|save|' +
    'stop|law|laws|bill|government|policy|debate|opinion|ngo|wwf|ifaw|cites|documentary|article|report|' +
    'study|museum|interdiction|prohibición|proibição|verbot|cấm|larangan|запрет',
  '禁止|禁令|保护|保護|走私|盗猎|盜獵|密猟|밀렵|금지|ห้าม|ลักลอบ',
);
/** A colour or material use right next to an ambiguous term: "ivory silk dress", "ivory white paint". */
const COLOUR_USE_AFTER = wordSet(
  'white|cream|colour|color|coloured|colored|shade|tone|silk|satin|lace|linen|chiffon|tulle|cotton|wool|' +
    'yarn|dress|dresses|gown|gowns|wedding|bridal|paint|emulsion|gloss|fabric|card stock|cardstock|paper|' +
    'envelope|envelopes|invitation|invitations|shoe|shoes|heels|blouse|shirt|curtain|curtains|tablecloth|' +
    'napkin|napkins|sofa|cushion|cushions|duvet|bedding|towel|towels|candle|candles|soap|coast|rose|roses|' +
    'tulip|tulips|leather|couleur|colores|farbe|farben|màu|warna',
  '白|色|색|สี',
);
const COLOUR_USE_BEFORE = wordSet(
  'colour|color|coloured|colored|shade|tone|silk|satin|lace|couleur|cor|farbe|màu|warna',
  'สี',
);

/** A plain set of words for checks of one position (the word right before or after a term). */
function wordSet(
  words: string,
  unspaced = '',
): { phrases: ReadonlySet<string>; unspaced: readonly string[] } {
  return { phrases: new Set(words.split('|')), unspaced: unspaced === '' ? [] : unspaced.split('|') };
}

const NUMBER = /^\d/;

/** Only text outside the Latin, Greek and Cyrillic blocks can hold an unspaced entry. */
const BEYOND_LATIN = /[^\u0000-\u052f\u1e00-\u1eff\u2000-\u206f]/;

/**
 * Calls `hit` for every phrase of a lexicon `wanted` accepts that occurs in the tokens, and every such
 * unspaced entry that occurs in the raw text; `wanted` is asked again before each match.
 */
function eachPhrase(
  tokens: readonly string[],
  raw: string,
  wanted: (bit: number) => boolean,
  hit: (bit: number, phrase: () => string) => void,
): void {
  for (let i = 0; i < tokens.length; i++) {
    const candidates = FIRST_WORD.get(tokens[i]!);
    if (candidates === undefined) continue;
    for (const { rest, bit } of candidates) {
      if (!wanted(bit)) continue;
      let k = 0;
      while (k < rest.length && tokens[i + 1 + k] === rest[k]) k++;
      if (k === rest.length) hit(bit, () => [tokens[i], ...rest].join(' '));
    }
  }
  if (!BEYOND_LATIN.test(raw)) return;
  for (const { bit, entries } of UNSPACED) {
    for (const u of entries) if (wanted(bit) && raw.includes(u)) hit(bit, () => u);
  }
}

/** The lexicons (bits) whose phrases occur in the tokens, or whose unspaced entries occur in the raw text. */
function found(tokens: readonly string[], raw: string): number {
  let bits = 0;
  eachPhrase(
    tokens,
    raw,
    (bit) => (bits & bit) === 0,
    (bit) => {
      bits |= bit;
    },
  );
  return bits;
}

/** The distinct phrases of one lexicon that occur in the tokens or, unspaced, in the raw text. */
function phrasesOf(bit: number, tokens: readonly string[], raw: string, into: Set<string>): void {
  eachPhrase(
    tokens,
    raw,
    (b) => b === bit,
    (_, phrase) => into.add(phrase()),
  );
}

/** "lot 54", "lot no. 12": an auction lot number. */
function lotNumber(tokens: readonly string[]): boolean {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i] !== 'lot') continue;
    if (NUMBER.test(tokens[i + 1]!) || (tokens[i + 1] === 'no' && NUMBER.test(tokens[i + 2] ?? '')))
      return true;
  }
  return false;
}

/** The text around a hit, cut at the sentence ends on either side. */
function neighbourhood(text: string, start: number, end: number): { before: string; after: string } {
  let from = Math.max(0, start - NEIGHBOUR_BEFORE);
  let to = Math.min(text.length, end + NEIGHBOUR_AFTER);
  SENTENCE_BREAK.lastIndex = from;
  for (let m = SENTENCE_BREAK.exec(text); m !== null && m.index < to; m = SENTENCE_BREAK.exec(text)) {
    if (m.index < start) from = m.index + 1;
    else if (m.index >= end) {
      to = m.index;
      break;
    }
  }
  return { before: text.slice(from, start), after: text.slice(end, to) };
}

/** Words of spaced scripts next to a term (hashtags count as words: "#netsuke" is "netsuke"). */
const UNSPACED_CHAR =
  /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
function neighbourWords(tokens: readonly string[], termWords: ReadonlySet<string>): string[] {
  return tokens.filter(
    (w) => w.length >= 3 && w.length <= 24 && !/\d/.test(w) && !UNSPACED_CHAR.test(w) && !termWords.has(w),
  );
}

// The words of an entry's own term, left out of its neighbours; built once per entry.
const termWordCache = new WeakMap<Entry, ReadonlySet<string>>();
function termWordsOf(entry: Entry): ReadonlySet<string> {
  let words = termWordCache.get(entry);
  if (!words) {
    words = new Set(tokenize(entry.term.toLowerCase()));
    termWordCache.set(entry, words);
  }
  return words;
}

const isAmbiguous = (e: Entry): boolean => e.fpRisk === 'high';
const isFormCue = (e: Entry): boolean => e.kind === 'product' && e.species === undefined;
const inTag = (text: string, start: number): boolean => start > 0 && text[start - 1] === '#';

export interface ListingSignals {
  hits: readonly ScoredHit[];
  texts: FieldTexts;
  /** A price or phone number was found (signals.ts). */
  price: boolean;
  phone: boolean;
}

export interface ExtractedFeatures {
  features: Features;
  /** Species of the wildlife terms their context did not explain away. */
  species: string[];
  /** Neighbouring words of those terms (the learned vocabulary picks its features from these). */
  neighbours: string[];
  /** How many distinct wildlife terms their context did not explain away (0: nothing for the model). */
  evidence: number;
}

/** The features of one listing with wildlife evidence. Pure; allocation only for listings that reach it. */
export function extractFeatures(
  signals: ListingSignals,
  library: CompiledLibrary,
  rulesScore: number,
  vocabulary?: ReadonlySet<string>,
): ExtractedFeatures {
  const { hits, texts } = signals;
  const f: Features = new Map();
  const on = (name: string) => f.set(name, 1);
  // The hand-set rules' own score (score.ts), as one piece of evidence among the others.
  if (rulesScore > 0) f.set('rules:score', rulesScore);
  const negatives = hits.filter((h) => h.entry.kind === 'negative');
  let sale = signals.price || signals.phone;
  if (signals.price) on('cue:price');
  if (signals.phone) on('cue:phone');
  for (const h of hits) {
    if (h.entry.kind === 'sale') {
      sale = true;
      on('cue:sale-term');
    } else if (h.entry.kind === 'legality') on('cue:legality');
    else if (isFormCue(h.entry)) on('cue:form');
  }

  const species = new Set<string>();
  const unqualified = new Set<Entry>();
  const neighbours: string[] = [];
  for (const hit of hits) {
    if (!isPositive(hit.entry)) continue;
    const text = texts[hit.field];
    const contexts = new Set<string>();
    for (const n of negatives)
      if (qualifies(n, hit, texts, sale)) contexts.add(n.entry.negativeContext ?? 'other');
    if (hit.negated) contexts.add('negated');
    const ambiguous = isAmbiguous(hit.entry);
    const { before, after } = neighbourhood(text, hit.start, hit.end);
    if (ambiguous && colourUse(before, after)) contexts.add('colour-use');
    if (contexts.size > 0 && !isStrongTerm(hit.entry)) {
      for (const c of contexts) on(`qualified:${c === 'food' || c === 'plant' ? 'plant-food' : c}`);
      continue;
    }
    for (const c of contexts) on(`qualified:${c === 'food' || c === 'plant' ? 'plant-food' : c}`);
    unqualified.add(hit.entry);
    if (hit.entry.species) species.add(hit.entry.species);
    on(termFeature(hit.entry, library));
    if (inTag(text, hit.start)) on('term:hashtag');
    const around = `${before} ${after}`.toLowerCase();
    const near = tokenize(around);
    const bits = found(near, around);
    if (bits & OBJECT_NOUNS) on(ambiguous ? 'context:ambiguous+object-noun' : 'context:object-noun');
    if (bits & MAKING_VERBS) on(ambiguous ? 'context:ambiguous+making-verb' : 'context:making-verb');
    if (ambiguous && bits & (CONTACT | AUCTION | PRICE_WORDS)) on('context:ambiguous+trade-cue');
    const own = termWordsOf(hit.entry);
    if (vocabulary) {
      // Screening: only the words the model learned matter.
      for (const w of near) if (vocabulary.has(w) && !own.has(w)) on(`near:${w}`);
    } else neighbours.push(...neighbourWords(near, own));
  }
  if (unqualified.size === 0) return { features: f, species: [], neighbours, evidence: 0 }; // not weighed
  if (unqualified.size >= 2) on('terms:several');
  const lower = { title: texts.title.toLowerCase(), description: texts.description.toLowerCase() };
  const tokens = { title: tokenize(lower.title), description: tokenize(lower.description) };
  // A discussion names its subject more than once (ban, poaching, law...): one such word, as in a
  // disclaimer ("사용 금지", "stop by"), is no discussion.
  const discussionCues = new Set<string>();
  for (const field of ['title', 'description'] as const) {
    const [t, raw] = [tokens[field], lower[field]];
    if (raw === '') continue;
    const bits = found(t, raw);
    if (bits & CONTACT) on('cue:contact');
    if (bits & AUCTION || lotNumber(t)) on('cue:auction');
    if (bits & PRICE_WORDS) on('cue:price-word');
    if (bits & LIVE_CARE) on('cue:live-care');
    if (bits & DISCUSSION) phrasesOf(DISCUSSION, t, raw, discussionCues);
  }
  const discussion = discussionCues.size >= 2;
  const trade = sale || ['cue:contact', 'cue:auction', 'cue:price-word'].some((n) => f.has(n));

  if (!trade) {
    if (negatives.some((n) => n.entry.negativeContext === 'news')) on('context:news-no-trade');
    if (discussion) on('context:discussion-no-trade');
  }
  return { features: f, species: [...species], neighbours, evidence: unqualified.size };
}

/** The word right after the term, or right before it, names a colour or material use. */
function colourUse(before: string, after: string): boolean {
  const next = tokenize(after.toLowerCase()).slice(0, 2);
  const previous = tokenize(before.toLowerCase()).slice(-1);
  const rawAfter = after.trimStart().slice(0, 2);
  return (
    COLOUR_USE_AFTER.phrases.has(next.join(' ')) ||
    (next.length > 0 && COLOUR_USE_AFTER.phrases.has(next[0]!)) ||
    COLOUR_USE_AFTER.unspaced.some((u) => rawAfter.startsWith(u)) ||
    (previous.length > 0 && COLOUR_USE_BEFORE.phrases.has(previous[0]!)) ||
    COLOUR_USE_BEFORE.unspaced.some((u) => before.trimEnd().endsWith(u))
  );
}

function termFeature(entry: Entry, library: CompiledLibrary): string {
  if (isStrongTerm(entry)) return 'term:strong';
  if (entry.kind === 'species') {
    const live = entry.species !== undefined && library.species.get(entry.species)?.liveTrade === true;
    return live ? 'term:species-live' : 'term:species';
  }
  if (isAmbiguous(entry)) return 'term:ambiguous';
  if (entry.kind === 'hashtag') return 'term:hashtag';
  return entry.kind === 'code' ? 'term:code' : 'term:product';
}

/** Which features may only add to the evidence (learned weight ≥ 0): see the header. */
export function isEvidenceFeature(name: string): boolean {
  return (
    name.startsWith('term:') ||
    name.startsWith('terms:') ||
    name.startsWith('cue:') ||
    name.startsWith('near:') ||
    name === 'rules:score' ||
    name === 'context:object-noun' ||
    name === 'context:making-verb' ||
    name.startsWith('context:ambiguous+')
  );
}

const LABELS: Record<string, string> = {
  'rules:score': "the keyword rules' score",
  'term:strong': 'a strong wildlife product term',
  'term:product': 'a wildlife product term',
  'term:code': 'a trade code word',
  'term:hashtag': 'a wildlife hashtag',
  'term:species-live': 'a species sold alive',
  'term:species': 'a species name',
  'term:ambiguous': 'an ambiguous term (ivory, bone, horn…)',
  'terms:several': 'several distinct wildlife terms',
  'context:object-noun': 'an object noun next to the term',
  'context:making-verb': 'a making verb next to the term',
  'context:ambiguous+object-noun': 'an ambiguous term next to an object noun',
  'context:ambiguous+making-verb': 'an ambiguous term next to a making verb',
  'context:ambiguous+trade-cue': 'an ambiguous term next to a trade cue',
  'context:news-no-trade': 'news context and nothing offered for sale',
  'context:discussion-no-trade': 'a discussion (ban, poaching…) and nothing offered for sale',
  'cue:price': 'a price',
  'cue:phone': 'a phone number',
  'cue:sale-term': 'a sale phrase',
  'cue:legality': 'a legality claim (antique, pre-ban…)',
  'cue:form': 'a product-form word',
  'cue:contact': 'a contact cue (DM, WhatsApp…)',
  'cue:auction': 'auction phrasing (lot, estimate, sold for…)',
  'cue:price-word': 'a price or selling word',
  'cue:live-care': 'live-animal care words (bottle fed, tame…)',
  'qualified:imitation': 'a term qualified by an imitation material',
  'qualified:colour': 'a term qualified as a colour',
  'qualified:colour-use': 'an ambiguous term used as a colour or material',
  'qualified:brand': 'a term qualified as a brand',
  'qualified:legal-material': 'a term qualified by a legal material',
  'qualified:plant-food': 'a term qualified as a plant or food',
  'qualified:news': 'a term in news context',
  'qualified:question': 'a term in a question whether selling is legal',
  'qualified:other': 'a term qualified by a lookalike',
  'qualified:negated': 'a negated term ("not ivory")',
};

/** What a feature means, for explanations. */
export function featureLabel(name: string): string {
  if (name.startsWith('near:')) return `the word "${name.slice(5)}" next to the term`;
  return LABELS[name] ?? name;
}
