// Turns the text detector's evidence into policy signals. The text engine's contract says only that each
// hit has a term, a kind and maybe a species; kinds it may use are mapped here, unknown kinds count as a
// species mention, and the product form is read from the matched term.
import type { TextScreenResult } from '../text/index.ts';
import type { ProductForm, Signal, SignalKind } from './schema.ts';

const KIND_ALIASES: Record<string, SignalKind> = {
  species: 'species',
  name: 'species',
  taxon: 'species',
  product: 'product',
  part: 'product',
  derivative: 'product',
  'code-word': 'code-word',
  codeword: 'code-word',
  code: 'code-word',
  slang: 'code-word',
  euphemism: 'code-word',
  hashtag: 'code-word',
  live: 'live',
  'live-animal': 'live',
  pet: 'live',
  commerce: 'commerce',
  sale: 'commerce',
  'sale-cue': 'commerce',
  price: 'commerce',
  imitation: 'imitation',
  'declared-imitation': 'imitation',
  faux: 'imitation',
  authenticity: 'authenticity',
  genuine: 'authenticity',
  antique: 'antique',
  'pre-ban': 'antique',
  permit: 'permit',
  certificate: 'permit',
  lookalike: 'lookalike',
  negative: 'lookalike',
  'false-positive': 'lookalike',
  homonym: 'lookalike',
  news: 'news',
  education: 'news',
  context: 'news',
};

const PRODUCT_PATTERNS: [ProductForm, RegExp][] = [
  ['ivory', /ivory|tusk|象牙|ngà|marfil|ivoire|elfenbein|avorio|gading|pembe|งาช้าง/i],
  ['horn', /horn|犀角|sừng|cuerno|\bcorne\b/i],
  ['scale', /scale|鳞|vảy|sisik|escama|écaille/i],
  ['skin', /skin|pelt|\bfur\b|\bhides?\b|\brugs?\b|皮|da hổ|\bpiel\b|\bpeau\b/i],
  ['bone', /bone|骨|xương|hueso/i],
  ['fin', /\bfins?\b|鱼翅|vây/i],
  ['shell', /shell|carapace|tortoiseshell|bekko|玳瑁|đồi mồi|carey/i],
  ['tooth-claw', /tooth|teeth|claw|fang|talon|griffe|garra/i],
  ['feather', /feather|casque|plume|pluma/i],
  ['meat', /meat|bushmeat|carne|viande/i],
  ['medicine', /\bbile\b|powder|medicine|\bwine\b|\bmusk\b|tonic|膏|粉/i],
];

const LIVE_PATTERN =
  /\b(live|alive|cub|cubs|baby|babies|pup|pups|hatchling|juvenile|for adoption)\b|幼崽|活体|con non/i;

export function productForm(term: string): ProductForm | undefined {
  return PRODUCT_PATTERNS.find(([, re]) => re.test(term))?.[0];
}

/** What a matched term says by itself, read once per term: library terms recur on every listing. */
interface TermReading {
  form: ProductForm | undefined;
  live: boolean;
}
const readings = new Map<string, TermReading>();
function readTerm(term: string): TermReading {
  let reading = readings.get(term);
  if (!reading) {
    reading = { form: productForm(term), live: LIVE_PATTERN.test(term) };
    if (readings.size >= 50_000) readings.clear();
    readings.set(term, reading);
  }
  return reading;
}

/** Optional details a richer text engine may attach to a hit; read when present, never required. */
interface TextHitExtras {
  negativeContext?: unknown;
  productType?: unknown;
}

const NEGATIVE_CONTEXT_KINDS: Record<string, SignalKind> = { imitation: 'imitation', news: 'news' };
const PRODUCT_TYPE_FORMS: Record<string, ProductForm> = {
  scales: 'scale',
  skin: 'skin',
  shell: 'shell',
  fin: 'fin',
  feather: 'feather',
  medicine: 'medicine',
  powder: 'medicine',
  wine: 'medicine',
  food: 'meat',
};

function kindOf(kind: string, term: string, extras: TextHitExtras): SignalKind {
  const k = kind.toLowerCase();
  if (k === 'negative') {
    const context = typeof extras.negativeContext === 'string' ? extras.negativeContext : '';
    return NEGATIVE_CONTEXT_KINDS[context] ?? 'lookalike';
  }
  if (k === 'legality') return /permit|cites|certif|licen|papers/i.test(term) ? 'permit' : 'antique';
  if (extras.productType === 'live') return 'live';
  return KIND_ALIASES[k] ?? 'species';
}

const MITIGATING: ReadonlySet<SignalKind> = new Set(['imitation', 'lookalike', 'news', 'antique', 'permit']);

/**
 * The text engine has already weighed its hits against each other (a negative term lowers its score), so
 * its verdict sets how its hits count here: when it allowed the listing its wildlife hits carry strength 0,
 * and when it flagged the listing the cues it weighed against (imitation, lookalike, news, claims) carry
 * strength 0. Both are kept as evidence; neither can then flip the text engine's verdict a second time.
 */
export function textSignals(result: TextScreenResult, detector = 'keywords'): Signal[] {
  const score = Math.max(0, Math.min(1, result.score));
  const flagged = result.verdict !== 'allow';
  return result.evidence.map((e) => {
    const extras = e as TextHitExtras;
    let kind = kindOf(e.kind, e.term, extras);
    const mitigating = MITIGATING.has(kind);
    const strength = mitigating ? (flagged ? 0 : 1) : flagged ? score : 0;
    const typed = typeof extras.productType === 'string' ? PRODUCT_TYPE_FORMS[extras.productType] : undefined;
    const reading = readTerm(e.term);
    const form = reading.form ?? typed;
    if (kind === 'species' && reading.live) kind = 'live';
    if (kind === 'species' && form && e.species) kind = 'product';
    const product = kind === 'product' || kind === 'code-word' ? (form ?? 'other') : undefined;
    // Optional fields are set, not spread: conditional spreads made this the costliest step per hit.
    const signal: Signal = { detector, kind, strength, term: e.term.slice(0, 500), field: e.field };
    signal.start = e.start;
    signal.end = e.end;
    if (e.species) signal.species = e.species;
    if (product) signal.product = product;
    if (e.entry) signal.entry = e.entry.slice(0, 800);
    return signal;
  });
}
