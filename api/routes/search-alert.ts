// GET /v1/search-alert?q=…&lang=…: should this search show an educational pop-up? Pure and synchronous,
// answered from the active keyword library (hot-reloaded), like Instagram's and Facebook's interstitials:
// a product, code word or hashtag of the library, a live-traded species, or a species name next to a
// commerce word ("tiger + buy").
import { z } from 'zod';
import { getActiveLibrary, matchText } from '../../detectors/text/index.ts';
import type { Entry } from '../../keywords/schema.ts';
import { safeString } from '../../shared/text.ts';

export const MAX_QUERY_LENGTH = 200;

const querySchema = z.object({
  q: safeString({ error: 'q is required' })
    .trim()
    .min(1, 'q must not be empty')
    .max(MAX_QUERY_LENGTH, `q must be at most ${MAX_QUERY_LENGTH} characters`)
    .refine((s) => !/[\u0000-\u001F\u007F]/.test(s), 'q must not contain control characters'),
  lang: safeString()
    .regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'lang must be a BCP 47 tag like en or zh-Hant')
    .optional(),
});

export interface SearchAlertBody {
  alert: boolean;
  message?: { language: string; title: string; body: string };
  matched: { term: string; kind: string; language: string; species?: string }[];
  libraryVersion: string;
}

function triggers(entries: readonly Entry[], liveSpecies: (key: string) => boolean): boolean {
  const commerce = entries.some(
    (e) => e.kind === 'sale' || (e.kind === 'product' && e.species === undefined),
  );
  return entries.some((e) => {
    if (e.kind === 'hashtag') return true;
    if (e.kind === 'product' || e.kind === 'code') return e.species !== undefined && e.fpRisk !== 'high';
    if (e.kind === 'species') {
      if (e.fpRisk === 'high') return commerce;
      return commerce || (e.species !== undefined && liveSpecies(e.species));
    }
    return false;
  });
}

export function searchAlert(query: URLSearchParams): { status: number; body: unknown } {
  const parsed = querySchema.safeParse({
    q: query.get('q') ?? undefined,
    lang: query.get('lang') ?? undefined,
  });
  if (!parsed.success) {
    return {
      status: 400,
      body: {
        error: 'invalid_query',
        issues: parsed.error.issues.map((i) => i.message),
        details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    };
  }
  const { q, lang } = parsed.data;
  const lib = getActiveLibrary();
  const hits = matchText(lib, q, lang);
  const entries = hits.map((h) => h.entry);
  const negated = entries.some((e) => e.kind === 'negative');
  const alert = !negated && triggers(entries, (key) => lib.species.get(key)?.liveTrade === true);
  const body: SearchAlertBody = {
    alert,
    matched: entries
      .filter((e) => e.kind !== 'negative' || !alert)
      .map((e) => ({
        term: e.term,
        kind: e.kind,
        language: e.language,
        ...(e.species ? { species: e.species } : {}),
      })),
    libraryVersion: lib.version,
  };
  if (alert) {
    const messages = lib.library.alertMessages;
    const wanted = [lang, lang?.split('-')[0], entries.find((e) => e.kind !== 'sale')?.language, 'en'];
    const language = wanted.find((l): l is string => l !== undefined && messages[l] !== undefined) ?? 'en';
    const message = messages[language];
    if (message) body.message = { language, ...message };
  }
  return { status: 200, body };
}
