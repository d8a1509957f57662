// A volunteer's message as phones send it: a share sheet puts words before and after the link
// ("look at this https://shop.example/item/1002 ivory bangle"). The first web link is the listing; the
// words around it are kept as the volunteer's note, never glued into the link.

/** A message entity as Telegram sends it (offsets and lengths count UTF-16 units, as JS strings do). */
export interface TextEntity {
  type: string;
  offset: number;
  length: number;
  /** The target of a `text_link` (a word that links somewhere). */
  url?: string;
}

export interface LinkInText {
  url: string;
  /** What the message said besides the link, tidied; '' when nothing. */
  rest: string;
}

/** Up to a space, a quote, a bracket of markup, or CJK and full-width punctuation ("…1002，象牙手镯"). */
const WEB_LINK = /\bhttps?:\/\/[^\s<>"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/i;
/** Sentence punctuation that follows a link in prose but is not part of it. */
const TRAILING_PUNCTUATION = /[.,;:!?»"'’”…]+$/;

function withoutTrailingPunctuation(url: string): string {
  let out = url.replace(TRAILING_PUNCTUATION, '');
  // A closing bracket belongs to the link only when the link opened one: "(see https://x.example/a)".
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
  ] as const) {
    while (out.endsWith(close) && out.split(open).length < out.split(close).length) {
      out = out.slice(0, -1).replace(TRAILING_PUNCTUATION, '');
    }
  }
  return out;
}

/** The message without the link and the punctuation right after it; punctuation left alone is no note. */
function remove(text: string, start: number, length: number): string {
  const after = text.slice(start + length).replace(/^[.,;:!?…]+/, '');
  const rest = `${text.slice(0, start)} ${after}`.replace(/\s+/g, ' ').trim();
  return /^[\p{P}\s]*$/u.test(rest) ? '' : rest;
}

/**
 * The first web link in a message (from Telegram's entities when given, else from the text) and the rest
 * of the message. A message that is one bare address ("shop.example/item/1") is taken whole, as typed.
 * `strict` leaves that last case out: outside a dialog, only a real link starts a report.
 */
export function findLink(
  text: string,
  entities: readonly TextEntity[] = [],
  options: { strict?: boolean } = {},
): LinkInText | undefined {
  for (const e of entities) {
    if (e.type === 'text_link' && e.url) return { url: e.url, rest: text.replace(/\s+/g, ' ').trim() };
    if (e.type === 'url') {
      const url = withoutTrailingPunctuation(text.slice(e.offset, e.offset + e.length));
      return { url, rest: remove(text, e.offset, url.length) };
    }
  }
  const match = WEB_LINK.exec(text);
  if (match) {
    const url = withoutTrailingPunctuation(match[0]);
    return { url, rest: remove(text, match.index, url.length) };
  }
  const whole = text.trim();
  if (!options.strict && whole !== '' && !/\s/.test(whole)) return { url: whole, rest: '' };
  return undefined;
}
