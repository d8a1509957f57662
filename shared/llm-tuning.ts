// The LLM triage tuning variables. Their schema lives in shared/ so the configuration checks them with
// every other variable before start; detectors/llm/config.ts reads them for triage.
import { z } from 'zod';

const int = (min: number, max: number, dflt: number) =>
  z.coerce.number().int().min(min).max(max).default(dflt);

export const llmTuningShape = {
  /** Per attempt, in milliseconds. */
  LLM_TIMEOUT_MS: int(100, 300_000, 20_000),
  /** Retries after a timeout, 408/409/429 or 5xx, with the SDK's exponential backoff. */
  LLM_MAX_RETRIES: int(0, 5, 2),
  /** Model calls allowed per minute across this process; further listings keep the rules' verdict. */
  LLM_CALLS_PER_MINUTE: int(1, 100_000, 60),
  /** Answers kept by content hash. */
  LLM_CACHE_SIZE: int(0, 1_000_000, 5_000),
  LLM_CACHE_TTL_MS: int(0, 30 * 24 * 3_600_000, 24 * 3_600_000),
  /** Calls in flight at once; further listings wait their turn. */
  LLM_CONCURRENCY: int(1, 256, 4),
  /** Sampling temperature; unset sends none (some reasoning models reject the parameter). */
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).optional(),
};
