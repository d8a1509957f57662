// Turns a validated model answer into policy signals. Only aggravating evidence is taken: species, product,
// live animal, sale intent, an overall flag. An `allow`, an imitation claim or any other mitigating
// statement from the model becomes nothing, so the model can add evidence but never remove any.
import { PRODUCT_FORMS, type ProductForm, type Signal } from '../policy/schema.ts';
import type { SpeciesIndex } from '../policy/species-index.ts';
import type { TriageAnswer } from './answer.ts';
import type { TriageListing } from './prompt.ts';

export const LLM_DETECTOR = 'llm';

interface Span {
  term: string;
  field: 'title' | 'description';
  start: number;
  end: number;
}

/** Finds a quote in the listing; quotes the model invented are dropped. */
function locate(quote: string, listing: TriageListing): Span | undefined {
  for (const field of ['title', 'description'] as const) {
    const text = listing[field] ?? '';
    const lower = text.toLowerCase();
    if (lower.length !== text.length) continue; // case mapping changed offsets: do not guess
    const at = lower.indexOf(quote.toLowerCase());
    if (at !== -1)
      return { term: text.slice(at, at + quote.length), field, start: at, end: at + quote.length };
  }
  return undefined;
}

const isForm = (p: string): p is ProductForm => (PRODUCT_FORMS as readonly string[]).includes(p);

export function answerSignals(answer: TriageAnswer, listing: TriageListing, lookup: SpeciesIndex): Signal[] {
  if (answer.verdict === 'allow') return [];
  const strength = answer.confidence;
  const detail = `model: ${answer.rationale}`.slice(0, 2000);
  const spans = answer.quotes.flatMap((q) => locate(q, listing) ?? []);
  const at = spans[0] ?? {};
  const base = { detector: LLM_DETECTOR, strength, detail, ...at };
  const product = isForm(answer.product) ? answer.product : undefined;
  const kind: Signal['kind'] = product ? 'product' : answer.product === 'live-animal' ? 'live' : 'species';

  const signals: Signal[] = answer.species.map((s) => {
    const name =
      (lookup(s.name) ? s.name : undefined) ??
      (s.scientificName && lookup(s.scientificName) ? s.scientificName : undefined) ??
      s.name;
    return { ...base, kind, species: name, ...(product ? { product } : {}) };
  });
  if (signals.length === 0) {
    signals.push(
      kind === 'species'
        ? { ...base, kind: 'model-flag' }
        : { ...base, kind, ...(product ? { product } : {}) },
    );
  }
  if (answer.saleIntent === 'selling')
    signals.push({ detector: LLM_DETECTOR, kind: 'commerce', strength, detail });
  // Further located quotes are kept as evidence spans for reviewers.
  for (const span of spans.slice(1))
    signals.push({ detector: LLM_DETECTOR, kind: 'model-flag', strength: 0, ...span });
  return signals;
}
