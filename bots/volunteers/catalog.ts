// What volunteers pick from: the species/product list of the report dialog and the training quiz.
// Labels and questions live in the message catalogue, so both follow the volunteer's language.
import type { MessageKey } from './messages.ts';

export const SPECIES = [
  'ivory',
  'pangolin',
  'rhino_horn',
  'tiger',
  'turtle',
  'reptile',
  'bird',
  'other',
] as const;
export type SpeciesId = (typeof SPECIES)[number];

export function speciesLabelKey(id: SpeciesId): MessageKey {
  return `species_${id}` as MessageKey;
}

export function isSpeciesId(value: string): value is SpeciesId {
  return (SPECIES as readonly string[]).includes(value);
}

export interface QuizQuestion {
  id: string;
  question: MessageKey;
  options: MessageKey[];
  answer: number;
  explanation: MessageKey;
  /** What the question trains: products, lookalikes or code words. */
  topic: 'products' | 'lookalikes' | 'code_words';
}

export const QUIZ: readonly QuizQuestion[] = [
  {
    id: 'q1',
    question: 'q1_question',
    options: ['q1_a', 'q1_b', 'q1_c'],
    answer: 1,
    explanation: 'q1_explain',
    topic: 'code_words',
  },
  {
    id: 'q2',
    question: 'q2_question',
    options: ['q2_a', 'q2_b', 'q2_c'],
    answer: 1,
    explanation: 'q2_explain',
    topic: 'lookalikes',
  },
  {
    id: 'q3',
    question: 'q3_question',
    options: ['q3_a', 'q3_b', 'q3_c'],
    answer: 0,
    explanation: 'q3_explain',
    topic: 'products',
  },
];
