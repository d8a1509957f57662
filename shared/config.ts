// Configuration from the environment, validated once. Secrets are kept out of every printable form.
import { z } from 'zod';

const list = z
  .string()
  .optional()
  .transform((s) =>
    s
      ? s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : [],
  );
const optionalUrl = z.url().optional();
const secret = z.string().min(1).optional();

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  DATA_DIR: z.string().default('./data'),

  // HTTP API
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PUBLIC_URL: optionalUrl,
  /** Port of the bots' own HTTP endpoint (Slack events) when bots run without the API in one process. */
  BOTS_PORT: z.coerce.number().int().min(0).max(65535).default(3000),

  // Storage: embedded PGlite when unset
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),

  // Temporal: a dev server is started from the Temporal CLI when unset
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('wild-sentinel'),
  TEMPORAL_CLI_PATH: z.string().optional(),

  // Slack (review and campaigns); the bot starts only when both are set
  SLACK_BOT_TOKEN: secret,
  SLACK_SIGNING_SECRET: secret,
  SLACK_API_URL: optionalUrl,
  SLACK_REVIEW_CHANNEL: z.string().default('#wildlife-review'),
  SLACK_REVIEWERS: list,
  SLACK_LEADS: list,
  /** Slack user ids of the communications leads who approve awareness campaigns. */
  COMMS_LEADS: list,
  /** Where campaign cards go when /campaign is used outside a channel. */
  SLACK_CAMPAIGN_CHANNEL: z.string().default('#campaigns'),
  /** Slack user group ids (S…) whose members are reviewers, resp. leads, besides the users listed above. */
  SLACK_REVIEWER_GROUPS: list,
  SLACK_LEAD_GROUPS: list,
  /** Review deadlines per priority and windows, e.g. "p1=1h,p2=4h,p3=24h,reminder=1h,undo=15m,appeal=30d". */
  REVIEW_SLA: z.string().optional(),

  // Metrics, digest and sharing between deployments
  SLACK_DIGEST_CHANNEL: z.string().optional(),
  /** Sees every platform on the dashboard and metrics API; without it, each platform sees its own. */
  DASHBOARD_TOKEN: secret,
  /** Coalition-wide key (hex or base64, ≥ 32 bytes) that hashes seller contact ids before they are shared. */
  COALITION_HASH_KEY: secret,
  COALITION_HASH_KEY_FILE: z.string().optional(),
  SHARE_SIGNING_KEY_FILE: z.string().optional(),

  // Takedown webhooks are signed with HMAC-SHA256 using this secret
  TAKEDOWN_SIGNING_SECRET: secret,

  // Telegram and Discord volunteer bots
  TELEGRAM_BOT_TOKEN: secret,
  TELEGRAM_API_ROOT: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: secret,
  DISCORD_BOT_TOKEN: secret,
  DISCORD_API_URL: optionalUrl,

  // Optional LLM triage through any OpenAI-compatible endpoint
  LLM_BASE_URL: optionalUrl,
  LLM_API_KEY: secret,
  LLM_MODEL: z.string().default('gpt-4o-mini'),

  // Image detection on listings with photos: hash banks always; OCR unless turned off; a classifier if given
  IMAGE_OCR: z.stringbool().default(true),
  /** Only for closed deployments and tests: lets image intake reach private and loopback addresses. */
  IMAGE_FETCH_ALLOW_PRIVATE: z.stringbool().default(false),
  IMAGE_CLASSIFIER_MODEL: z.string().optional(),
  IMAGE_CLASSIFIER_LABELS: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

/** Names whose values must never be printed. */
export const SECRET_KEYS = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'TAKEDOWN_SIGNING_SECRET',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'DISCORD_BOT_TOKEN',
  'LLM_API_KEY',
  'DASHBOARD_TOKEN',
  'COALITION_HASH_KEY',
] as const satisfies readonly (keyof Config)[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment, collecting every problem into one error. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    // Report the variable and the rule, never the offending value (it may be a secret).
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data;
}

/** A copy that is safe to log: secrets replaced by "[set]". */
export function redactConfig(config: Config): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...config };
  for (const key of SECRET_KEYS) if (copy[key] !== undefined) copy[key] = '[set]';
  if (config.DATABASE_URL)
    copy.DATABASE_URL = config.DATABASE_URL.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return copy;
}
