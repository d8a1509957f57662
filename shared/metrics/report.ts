// The progress report for any period, shaped like the Coalition's updates: headline totals (the period, the
// previous period of the same length, cumulative), per-company and per-species tables with display names,
// volunteers, campaigns, library and speed. Rendered as Markdown and as a self-contained HTML page; every value
// from the data is escaped for its format. Each section is its own function over the same ProgressReport, and
// names the queries its numbers come from: `--explain` appends them (SQL and parameters).
import type { Queryable } from '../db/pool.ts';
import type { MetricsFilters } from './filters.ts';
import { computeMetrics, type Metrics } from './index.ts';
import { bySpecies, type Totals, totals } from './listings.ts';
import type { SpeciesCatalogue } from './names.ts';
import { timeToTakedown } from './timing.ts';
import { type TracedQuery, traced } from './trace.ts';

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
  /** Display names of the platform ids and species keys shown. */
  names: { platforms: Record<string, string>; species: Record<string, string> };
  generatedAt: string;
  /** Sections computed above this layer (library growth, which reads the library), after the others. */
  extraSections?: Section[];
  /** With `explain`: every query run, under the label the sections cite. */
  queries?: TracedQuery[];
}

export interface ReportOptions {
  species?: SpeciesCatalogue;
  /** Record the queries, so that the rendered report shows them. */
  explain?: boolean;
}

const companyLabel = (id: string) => `company ${id}`;

async function company(
  db: Queryable,
  f: MetricsFilters,
  p: { id: string; name: string },
  log: TracedQuery[] | undefined,
): Promise<CompanyHighlight> {
  const q = traced(db, companyLabel(p.id), log);
  const only = { ...f, platform: p.id };
  const [t, ttt, species] = await Promise.all([totals(q, only), timeToTakedown(q, only), bySpecies(q, only)]);
  return {
    platformId: p.id,
    name: p.name,
    removedOrBlocked: t.removedOrBlocked,
    flagged: t.flagged,
    screened: t.screened,
    medianHoursToTakedown: ttt.fromIngest.medianHours,
    topSpecies: species
      .filter((s) => s.counts.removed > 0)
      .sort((a, b) => b.counts.removed - a.counts.removed || a.key.localeCompare(b.key))
      .slice(0, 3)
      .map((s) => ({ species: s.key, removed: s.counts.removed })),
  };
}

export async function buildProgressReport(
  db: Queryable,
  f: MetricsFilters,
  options: ReportOptions = {},
): Promise<ProgressReport> {
  const log = options.explain ? [] : undefined;
  const [metrics, cumulative, platforms] = await Promise.all([
    computeMetrics(db, f, log),
    totals(traced(db, 'cumulative totals', log), { ...f, from: new Date(0) }),
    db.query<{ id: string; name: string }>('SELECT id, name FROM platforms ORDER BY id'),
  ]);
  const active = platforms.rows.filter(
    (p) => (!f.platform || p.id === f.platform) && metrics.byPlatform.some((b) => b.key === p.id),
  );
  const companies = await Promise.all(active.map((p) => company(db, f, p, log)));
  companies.sort(
    (a, b) => b.removedOrBlocked - a.removedOrBlocked || a.platformId.localeCompare(b.platformId),
  );
  const speciesKeys = new Set([
    ...metrics.bySpecies.map((s) => s.key),
    ...companies.flatMap((c) => c.topSpecies.map((s) => s.species)),
    ...metrics.topTerms.flatMap((t) => (t.species ? [t.species] : [])),
    ...(f.species ? [f.species] : []),
  ]);
  return {
    metrics,
    cumulative,
    companies,
    names: {
      platforms: Object.fromEntries(platforms.rows.map((p) => [p.id, p.name])),
      species: Object.fromEntries([...speciesKeys].map((k) => [k, options.species?.label(k) ?? k])),
    },
    generatedAt: new Date().toISOString(),
    ...(log ? { queries: log } : {}),
  };
}

const n = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toLocaleString('en'));
const pct = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)}%`);
const day = (iso: string) => iso.slice(0, 10);
/** The last day a period [from, to) includes: a period ending at midnight ends the day before. */
const lastDay = (isoTo: string) => day(new Date(Date.parse(isoTo) - 1).toISOString());

/** A duration in hours as people read it: minutes under an hour, hours under two days, then days. */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return '–';
  if (hours < 1) return hours * 60 < 1 ? 'under 1 min' : `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Number(hours.toFixed(1)).toLocaleString('en')} h`;
  return `${Number((hours / 24).toFixed(1)).toLocaleString('en')} days`;
}

/** The change from the previous period: "+3 (+12.5%)", "−2 (−40.0%)", "no change", or "new" from zero. */
export function change(now: number, before: number): string {
  if (now === before) return 'no change';
  const sign = now > before ? '+' : '−';
  const diff = `${sign}${n(Math.abs(now - before))}`;
  return before === 0
    ? `${diff} (new)`
    : `${diff} (${sign}${((Math.abs(now - before) / before) * 100).toFixed(1)}%)`;
}

/** Plain text inside a line of Markdown (a table cell): backslash-escapes what formats inline text. */
function escapeInline(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/[\\`*_{}[\]<>|~]/g, (c) => `\\${c}`);
}

