// Turns platform errors into Temporal failures the retry policy understands: permanent problems (unknown
// channel, no permission, bad token) stop at once; rate limits wait as long as the platform asks.
import { ApplicationFailure } from '@temporalio/common';

export interface PostFailure {
  platform: string;
  message: string;
  /** True when retrying cannot help. */
  permanent: boolean;
  /** The platform's own wait, when it rate-limited us. */
  retryAfterMs?: number;
}

export function toApplicationFailure(f: PostFailure, attempt: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: f.retryAfterMs !== undefined ? 'RateLimited' : f.permanent ? 'PostRejected' : 'PostFailed',
    message: `${f.platform}: ${f.message}`,
    nonRetryable: f.permanent,
    nextRetryDelay: f.retryAfterMs,
    details: [{ attempt, ...(f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {}) }],
  });
}
