// The weekly digest's lines on the library: the noisiest terms (most rejected flags) and the most productive
// (most confirmed listings, with the missed ones volunteers found), from term performance.
import { escapeSlack } from '../campaigns/channels/escape.ts';
import type { TermPerformance } from './performance.ts';
import { noisiestAndProductive } from './performance.ts';

const pct = (p: number | null) => (p === null ? '–' : `${Math.round(p * 100)}%`);
const name = (r: TermPerformance) => `“${escapeSlack(r.term)}” (${escapeSlack(r.language)})`;

export function termDigestLines(rows: readonly TermPerformance[], limit = 3): string[] {
  const { noisiest, productive } = noisiestAndProductive(rows, limit);
  return [
    noisiest.length
      ? `• Noisiest terms: ${noisiest.map((r) => `${name(r)} ${r.rejected} rejected, precision ${pct(r.precision)}`).join('; ')}`
      : '• No term brought rejected flags this week',
    productive.length
      ? `• Most productive terms: ${productive.map((r) => `${name(r)} ${r.confirmed} confirmed${r.missed ? ` + ${r.missed} missed` : ''}`).join('; ')}`
      : '• No term led to a confirmed case this week',
  ];
}
