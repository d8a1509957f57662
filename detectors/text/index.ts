// Text screening: the contract every caller relies on. This first engine knows only a few strong terms;
// the keyword-library engine replaces its internals behind the same exports.
import type { Verdict } from '../../shared/listing.ts';

export interface TextListing {
  id?: string;
  title: string;
  description?: string;
  language?: string;
}

export type TextField = 'title' | 'description';

export interface TextEvidence {
  term: string;
  kind: string;
  field: TextField;
  start: number;
  end: number;
  species?: string;
}

export interface TextScreenResult {
  verdict: Verdict;
  score: number;
  species: string[];
  evidence: TextEvidence[];
}

const SEED_TERMS: { term: string; species: string }[] = [
  { term: 'ivory', species: 'elephant' },
  { term: 'rhino horn', species: 'rhinoceros' },
  { term: 'pangolin scale', species: 'pangolin' },
  { term: 'tiger bone', species: 'tiger' },
];

export function screenText(listing: TextListing): TextScreenResult {
  const evidence: TextEvidence[] = [];
  for (const field of ['title', 'description'] as const) {
    const value = (listing[field] ?? '').toLowerCase();
    for (const { term, species } of SEED_TERMS) {
      for (let at = value.indexOf(term); at !== -1; at = value.indexOf(term, at + 1)) {
        evidence.push({ term, kind: 'product', field, start: at, end: at + term.length, species });
      }
    }
  }
  const species = [...new Set(evidence.map((e) => e.species!))];
  return {
    verdict: evidence.length > 0 ? 'review' : 'allow',
    score: evidence.length > 0 ? 0.6 : 0,
    species,
    evidence,
  };
}
