// LLM triage settings. The endpoint, key and model come from shared/config.ts; the tuning knobs below
// are read from the environment through this schema (defaults suit a hosted API).
import { z } from 'zod';

const int = (min: number, max: number, dflt: number) =>
  z.coerce.number().int().min(min).max(max).default(dflt);

export const llmTuningSchema = z.object({
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
});
export type LlmTuning = z.infer<typeof llmTuningSchema>;

/** The part of the application config triage needs. */
export interface LlmEndpointConfig {
  LLM_BASE_URL?: string;
  LLM_API_KEY?: string;
  LLM_MODEL: string;
}

/** Reads the tuning variables; empty strings count as unset, and problems name the variable, never the value. */
export function readLlmTuning(env: NodeJS.ProcessEnv = process.env): LlmTuning {
  const picked = Object.fromEntries(
    Object.keys(llmTuningSchema.shape).flatMap((k) => (env[k] ? [[k, env[k]]] : [])),
  );
  const result = llmTuningSchema.safeParse(picked);
  if (!result.success) {
    throw new Error(
      `Invalid LLM triage configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}