/**
 * Plain text for Markdown: backslash-escapes the characters that format inline text, start links, HTML or
 * GFM table cells, and a block marker (#, >, -, +, "1.") at the start.
 */
export function escapeMarkdown(s: string): string {
  return escapeInline(s)
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

/** A table column: numbers align right, text left. */
export interface Column {
  head: string;
  numeric?: boolean;
}

export interface Section {
  title: string;
  paragraphs?: string[];
  table?: { columns: Column[]; rows: string[][] };
  /** The query labels (TracedQuery.label) its numbers come from. */
  sources: string[];
}

const col = (head: string, numeric = false): Column => ({ head, numeric });
const speciesName = (r: ProgressReport, key: string) => r.names.species[key] ?? key;

function periodSection(r: ProgressReport): Section {
  const m = r.metrics;
  return {
    title: 'Period',
    paragraphs: [
      `From ${day(m.filters.from)} to ${lastDay(m.filters.to)}, both days included (UTC), compared with the previous period of the same length, ${day(m.previous.from)} to ${lastDay(m.previous.to)}. Cumulative figures count everything stored up to ${lastDay(m.filters.to)}.`,
      `Counts are live as of ${m.freshness.asOf.slice(0, 16).replace('T', ' ')} UTC; re-listing matches as of ${m.freshness.relistingAsOf ? `${m.freshness.relistingAsOf.slice(0, 16).replace('T', ' ')} UTC` : 'never (not computed yet)'} (recomputed every 15 minutes; the command "wild-sentinel metrics refresh" recomputes them now).`,
    ],
    sources: ['freshness'],
  };
}

function totalsSection(r: ProgressReport): Section {
  const t = r.metrics.totals;
  const p = r.metrics.previous.totals;
  const c = r.cumulative;
  const row = (label: string, get: (x: Totals) => number) => [
    label,
    n(get(t)),
    n(get(p)),
    change(get(t), get(p)),
    n(get(c)),
  ];
  return {
    title: 'Totals',
    paragraphs: [
      `Takedowns completed in the period: ${n(t.removed + t.restored)} (still removed: ${n(t.removed)}; restored on appeal or undo: ${n(t.restored)}). Removed or blocked counts each listing once.`,
    ],
    table: {
      columns: [
        col('Measure'),
        col('Period', true),
        col('Previous period', true),
        col('Change', true),
        col('Cumulative', true),
      ],
      rows: [
        row('Listings screened', (x) => x.screened),
        row('Listings flagged', (x) => x.flagged),
        row('Takedowns completed', (x) => x.removed + x.restored),
        row('Listings removed (still removed)', (x) => x.removed),
        row('Listings restored on appeal or undo', (x) => x.restored),
        row('Listings blocked', (x) => x.blocked),
        row('Removed or blocked', (x) => x.removedOrBlocked),
        row('Seller accounts warned', (x) => x.accountsWarned),
        row('Seller accounts suspended', (x) => x.accountsSuspended),
      ],
    },
    sources: ['totals', 'previous period: totals', 'cumulative totals'],
  };
}

function companiesSection(r: ProgressReport): Section {
  return {
    title: 'Companies',
    ...(r.companies.length ? {} : { paragraphs: ['No platform activity in the period.'] }),
    table: {
      columns: [
        col('Company'),
        col('Screened', true),
        col('Flagged', true),
        col('Removed or blocked', true),
        col('Median time to takedown', true),
        col('Most removed species'),
      ],
      rows: r.companies.map((c) => [
        c.name,
        n(c.screened),
        n(c.flagged),
        n(c.removedOrBlocked),
        formatHours(c.medianHoursToTakedown),
        c.topSpecies.map((s) => `${speciesName(r, s.species)} (${n(s.removed)})`).join(', '),
      ]),
    },
    sources: r.companies.map((c) => companyLabel(c.platformId)),
  };
}

function speciesSection(r: ProgressReport): Section {
  return {
    title: 'Species',
    ...(r.metrics.bySpecies.length ? {} : { paragraphs: ['No species named in the period.'] }),
    table: {
      columns: [col('Species'), col('Flagged', true), col('Blocked', true), col('Removed', true)],
      rows: r.metrics.bySpecies.map((s) => [
        speciesName(r, s.key),
        n(s.counts.flagged),
        n(s.counts.blocked),
        n(s.counts.removed),
      ]),
    },
    sources: ['per species'],
  };
}

function speedSection(r: ProgressReport): Section {
  const m = r.metrics;
  const ingest = m.timeToTakedown.fromIngest;
  const report = m.timeToTakedown.fromFirstReport;
  const before = m.previous.timeToTakedown.fromIngest;
  return {
    title: 'Speed and quality',
    paragraphs: [
      `Time to takedown from ingest, over the ${n(ingest.count)} takedowns completed in the period: median ${formatHours(ingest.medianHours)}, p90 ${formatHours(ingest.p90Hours)} (previous period: median ${formatHours(before.medianHours)} over ${n(before.count)}). From the first volunteer report, over ${n(report.count)} of them: median ${formatHours(report.medianHours)}, p90 ${formatHours(report.p90Hours)}.`,
      `Reviewer agreement ${pct(m.reviewQuality.agreementRate)} on ${n(m.reviewQuality.casesWithTwoReviewers)} cases decided by two reviewers or more (second approvals included); ${n(m.reviewQuality.appealsDecided)} appeals decided, ${n(m.reviewQuality.appealsRestored)} restored (reversal rate ${pct(m.reviewQuality.reversalRate)}).`,
      `Re-listing: ${n(m.relisting.relisted)} of the ${n(m.relisting.removed)} listings removed in the period reappeared (${pct(m.relisting.rate)}).`,
    ],
    sources: ['time to takedown', 'previous period: time to takedown', 'review quality', 're-listing'],
  };
}

function volunteersSection(r: ProgressReport): Section {
  const v = r.metrics.volunteers;
  return {
    title: 'Volunteers (Cyber Spotters)',
    paragraphs: [
      `${n(v.active)} volunteers sent ${n(v.reports)} reports; ${n(v.confirmed)} confirmed and ${n(v.rejected)} rejected (accuracy ${pct(v.accuracy)}). ${n(v.registered)} volunteers registered.`,
    ],
    sources: ['volunteers'],
  };
}

function campaignsSection(r: ProgressReport): Section {
  const c = r.metrics.campaigns;
  return {
    title: 'Awareness campaigns',
    paragraphs: [
      `${n(c.campaigns)} campaigns delivered ${n(c.sent)} messages (${n(c.failed)} failed, ${n(c.missed)} missed)${c.byChannel.length ? `: ${c.byChannel.map((x) => `${x.platform} ${n(x.sent)}`).join(', ')}` : ''}.`,
    ],
    sources: ['campaigns'],
  };
}

function librarySection(r: ProgressReport): Section {
  const k = r.metrics.keywordLibrary;
  return {
    title: 'Keyword library',
    paragraphs: [
      `${n(k.entriesAtEnd)} entries at the end of the period (${k.added >= 0 ? '+' : ''}${n(k.added)}), ${n(k.versions.length)} versions published.`,
    ],
    table: {
      columns: [col('Term'), col('Kind'), col('Species'), col('Listings caught', true)],
      rows: r.metrics.topTerms
        .slice(0, 10)
        .map((x) => [x.term, x.kind, x.species ? speciesName(r, x.species) : '', n(x.listings)]),
    },
    sources: ['library growth', 'top terms'],
  };
}

/** The report's sections in order; a new section is one more function here. */
export const REPORT_SECTIONS: ((r: ProgressReport) => Section)[] = [
  periodSection,
  totalsSection,
  companiesSection,
  speciesSection,
  speedSection,
  volunteersSection,
  campaignsSection,
  librarySection,
];

/** The report's content once, as plain strings; the renderers escape and lay it out. */
function content(r: ProgressReport): { title: string; headline: string; sections: Section[] } {
  const m = r.metrics;
  const t = m.totals;
  const scope = [
    m.filters.platform && `platform ${r.names.platforms[m.filters.platform] ?? m.filters.platform}`,
    m.filters.species && `species ${speciesName(r, m.filters.species)}`,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    title: `Wild Sentinel progress report, ${day(m.filters.from)} to ${lastDay(m.filters.to)} (both included)${scope ? `, ${scope}` : ''}`,
    headline: `${n(t.removedOrBlocked)} prohibited wildlife listings removed or blocked in the period (${change(t.removedOrBlocked, m.previous.totals.removedOrBlocked)} on the previous period); ${n(r.cumulative.removedOrBlocked)} in total to ${lastDay(m.filters.to)}.`,
    sections: [...REPORT_SECTIONS.map((section) => section(r)), ...(r.extraSections ?? [])],
  };
}

/** Query numbers per label, in the order they first ran: "Q3" in a section, "### Q3" in the appendix. */
function queryNumbers(r: ProgressReport): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const q of r.queries ?? []) if (!numbers.has(q.label)) numbers.set(q.label, numbers.size + 1);
  return numbers;
}

