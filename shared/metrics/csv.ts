// The metrics as CSV: one row per figure (section, key, measure, value), easy to pivot in a spreadsheet.
import type { Metrics } from './index.ts';

/** Quotes a field, and defuses spreadsheet formulas (a leading = + - @). */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function metricsToCsv(m: Metrics): string {
  const rows: unknown[][] = [['section', 'key', 'measure', 'value']];
  const push = (section: string, key: string, values: object) => {
    for (const [measure, value] of Object.entries(values)) {
      if (value === null || typeof value !== 'object') rows.push([section, key, measure, value]);
    }
  };
  push('period', 'filters', m.filters);
  push('freshness', 'as_of', m.freshness);
  push('totals', 'all', m.totals);
  push('previous_period', 'filters', { from: m.previous.from, to: m.previous.to });
  push('previous_period', 'totals', m.previous.totals);
  for (const b of m.byPlatform) push('platform', b.key, b.counts);
  for (const b of m.bySpecies) push('species', b.key, b.counts);
  for (const b of m.byLanguage) push('language', b.key, b.counts);
  for (const b of m.series) push(`series:${m.bucket}`, b.key, b.counts);
  push('time_to_takedown', 'from_ingest', m.timeToTakedown.fromIngest);
  push('time_to_takedown', 'from_first_report', m.timeToTakedown.fromFirstReport);
  for (const r of m.reviewers) push('reviewer', r.reviewer, { ...r, reviewer: undefined });
  for (const r of m.rejectionReasons)
    push('rejection_reason', r.reason ?? 'none', { rejections: r.rejections });
  push('review_quality', 'all', m.reviewQuality);
  push('volunteers', 'all', m.volunteers);
  push('keyword_library', 'all', { ...m.keywordLibrary, versions: undefined });
  for (const t of m.topTerms)
    push('top_term', t.term, { kind: t.kind, species: t.species, listings: t.listings });
  push('campaigns', 'all', { ...m.campaigns, byChannel: undefined });
  push('relisting', 'all', m.relisting);
  return `${rows
    .filter((r) => r[3] !== undefined)
    .map((r) => r.map(csvField).join(','))
    .join('\r\n')}\r\n`;
}
