// Slack mrkdwn treats &, < and > as control characters: <!channel>, <@U123> and <url|text> are mentions
// and links. Escaping them (https://api.slack.com/reference/surfaces/formatting#escaping) keeps untrusted
// listing text inert on a card.
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link whose URL cannot break out of Slack's <url|label> syntax. */
export function mrkdwnLink(url: string, label: string): string {
  const safeUrl = url.replace(/[<>|\s]/g, encodeURIComponent);
  return `<${safeUrl}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
