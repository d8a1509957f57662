// The one rule every string from outside obeys, whatever else its field requires: no NUL (PostgreSQL text
// cannot store it, so it would fail deep inside a query as a 500) and no lone UTF-16 surrogate (it has no
// UTF-8 encoding, so it cannot be stored, hashed or sent on faithfully). Boundary schemas build their
// strings from `safeString()` so a bad value is a 400 naming the field, never an error further in.
import { z } from 'zod';

export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/** True when the string holds no NUL and no unpaired surrogate. */
export function isSafeText(s: string): boolean {
  // A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
  return !/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** z.string() that rejects NUL and lone surrogates; chain .min/.max/.regex/.trim as usual. */
export function safeString(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine(isSafeText, UNSAFE_TEXT_MESSAGE);
}

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Free text shown to people: safe, and without control characters other than tab and newlines. */
export function safeText() {
  return safeString().refine((s) => !CONTROL.test(s), 'must not contain control characters');
}

/** z.url() accepts NUL and lone surrogates in the path; boundary URLs go through this instead. */
export function safeUrl(params?: Parameters<typeof z.url>[0]) {
  return z.url(params).refine(isSafeText, UNSAFE_TEXT_MESSAGE);
}
