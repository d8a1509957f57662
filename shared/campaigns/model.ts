// The campaign model: what a comms team plans for a wildlife day, validated with zod at every boundary.
import { z } from 'zod';
import { safeString, safeText, safeUrl } from '../text.ts';
import { findWildlifeDay } from './calendar.ts';
import { isValidTimeZone } from './time.ts';

export const PLATFORMS = ['slack', 'discord', 'telegram'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const CAMPAIGN_STATUSES = [
  'draft',
  'pending_approval',
  'changes_requested',
  'approved',
  'scheduled',
  'sent',
  'cancelled',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** BCP 47 language tags as used here: "en", "zh-Hans", "pt-BR". */
export const languageSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en, fr or zh-Hans');

export const timeZoneSchema = z
  .string()
  .refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/London' });

/** Local wall-clock time, HH:MM or HH:MM:SS. */
export const localTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be a local time such as 09:00');

export const isoDateSchema = z.iso.date();

export const slackUserIdSchema = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id');

const TARGET_RULES: Record<Platform, { pattern: RegExp; hint: string }> = {
  slack: { pattern: /^[CGD][A-Z0-9]{2,}$/, hint: 'a Slack channel id such as C0123ABCD' },
  discord: { pattern: /^\d{17,20}$/, hint: 'a Discord channel id (a snowflake such as 1234567890123456789)' },
  telegram: {
    pattern: /^(-?\d{1,16}|@[A-Za-z][A-Za-z0-9_]{4,31})$/,
    hint: 'a Telegram chat id such as -1001234567890 or a public @channelname',
  },
};

export const audienceSchema = z
  .object({
    platform: z.enum(PLATFORMS),
    /** Slack channel id, Discord channel id, Telegram chat id or @channel. */
    target: safeString().trim(),
    timeZone: timeZoneSchema,
    language: languageSchema,
    /** Overrides the campaign's send time for this audience. */
    sendTime: localTimeSchema.optional(),
    label: safeText().trim().max(80).optional(),
  })
  .superRefine((a, ctx) => {
    const rule = TARGET_RULES[a.platform];
    if (!rule.pattern.test(a.target)) {
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: `${a.platform} target must be ${rule.hint}`,
      });
    }
  });
export type Audience = z.infer<typeof audienceSchema>;

export const variantSchema = z.object({
  /**
   * At most Slack's 40,000; each audience's own platform limit (Discord 2,000, Telegram 4,096) is checked
   * per audience before approval. Telegram captions longer than 1,024 go as a separate message.
   */
  text: safeText().trim().min(1).max(40_000),
  imageUrl: safeUrl({ protocol: /^https?$/ }).optional(),
  imageAlt: safeText().trim().max(200).optional(),
});
export type Variant = z.infer<typeof variantSchema>;

/**
 * When a campaign posts: on (or N days before, a teaser) its wildlife day, this year only or every year
 * (approved again each year); on a fixed date; or as soon as a lead approves it.
 */
export const whenSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('day'),
    repeat: z.enum(['once', 'yearly']).default('once'),
    daysBefore: z.number().int().min(0).max(60).default(0),
  }),
  z.object({ kind: z.literal('date'), date: isoDateSchema }),
  z.object({ kind: z.literal('now') }),
]);
export type When = z.infer<typeof whenSchema>;
export const ON_THE_DAY: When = { kind: 'day', repeat: 'once', daysBefore: 0 };

/** Everything a comms lead edits: the day, who hears it, what it says, and when. */
export const campaignContentSchema = z
  .object({
    /** The wildlife day it is for; a post on a date or "now" may stand on its own. */
    dayId: z
      .string()
      .refine((id) => findWildlifeDay(id) !== undefined, { message: 'unknown wildlife day' })
      .optional(),
    name: safeText().trim().min(1).max(150),
    audiences: z.array(audienceSchema).min(1).max(50),
    /** Message per language tag. */
    variants: z.record(languageSchema, variantSchema),
    sendTime: localTimeSchema.default('09:00'),
    when: whenSchema.default(ON_THE_DAY),
    /** Slack channel that receives previews and the delivery summary. */
    reportChannel: z
      .string()
      .regex(/^[CGD][A-Z0-9]{2,}$/)
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.when.kind === 'day' && c.dayId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['dayId'],
        message: 'pick the wildlife day it is for, or post it on a date or now',
      });
    }
    const seen = new Set<string>();
    c.audiences.forEach((a, i) => {
      const key = audienceKey(a);
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['audiences', i], message: `duplicate audience ${key}` });
      seen.add(key);
      if (!variantFor(c, a.language)) {
        ctx.addIssue({
          code: 'custom',
          path: ['audiences', i, 'language'],
          message: `no message written in "${a.language}" for ${key}`,
        });
      }
    });
  });
export type CampaignContentInput = z.input<typeof campaignContentSchema>;
export type CampaignContent = z.infer<typeof campaignContentSchema>;

export const campaignIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{2,80}$/, 'must be a lowercase slug');

export interface Campaign extends CampaignContent {
  id: string;
  status: CampaignStatus;
  /** Bumped on every edit; an approval covers exactly one revision. */
  revision: number;
  approvedRevision: number | null;
  approvedBy: string | null;
  /** The occurrence the approval is for: a yearly campaign is approved again each year. */
  approvedOccurrence: string | null;
  /** Slack user ids of the comms leads allowed to approve. */
  approvers: string[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** "3 days before the day (teaser), every year", "on 2027-01-15", "as soon as approved". */
export function describeWhen(when: When): string {
  if (when.kind === 'now') return 'as soon as a lead approves';
  if (when.kind === 'date') return `on ${when.date}`;
  const at =
    when.daysBefore === 0
      ? 'on the day'
      : `${when.daysBefore} day${when.daysBefore === 1 ? '' : 's'} before the day (teaser)`;
  return `${at}, ${when.repeat === 'yearly' ? 'every year (approved again each year)' : 'this year only'}`;
}

export function isApproved(c: Pick<Campaign, 'revision' | 'approvedRevision'>): boolean {
  return c.approvedRevision === c.revision;
}

export function audienceKey(a: Pick<Audience, 'platform' | 'target'>): string {
  return `${a.platform}:${a.target}`;
}

/** The variant an audience receives: its own language, else the base language ("pt" for "pt-BR"). */
export function variantFor(
  content: Pick<CampaignContent, 'variants'>,
  language: string,
): Variant | undefined {
  return content.variants[language] ?? content.variants[language.split('-')[0]!];
}
