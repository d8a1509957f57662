// Campaign text is plain text written by people: escape it for each platform's markup so it shows as
// written and cannot mention @everyone, ping users or break the message's formatting.

/** Slack mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Telegram's HTML parse mode (https://core.telegram.org/bots/api#html-style). */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Discord markdown: backslash-escape formatting characters outside URLs (so links stay clickable).
 * Mentions are neutralised separately with `allowed_mentions: { parse: [] }`.
 */
export function escapeDiscord(text: string): string {
  return text
    .split(/(https?:\/\/\S+)/g)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(/([\\*_~`|>#[\]()-])/g, '\\$1').replace(/@/g, '@\u200b'),
    )
    .join('');
}
