// Which screened listings the harmless-sentence property tests hold to their verdict.
import type { screenWith } from '../../../detectors/text/index.ts';

const WORDLESS = /^\p{Extended_Pictographic}+$/u;

/**
 * Flagged, and by a word. A listing flagged only by an animal emoji beside a trade word (dev2-sw-14, "...picha
 * kwa WhatsApp tu 🐘") is left out: an imitation word joined right after the emoji ("🐘 Nachbildung") qualifies
 * it, as it must in "🐘 elephant plush toy" and "🐯 Tiger Balm". A known limit, named in the closing notes.
 */
export function flaggedByWords(result: ReturnType<typeof screenWith>): boolean {
  const wildlife = result.evidence.filter((e) => e.kind !== 'sale' && e.kind !== 'negative');
  const emoji = new Set(wildlife.filter((e) => WORDLESS.test(e.term)).map((e) => `${e.field}:${e.start}`));
  return result.verdict !== 'allow' && !wildlife.every((e) => emoji.has(`${e.field}:${e.start}`));
}
