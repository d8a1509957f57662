// LLM triage: asks an OpenAI-compatible model about one listing and folds its answer into the rules'
// decision through the policy engine. The result is never below the rules' verdict; a model can raise a
// listing to human review but never to an automatic block; any failure leaves the rules' decision as is.
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/core/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { type Verdict, verdictRank } from '../../shared/listing.ts';
import { log } from '../../shared/logger.ts';
import { decide } from '../policy/decide.ts';
import { BASE_POLICY } from '../policy/framework.ts';
import { renderExplanation } from '../policy/messages.ts';
import { type Policy, type Signal, signalSchema } from '../policy/schema.ts';
import { indexSpecies } from '../policy/species-index.ts';
import type { ScreeningDecision, TriageNote } from '../screen.ts';
import { type TriageAnswer, triageAnswerSchema } from './answer.ts';
import { RateBudget } from './budget.ts';
import { AnswerCache } from './cache.ts';
import { type LlmEndpointConfig, type LlmTuning, readLlmTuning } from './config.ts';
import { buildMessages, listingData, PROMPT_VERSION, type TriageListing } from './prompt.ts';
import { answerSignals } from './signals.ts';

export interface TriageContext {
  platformId?: string;
  verifiedVendor?: boolean;
  locale?: string;
}

export interface LlmTriage {
  readonly model: string;
  /** The rules' decision with the model's evidence added; never a lower verdict than `rules.verdict`. */
  triage(
    listing: TriageListing,
    rules: ScreeningDecision,
    context?: TriageContext,
  ): Promise<ScreeningDecision>;
}

export interface LlmTriageOptions {
  /** Overrides for the LLM_* tuning variables (read from the environment otherwise). */
  tuning?: Partial<LlmTuning>;
  policy?: Policy;
  now?: () => number;
  fetch?: typeof fetch;
}

type Outcome = { answer: TriageAnswer; cached: boolean } | { failure: string };

const RESPONSE_FORMAT = zodResponseFormat(triageAnswerSchema, 'wildlife_listing_triage');