function sourceLine(r: ProgressReport, sec: Section, numbers: Map<string, number>): string | undefined {
  if (!r.queries) return undefined;
  const cited = sec.sources.filter((s) => numbers.has(s)).map((s) => `Q${numbers.get(s)} (${s})`);
  return cited.length ? `Source: ${cited.join(', ')}` : undefined;
}

const param = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null ? 'NULL' : String(v));

export function renderMarkdown(r: ProgressReport): string {
  const s = content(r);
  const numbers = queryNumbers(r);
  const out = [`# ${escapeMarkdown(s.title)}`, '', `**${escapeMarkdown(s.headline)}**`, ''];
  for (const sec of s.sections) {
    out.push(`## ${escapeMarkdown(sec.title)}`, '');
    for (const p of sec.paragraphs ?? []) out.push(escapeMarkdown(p), '');
    if (sec.table?.rows.length) {
      const cols = sec.table.columns;
      out.push(
        `| ${cols.map((c) => escapeInline(c.head)).join(' | ')} |`,
        `|${cols.map((c) => (c.numeric ? ' ---: ' : ' :--- ')).join('|')}|`,
      );
      for (const row of sec.table.rows) out.push(`| ${row.map(escapeInline).join(' | ')} |`);
      out.push('');
    }
    const source = sourceLine(r, sec, numbers);
    if (source) out.push(`_${escapeMarkdown(source)}_`, '');
  }
  if (r.queries) {
    out.push(
      '## Queries',
      '',
      'Every number above comes from these queries, run against the stored events.',
      '',
    );
    for (const [label, i] of numbers) {
      out.push(`### Q${i}: ${escapeMarkdown(label)}`, '');
      for (const q of r.queries.filter((x) => x.label === label)) {
        out.push('```sql', q.sql.trim(), '```', '');
        if (q.params.length)
          out.push(
            `Parameters: ${q.params.map((v, j) => `$${j + 1} = ${escapeMarkdown(param(v))}`).join(', ')}`,
            '',
          );
      }
    }
  }
  out.push(`_Generated ${escapeMarkdown(r.generatedAt)} from stored events._`, '');
  return out.join('\n');
}

