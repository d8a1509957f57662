// How long a campaign message is on each platform, counted the way the platform counts it after our
// escaping, so a post that would be rejected is refused before approval instead of failing at send time.
import {
  audienceKey,
  type CampaignContent,
  type Platform,
  variantFor,
} from '../../../shared/campaigns/model.ts';
import { escapeDiscord, escapeSlack } from './escape.ts';

/** Message text limits: Slack chat.postMessage, Discord message content, Telegram sendMessage. */
export const TEXT_LIMITS: Record<Platform, number> = { slack: 40_000, discord: 2_000, telegram: 4_096 };

const LABEL: Record<Platform, string> = { slack: 'Slack', discord: 'Discord', telegram: 'Telegram' };

/**
 * Slack and Discord count the escaped text we send; Telegram counts the text after parsing its HTML
 * entities, which is the text as written.
 */
export function sentLength(platform: Platform, text: string): number {
  if (platform === 'slack') return escapeSlack(text).length; // the message text; sections split at 3,000
  if (platform === 'discord') return escapeDiscord(text).length;
  return text.length;
}

export interface LengthProblem {
  language: string;
  platform: Platform;
  audienceKey: string;
  length: number;
  limit: number;
}

/** One problem per language and platform whose message is too long for an audience that receives it. */
export function lengthProblems(content: Pick<CampaignContent, 'audiences' | 'variants'>): LengthProblem[] {
  const problems = new Map<string, LengthProblem>();
  for (const a of content.audiences) {
    const variant = variantFor(content, a.language);
    if (!variant) continue;
    const language = content.variants[a.language] ? a.language : a.language.split('-')[0]!;
    const key = `${language}/${a.platform}`;
    const length = sentLength(a.platform, variant.text);
    const limit = TEXT_LIMITS[a.platform];
    if (length > limit && !problems.has(key)) {
      problems.set(key, { language, platform: a.platform, audienceKey: audienceKey(a), length, limit });
    }
  }
  return [...problems.values()];
}

const n = (x: number) => x.toLocaleString('en-US');

/** "[fr] is 2,143 characters on Discord after escaping (limit 2,000): shorten it by 143 characters" */
export function describeLengthProblem(p: LengthProblem): string {
  const counted = p.platform === 'telegram' ? '' : ' after escaping';
  return `[${p.language}] is ${n(p.length)} characters on ${LABEL[p.platform]}${counted} (limit ${n(p.limit)}, for ${p.audienceKey}): shorten it by ${n(p.length - p.limit)} character${p.length - p.limit === 1 ? '' : 's'}`;
}