/** Returns undefined when no LLM endpoint is configured: triage is off by default. */
export function createLlmTriage(
  config: LlmEndpointConfig | undefined,
  options: LlmTriageOptions = {},
): LlmTriage | undefined {
  if (!config?.LLM_BASE_URL) return undefined;
  const tuning: LlmTuning = { ...readLlmTuning(), ...options.tuning };
  const model = config.LLM_MODEL;
  const policy = options.policy ?? BASE_POLICY;
  const lookup = indexSpecies(policy.species);
  const now = options.now ?? Date.now;
  const client = new OpenAI({
    baseURL: config.LLM_BASE_URL,
    // Local servers (Ollama, vLLM) need no key, but the SDK requires one.
    apiKey: config.LLM_API_KEY ?? 'no-key',
    timeout: tuning.LLM_TIMEOUT_MS,
    maxRetries: tuning.LLM_MAX_RETRIES,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const cache = new AnswerCache<TriageAnswer>(tuning.LLM_CACHE_SIZE, tuning.LLM_CACHE_TTL_MS, now);
  const budget = new RateBudget(tuning.LLM_CALLS_PER_MINUTE, now);
  const inFlight = new Map<string, Promise<Outcome>>();
  const slots = new Slots(tuning.LLM_CONCURRENCY);
  // Every attempt may take the full timeout, and backoff between attempts is at most 8 s.
  const deadlineMs = (tuning.LLM_TIMEOUT_MS + 8_000) * (tuning.LLM_MAX_RETRIES + 1);

  async function ask(listing: TriageListing): Promise<Outcome> {
    try {
      const completion = await client.chat.completions.parse(
        {
          model,
          messages: buildMessages(listing),
          response_format: RESPONSE_FORMAT,
          ...(tuning.LLM_TEMPERATURE !== undefined ? { temperature: tuning.LLM_TEMPERATURE } : {}),
        },
        { signal: AbortSignal.timeout(deadlineMs) },
      );
      const message = completion.choices[0]?.message;
      if (!message) return { failure: 'no choice in the answer' };
      if (message.refusal) return { failure: 'the model refused' };
      const parsed = triageAnswerSchema.safeParse(message.parsed);
      if (!parsed.success) return { failure: 'the answer does not match the schema' };
      return { answer: parsed.data, cached: false };
    } catch (err) {
      return { failure: describeError(err) };
    }
  }

  async function answerFor(listing: TriageListing): Promise<Outcome> {
    const key = contentKey(model, listing);
    const hit = cache.get(key);
    if (hit) return { answer: hit, cached: true };
    const pending = inFlight.get(key);
    if (pending) return pending;
    if (!budget.tryTake()) return { failure: 'skipped: rate budget spent' };
    const call = slots
      .run(() => ask(listing))
      .then((outcome) => {
        if ('answer' in outcome) cache.set(key, outcome.answer);
        return outcome;
      });
    inFlight.set(key, call);
    try {
      return await call;
    } finally {
      inFlight.delete(key);
    }
  }

  return {
    model,
    async triage(listing, rules, context = {}) {
      const outcome = await answerFor(listing);
      if ('failure' in outcome) {
        const skipped = outcome.failure.startsWith('skipped');
        if (!skipped) log.warn('llm triage failed; the rules decide', { model, reason: outcome.failure });
        return {
          ...rules,
          triage: { status: skipped ? 'skipped' : 'failed', model, reason: outcome.failure },
        };
      }
      const note: TriageNote = {
        status: outcome.cached ? 'cached' : 'ok',
        model,
        rationale: outcome.answer.rationale,
      };
      return merge(rules, answerSignals(outcome.answer, listing, lookup), note, context, policy);
    },
  };
}

/** At most `size` tasks at once; the rest wait in order. */
class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

/** Folds the model's signals into the rules' decision. Exported for tests of the floor guarantee. */
export function merge(
  rules: ScreeningDecision,
  llm: Signal[],
  note: TriageNote,
  context: TriageContext,
  policy: Policy,
): ScreeningDecision {
  const ruleSignals = rules.evidence.flatMap((e) => {
    const parsed = signalSchema.safeParse(e);
    return parsed.success ? [parsed.data] : [];
  });
  const evidence = [...rules.evidence, ...llm];
  const kept: ScreeningDecision = { ...rules, evidence, triage: note };
  if (llm.length === 0) return kept;
  const platformId = context.platformId ?? rules.platformId ?? 'default';
  const combined = decide(
    {
      signals: [...ruleSignals, ...llm],
      platformId,
      verifiedVendor: context.verifiedVendor,
      locale: context.locale,
    },
    policy,
  );
  // A model alone never causes an automatic block: its escalations go to a human.
  const raised: Verdict = combined.verdict === 'block' ? 'review' : combined.verdict;
  if (verdictRank[raised] <= verdictRank[rules.verdict]) return kept;
  const limits = [...combined.limits];
  if (combined.verdict === 'block' && !limits.includes('model-only')) limits.push('model-only');
  return {
    verdict: raised,
    score: Math.max(rules.score, combined.score),
    confidence: combined.confidence,
    clause: combined.clause,
    explanation: renderExplanation(
      combined.explanationKey,
      combined.explanationParams,
      limits,
      context.locale,
    ),
    species: [...new Set([...rules.species, ...combined.species])],
    evidence: uniqueSignals([...rules.evidence, ...combined.evidence, ...llm]),
    prescribed: combined.prescribed,
    limits,
    exemption: null,
    policyVersion: combined.policyVersion,
    platformId,
    triage: note,
  };
}

/** Evidence without repeats (the engine returns parsed copies, so identity is not enough). */
function uniqueSignals(signals: readonly Signal[]): Signal[] {
  const seen = new Set<string>();
  return signals.filter((s) => {
    const key = JSON.stringify([
      s.detector,
      s.kind,
      s.species,
      s.product,
      s.term,
      s.field,
      s.start,
      s.end,
      s.strength,
    ]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The cache key: model, prompt version and the listing fields the model sees. */
export function contentKey(model: string, listing: TriageListing): string {
  return createHash('sha256')
    .update(JSON.stringify([PROMPT_VERSION, model, listingData(listing)]))
    .digest('hex');
}

/** A short, secret-free description of a failed call. */
function describeError(err: unknown): string {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return 'timed out';
  if (err instanceof OpenAI.APIUserAbortError) return 'timed out';
  if (err instanceof OpenAI.APIError && err.status !== undefined) return `HTTP ${err.status}`;
  if (err instanceof OpenAI.APIConnectionError) return 'connection failed';
  if (err instanceof LengthFinishReasonError) return 'the answer was cut off';
  if (err instanceof ContentFilterFinishReasonError) return 'the answer was filtered';
  if (err instanceof SyntaxError) return 'the answer is not JSON';
  if (err instanceof Error && err.name === 'ZodError') return 'the answer does not match the schema';
  if (err instanceof Error) return err.name;
  return 'unknown error';
}
