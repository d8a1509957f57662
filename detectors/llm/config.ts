// LLM triage settings. The endpoint, key and model come from shared/config.ts; the tuning knobs are read
// from the environment through this schema (defaults suit a hosted API). loadConfig checks the same
// variables at start, so a bad value stops the process before anything runs.
import { z } from 'zod';
import { llmTuningShape } from '../../shared/llm-tuning.ts';

export const llmTuningSchema = z.object(llmTuningShape);
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
