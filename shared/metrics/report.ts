// The progress report for any period, shaped like the Coalition's updates: headline totals (for the period
// and cumulative), per-company highlights, volunteers, campaigns, library and speed. Rendered as Markdown
// and as a self-contained HTML page; every value from the data is escaped for its format.
import type { Queryable } from '../db/pool.ts';
import type { MetricsFilters } from './filters.ts';
import { computeMetrics, type Metrics } from './index.ts';
import { type Totals, totals } from './listings.ts';

export interface CompanyHighlight {
  platformId: string;
  name: string;
  removedOrBlocked: number;
  flagged: number;
  screened: number;
  medianHoursToTakedown: number | null;
  topSpecies: { species: string; removed: number }[];
}

export interface ProgressReport {
  metrics: Metrics;
  /** Everything up to the end of the period, since the first stored event. */
  cumulative: Totals;
  companies: CompanyHighlight[];
  generatedAt: string;
  /** Sections computed above this layer (library growth, which reads the library), after the others. */
  extraSections?: ReportSection[];
}

export async function buildProgressReport(db: Queryable, f: MetricsFilters): Promise<ProgressReport> {
  const [metrics, cumulative, platforms] = await Promise.all([
    computeMetrics(db, f),
    totals(db, { ...f, from: new Date(0) }),
    db.query<{ id: string; name: string }>('SELECT id, name FROM platforms ORDER BY id'),
  ]);
  const active = platforms.rows.filter(
    (p) => (!f.platform || p.id === f.platform) && metrics.byPlatform.some((b) => b.key === p.id),
  );
  const companies = await Promise.all(
    active.map(async (p) => {
      const m = await computeMetrics(db, { ...f, platform: p.id });
      return {
        platformId: p.id,
        name: p.name,
        removedOrBlocked: m.totals.removedOrBlocked,
        flagged: m.totals.flagged,
        screened: m.totals.screened,
        medianHoursToTakedown: m.timeToTakedown.fromIngest.medianHours,
        topSpecies: m.bySpecies
          .filter((s) => s.counts.removed > 0)
          .sort((a, b) => b.counts.removed - a.counts.removed)
          .slice(0, 3)
          .map((s) => ({ species: s.key, removed: s.counts.removed })),
      };
    }),
  );
  companies.sort(
    (a, b) => b.removedOrBlocked - a.removedOrBlocked || a.platformId.localeCompare(b.platformId),
  );
  return { metrics, cumulative, companies, generatedAt: new Date().toISOString() };
}

