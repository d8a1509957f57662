// Configuration from the environment, validated once and completely before anything starts: every
// variable, every problem in one message. Secrets are kept out of every printable form (problems name the
// variable and the rule, never the value).
import { createPrivateKey } from 'node:crypto';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { decodeKeyText, MIN_COALITION_KEY_BYTES } from './key-text.ts';
import { llmTuningShape } from './llm-tuning.ts';
import { parseDuration, slaSpecProblems } from './review-sla.ts';

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
/** Base URLs of the APIs we call: http(s) only, so a typo cannot become a file: or javascript: URL. */
const optionalUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional();
const secret = z.string().min(1).optional();
const name = z.string().trim().min(1, 'must not be blank');
const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a port number')
  .min(0, 'must be a port number (0-65535)')
  .max(65535, 'must be a port number (0-65535)');

function can(mode: number) {
  return (path: string): boolean => {
    try {
      accessSync(path, mode);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  };
}
const canRead = can(constants.R_OK);

/** Files the process needs: named here rather than failing deep in a component after others started. */
const readableFile = z.string().refine(canRead, 'must name a readable file');
const executableFile = z.string().refine(can(constants.X_OK), 'must name an executable file');

function isPrivateKey(path: string): boolean {
  try {
    createPrivateKey(readFileSync(path));
    return true;
  } catch {
    return false;
  }
}

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    DATA_DIR: z.string().default('./data'),

    // HTTP API
    HOST: name.default('127.0.0.1'),
    PORT: port.default(8080),
    PUBLIC_URL: optionalUrl,
    /** Port of the bots' own HTTP endpoint (Slack events) when bots run without the API in one process. */
    BOTS_PORT: port.default(3000),

    // Storage: embedded PGlite when unset
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .refine((u) => URL.canParse(u), 'must be a postgres:// URL')
      .optional(),

    // Temporal: a dev server is started from the Temporal CLI when unset
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. localhost:7233')
      .optional(),
    TEMPORAL_NAMESPACE: name.default('default'),
    TEMPORAL_TASK_QUEUE: name.default('wild-sentinel'),
    TEMPORAL_CLI_PATH: executableFile.optional(),

    // Slack (review and campaigns); the bot starts only when both are set
    SLACK_BOT_TOKEN: secret,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: optionalUrl,
    SLACK_REVIEW_CHANNEL: name.default('#wildlife-review'),
    SLACK_REVIEWERS: list,
    SLACK_LEADS: list,
    /** Slack user ids of the communications leads who approve awareness campaigns. */
    COMMS_LEADS: list,
    /** Where campaign cards go when /campaign is used outside a channel. */
    SLACK_CAMPAIGN_CHANNEL: name.default('#campaigns'),
    /** Slack user group ids (S…) whose members are reviewers, resp. leads, besides the users listed above. */
    SLACK_REVIEWER_GROUPS: list,
    SLACK_LEAD_GROUPS: list,
    /** Review deadlines per priority and windows, e.g. "p1=1h,p2=4h,p3=24h,reminder=1h,undo=15m,appeal=30d". */
    REVIEW_SLA: z
      .string()
      .superRefine((spec, ctx) => {
        for (const message of slaSpecProblems(spec)) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),

    // Metrics, digest and sharing between deployments
    SLACK_DIGEST_CHANNEL: z.string().optional(),
    /** Where the weekly mined candidate terms go for curators (the review channel by default). */
    SLACK_CURATION_CHANNEL: name.optional(),
    /** Most candidate terms proposed per week, and the least positive listings one must appear in. */
    TERM_CANDIDATES_PER_WEEK: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be 1 to 100')
      .max(100, 'must be 1 to 100')
      .default(10),
    TERM_MINING_MIN_SUPPORT: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1000, 'must be at most 1000')
      .default(3),
    /** Sees every platform on the dashboard and metrics API; without it, each platform sees its own. */
    DASHBOARD_TOKEN: secret,
    /** The comms team's token for the campaign API (list, calendar, create); without it the API is off. */
    CAMPAIGN_API_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
    /** Coalition-wide key (hex or base64, ≥ 32 bytes) that hashes seller contact ids before they are shared. */
    COALITION_HASH_KEY: z
      .string()
      .refine(
        (key) => decodeKeyText(key).length >= MIN_COALITION_KEY_BYTES,
        `must be at least ${MIN_COALITION_KEY_BYTES} bytes (hex or base64)`,
      )
      .optional(),
    COALITION_HASH_KEY_FILE: readableFile
      .refine(
        // An unreadable file is reported once, by readableFile.
        (path) =>
          !canRead(path) || decodeKeyText(readFileSync(path, 'utf8')).length >= MIN_COALITION_KEY_BYTES,
        `must hold a key of at least ${MIN_COALITION_KEY_BYTES} bytes (hex or base64)`,
      )
      .optional(),
    SHARE_SIGNING_KEY_FILE: readableFile
      .refine((path) => !canRead(path) || isPrivateKey(path), 'must hold a PEM private key (share keygen)')
      .optional(),
    /** This deployment's name in the exchange (what peers trust its key as); with the key it turns on the
     *  pull endpoint and the fetch schedule. */
    SHARE_ORIGIN: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'lower-case letters, digits, dots and dashes, e.g. ngo-a')
      .optional(),
    /** How often the trusted peers with a URL are fetched, e.g. 15m. */
    SHARE_FETCH_INTERVAL: z
      .string()
      .superRefine((text, ctx) => {
        try {
          parseDuration(text);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      })
      .default('15m'),
    /** Image-hash banks offered to peers on the pull endpoint. */
    SHARE_FEED_BANKS: list,
    /** Offer the latest published keyword-library version to peers. */
    SHARE_FEED_KEYWORDS: z.stringbool().default(true),
    /** Offer the candidate terms mined here (counts only, never examples); off unless set. */
    SHARE_FEED_CANDIDATES: z.stringbool().default(false),
    /** Removals of the last N days are offered as signals; items live that long on receivers. */
    SHARE_FEED_DAYS: z.coerce.number().int().min(1).max(3650).default(180),

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
    LLM_MODEL: name.default('gpt-4o-mini'),
    ...llmTuningShape,

    // Image detection on listings with photos: hash banks always; OCR unless turned off; a classifier if given
    IMAGE_OCR: z.stringbool().default(true),
    /** Only for closed deployments and tests: lets image intake reach private and loopback addresses. */
    IMAGE_FETCH_ALLOW_PRIVATE: z.stringbool().default(false),
    IMAGE_CLASSIFIER_MODEL: readableFile.optional(),
    IMAGE_CLASSIFIER_LABELS: readableFile.optional(),
  })
  // Pairs of variables, checked even when single variables failed, so one message lists everything.
  .refine((c) => !(c?.COALITION_HASH_KEY && c.COALITION_HASH_KEY_FILE), {
    path: ['COALITION_HASH_KEY_FILE'],
    message: 'set COALITION_HASH_KEY or COALITION_HASH_KEY_FILE, not both',
    when: () => true,
  })
  .refine((c) => !c?.SHARE_ORIGIN || c.SHARE_SIGNING_KEY_FILE, {
    path: ['SHARE_SIGNING_KEY_FILE'],
    message: 'SHARE_ORIGIN needs the signing key the peers trust (wild-sentinel share keygen)',
    when: () => true,
  })
  .refine((c) => !c?.IMAGE_CLASSIFIER_MODEL === !c?.IMAGE_CLASSIFIER_LABELS, {
    path: ['IMAGE_CLASSIFIER_LABELS'],
    message: 'IMAGE_CLASSIFIER_MODEL and IMAGE_CLASSIFIER_LABELS go together',
    when: () => true,
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
  'CAMPAIGN_API_TOKEN',
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
