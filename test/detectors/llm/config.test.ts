// The LLM tuning variables: defaults, coercion, and errors that name the variable but never the value.
import { describe, expect, it } from 'vitest';
import { readLlmTuning } from '../../../detectors/llm/config.ts';

describe('readLlmTuning', () => {
  it('has defaults and reads numbers from the environment', () => {
    expect(readLlmTuning({})).toMatchObject({
      LLM_TIMEOUT_MS: 20_000,
      LLM_MAX_RETRIES: 2,
      LLM_CALLS_PER_MINUTE: 60,
    });
    expect(readLlmTuning({ LLM_TIMEOUT_MS: '1500', LLM_TEMPERATURE: '0', LLM_CACHE_SIZE: '' })).toMatchObject(
      {
        LLM_TIMEOUT_MS: 1500,
        LLM_TEMPERATURE: 0,
        LLM_CACHE_SIZE: 5_000,
      },
    );
  });

  it('rejects bad values, naming the variable only', () => {
    expect(() => readLlmTuning({ LLM_MAX_RETRIES: 'lots-of-9f3a' })).toThrow(/LLM_MAX_RETRIES/);
    const err = (() => {
      try {
        readLlmTuning({ LLM_CALLS_PER_MINUTE: 'secret-ish-9f3a' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/LLM_CALLS_PER_MINUTE/);
    expect(err?.message).not.toContain('9f3a');
  });
});
