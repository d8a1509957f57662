// Slack mrkdwn treats &, < and > as control characters: <!channel>, <@U123> and <url|text> are mentions
// and links. Escaping them (https://api.slack.com/reference/surfaces/formatting#escaping) keeps untrusted
// listing text inert on a card.
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Slack has no escape for its formatting characters: someone's `*bold*`, `_it_`, `~x~` or `code` in a
// note would be rendered as formatting. Where such a character could open or close a span (at a word's
// edge), it becomes a same-width lookalike, so the text shows as typed and truncation never cuts an
// escape in two. Inside words (snake_case, URLs) nothing can format, so those are left alone.
const LOOKALIKE: Record<string, string> = { '*': '∗', _: '＿', '~': '∼', '`': 'ˋ' };

/** Untrusted text for a mrkdwn field: no mentions or links, and no formatting of its own. */
export function inertMrkdwn(text: string): string {
  return escapeMrkdwn(text).replace(
    /(?<![\p{L}\p{N}])[*_~`]|[*_~`](?![\p{L}\p{N}])/gu,
    (c) => LOOKALIKE[c] ?? c,
  );
}

/** A link whose URL cannot break out of Slack's <url|label> syntax. */
export function mrkdwnLink(url: string, label: string): string {
  const safeUrl = url.replace(/[<>|\s]/g, encodeURIComponent);
  return `<${safeUrl}|${inertMrkdwn(label).replace(/\|/g, '¦')}>`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