const n = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toLocaleString('en'));
const pct = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)}%`);
const day = (iso: string) => iso.slice(0, 10);
/** The last day a period [from, to) includes: a period ending at midnight ends the day before. */
const lastDay = (isoTo: string) => day(new Date(Date.parse(isoTo) - 1).toISOString());

/**
 * Plain text for Markdown: backslash-escapes the characters that format inline text, start links, HTML or
 * GFM table cells, and a block marker (#, >, -, +, "1.") at the start.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_{}[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#>+-])/, '$1\\$2')
    .replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3');
}

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface ReportSection {
  title: string;
  paragraphs?: string[];
  table?: { head: string[]; rows: string[][] };
}
type Section = ReportSection;

/** The report's content once, as plain strings; the renderers escape and lay it out. */
function sections(r: ProgressReport): { title: string; headline: string; sections: Section[] } {
  const m = r.metrics;
  const t = m.totals;
  const scope = [
    m.filters.platform && `platform ${m.filters.platform}`,
    m.filters.species && `species ${m.filters.species}`,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    title: `Wild Sentinel progress report, ${day(m.filters.from)} to ${lastDay(m.filters.to)} (both included)${scope ? `, ${scope}` : ''}`,
    headline: `${n(t.removedOrBlocked)} prohibited wildlife listings removed or blocked in the period; ${n(r.cumulative.removedOrBlocked)} in total to ${lastDay(m.filters.to)}.`,
    sections: [
      {
        title: 'Totals',
        table: {
          head: ['Measure', 'Period', 'Cumulative'],
          rows: [
            ['Listings screened', n(t.screened), n(r.cumulative.screened)],
            ['Listings flagged', n(t.flagged), n(r.cumulative.flagged)],
            ['Listings removed', n(t.removed), n(r.cumulative.removed)],
            ['Listings blocked', n(t.blocked), n(r.cumulative.blocked)],
            ['Removed or blocked', n(t.removedOrBlocked), n(r.cumulative.removedOrBlocked)],
            ['Seller accounts warned', n(t.accountsWarned), n(r.cumulative.accountsWarned)],
            ['Seller accounts suspended', n(t.accountsSuspended), n(r.cumulative.accountsSuspended)],
            ['Listings restored on appeal or undo', n(t.restored), n(r.cumulative.restored)],
          ],
        },
      },
      {
        title: 'Company highlights',
        paragraphs: r.companies.length
          ? r.companies.map(
              (c) =>
                `${c.name} removed or blocked ${n(c.removedOrBlocked)} listings (${n(c.flagged)} flagged of ${n(c.screened)} screened)` +
                `${c.medianHoursToTakedown === null ? '' : `, median ${n(c.medianHoursToTakedown)} hours to takedown`}` +
                `${c.topSpecies.length ? `; most removed: ${c.topSpecies.map((s) => `${s.species} (${n(s.removed)})`).join(', ')}` : ''}.`,
            )
          : ['No platform activity in the period.'],
      },
      {
        title: 'Species',
        table: {
          head: ['Species', 'Flagged', 'Blocked', 'Removed'],
          rows: m.bySpecies.map((s) => [
            s.key,
            n(s.counts.flagged),
            n(s.counts.blocked),
            n(s.counts.removed),
          ]),
        },
      },
      {
        title: 'Speed and quality',
        paragraphs: [
          `Time to takedown from ingest: median ${n(m.timeToTakedown.fromIngest.medianHours)} h, p90 ${n(m.timeToTakedown.fromIngest.p90Hours)} h over ${n(m.timeToTakedown.fromIngest.count)} takedowns; from the first volunteer report: median ${n(m.timeToTakedown.fromFirstReport.medianHours)} h, p90 ${n(m.timeToTakedown.fromFirstReport.p90Hours)} h.`,
          `Reviewer agreement ${pct(m.reviewQuality.agreementRate)} on ${n(m.reviewQuality.casesWithTwoReviewers)} doubly reviewed cases; ${n(m.reviewQuality.appealsDecided)} appeals decided, reversal rate ${pct(m.reviewQuality.reversalRate)}.`,
          `Re-listing: ${n(m.relisting.relisted)} of ${n(m.relisting.removed)} removed listings reappeared (${pct(m.relisting.rate)}).`,
        ],
      },
      {
        title: 'Volunteers (Cyber Spotters)',
        paragraphs: [
          `${n(m.volunteers.active)} volunteers sent ${n(m.volunteers.reports)} reports; ${n(m.volunteers.confirmed)} confirmed and ${n(m.volunteers.rejected)} rejected (accuracy ${pct(m.volunteers.accuracy)}). ${n(m.volunteers.registered)} volunteers registered.`,
        ],
      },
      {
        title: 'Awareness campaigns',
        paragraphs: [
          `${n(m.campaigns.campaigns)} campaigns delivered ${n(m.campaigns.sent)} messages (${n(m.campaigns.failed)} failed, ${n(m.campaigns.missed)} missed)${m.campaigns.byChannel.length ? `: ${m.campaigns.byChannel.map((c) => `${c.platform} ${n(c.sent)}`).join(', ')}` : ''}.`,
        ],
      },
      {
        title: 'Keyword library',
        paragraphs: [
          `${n(m.keywordLibrary.entriesAtEnd)} entries at the end of the period (${m.keywordLibrary.added >= 0 ? '+' : ''}${n(m.keywordLibrary.added)}), ${n(m.keywordLibrary.versions.length)} versions published.`,
        ],
        table: {
          head: ['Term', 'Kind', 'Species', 'Listings caught'],
          rows: m.topTerms.slice(0, 10).map((x) => [x.term, x.kind, x.species ?? '', n(x.listings)]),
        },
      },
      ...(r.extraSections ?? []),
    ],
  };
}

export function renderMarkdown(r: ProgressReport): string {
  const s = sections(r);
  const out = [`# ${escapeMarkdown(s.title)}`, '', `**${escapeMarkdown(s.headline)}**`, ''];
  for (const sec of s.sections) {
    out.push(`## ${escapeMarkdown(sec.title)}`, '');
    for (const p of sec.paragraphs ?? []) out.push(escapeMarkdown(p), '');
    if (sec.table?.rows.length) {
      out.push(
        `| ${sec.table.head.map(escapeMarkdown).join(' | ')} |`,
        `|${sec.table.head.map(() => ' --- ').join('|')}|`,
      );
      for (const row of sec.table.rows) out.push(`| ${row.map(escapeMarkdown).join(' | ')} |`);
      out.push('');
    }
  }
  out.push(`_Generated ${escapeMarkdown(r.generatedAt)} from stored events._`, '');
  return out.join('\n');
}

export function renderHtml(r: ProgressReport): string {
  const s = sections(r);
  const body = s.sections
    .map((sec) => {
      const paragraphs = (sec.paragraphs ?? []).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
      const table = sec.table?.rows.length
        ? `<table><thead><tr>${sec.table.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${sec.table.rows
            .map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
            .join('')}</tbody></table>`
        : '';
      return `<section><h2>${escapeHtml(sec.title)}</h2>\n${paragraphs}\n${table}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(s.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:900px;margin:2em auto;color:#1d2a22}
h1{color:#1f4d36}.headline{font-size:1.3em;font-weight:600}table{border-collapse:collapse;margin:.5em 0}
th,td{border-bottom:1px solid #dde5e0;padding:4px 10px;text-align:left}td:not(:first-child){text-align:right}</style>
</head><body>
<h1>${escapeHtml(s.title)}</h1>
<p class="headline">${escapeHtml(s.headline)}</p>
${body}
<footer><small>Generated ${escapeHtml(r.generatedAt)} from stored events.</small></footer>
</body></html>
`;
}