export function renderHtml(r: ProgressReport): string {
  const s = content(r);
  const numbers = queryNumbers(r);
  const body = s.sections
    .map((sec) => {
      const paragraphs = (sec.paragraphs ?? []).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
      const cls = (c: Column) => (c.numeric ? ' class="num"' : '');
      const table = sec.table?.rows.length
        ? `<table><thead><tr>${sec.table.columns.map((c) => `<th${cls(c)}>${escapeHtml(c.head)}</th>`).join('')}</tr></thead><tbody>${sec.table.rows
            .map(
              (row) =>
                `<tr>${row.map((v, i) => `<td${cls(sec.table!.columns[i]!)}>${escapeHtml(v)}</td>`).join('')}</tr>`,
            )
            .join('')}</tbody></table>`
        : '';
      const source = sourceLine(r, sec, numbers);
      return `<section><h2>${escapeHtml(sec.title)}</h2>\n${paragraphs}\n${table}${source ? `\n<p class="source">${escapeHtml(source)}</p>` : ''}</section>`;
    })
    .join('\n');
  const queries = r.queries
    ? `\n<section><h2>Queries</h2>\n${[...numbers]
        .map(
          ([label, i]) =>
            `<h3>Q${i}: ${escapeHtml(label)}</h3>\n${r
              .queries!.filter((x) => x.label === label)
              .map(
                (q) =>
                  `<pre>${escapeHtml(q.sql.trim())}</pre><p>${escapeHtml(q.params.map((v, j) => `$${j + 1} = ${param(v)}`).join(', '))}</p>`,
              )
              .join('\n')}`,
        )
        .join('\n')}</section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(s.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;color:#1d2a22;text-align:left}
h1{color:#1f4d36}.headline{font-size:1.3em;font-weight:600}table{border-collapse:collapse;margin:.5em 0}
th,td{border-bottom:1px solid #dde5e0;padding:4px 10px;text-align:left;vertical-align:top}.num{text-align:right}
.source{color:#5b6b62;font-size:.9em}pre{background:#f3f6f4;padding:8px;overflow-x:auto;white-space:pre-wrap}</style>
</head><body>
<h1>${escapeHtml(s.title)}</h1>
<p class="headline">${escapeHtml(s.headline)}</p>
${body}${queries}
<footer><small>Generated ${escapeHtml(r.generatedAt)} from stored events.</small></footer>
</body></html>
`;
}
