// Optional LLM triage through any OpenAI-compatible endpoint; off unless LLM_BASE_URL is set.
export { type TriageAnswer, triageAnswerSchema } from './answer.ts';
export { type LlmEndpointConfig, type LlmTuning, llmTuningSchema, readLlmTuning } from './config.ts';
export { buildMessages, PROMPT_VERSION, type TriageListing } from './prompt.ts';
export { answerSignals, LLM_DETECTOR } from './signals.ts';
export {
  contentKey,
  createLlmTriage,
  type LlmTriage,
  type LlmTriageOptions,
  merge,
  type TriageContext,
} from './triage.ts';
export { type TriageCandidate, type TriageHints, type TriageReason, triageReason } from './when.ts';
