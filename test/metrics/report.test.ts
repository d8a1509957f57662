import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { librarySpeciesCatalogue } from '../../keywords/species-catalogue.ts';
import { metricsToCsv } from '../../shared/metrics/csv.ts';
import { metricsFiltersSchema } from '../../shared/metrics/filters.ts';
import {
  buildProgressReport,
  escapeMarkdown,
  formatHours,
  type ProgressReport,
  renderHtml,
  renderMarkdown,
} from '../../shared/metrics/report.ts';
import { refreshCaseFacts } from '../../shared/metrics/rollup.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addListing, addPlatform, addVolunteer, hoursAfter, report, review, takeDown } from './seed.ts';

let db: TestDatabase;
let r: ProgressReport;
const EVIL = '<script>alert(1)</script>|**x**';

beforeAll(async () => {
  db = await createTestDatabase();
  const p = db.pool;
  await addPlatform(p, 'shopa');
  await addPlatform(p, 'shopb');
  await p.query('UPDATE platforms SET name = $1 WHERE id = $2', [`Shop ${EVIL}`, 'shopb']);
  const old = await addListing(p, {
    platform: 'shopa',
    externalId: 'old',
    title: 'old',
    receivedAt: new Date('2025-06-01Z'),
    verdict: 'review',
    evidence: [{ term: 'ivory', kind: 'product', species: 'elephant' }],
  });
  await takeDown(p, old.caseId!, 'remove_listing', new Date('2025-06-02Z'));
  const v = await addVolunteer(p, 'v');
  for (let i = 0; i < 4; i++) {
    const l = await addListing(p, {
      platform: i < 3 ? 'shopa' : 'shopb',
      externalId: `n${i}`,
      title: `listing ${i}`,
      receivedAt: hoursAfter(i),
      verdict: i === 0 ? 'block' : 'review',
      evidence: [
        { term: i === 3 ? EVIL : 'pangolin scale', kind: 'product', species: i === 3 ? EVIL : 'pangolin' },
      ],
    });
    await review(p, l.caseId!, 'alice', 'approve', hoursAfter(i + 1));
    await takeDown(p, l.caseId!, i === 2 ? 'warn_seller' : 'remove_listing', hoursAfter(i + 3));
    if (i === 1) await report(p, v, l.caseId!, 'confirmed', hoursAfter(i));
  }
  // Taken down 30 minutes after ingest, then restored on appeal: a completed takedown, no longer removed.
  const undone = await addListing(p, {
    platform: 'shopa',
    externalId: 'undone',
    title: 'tortoise shell comb',
    receivedAt: hoursAfter(10),
    verdict: 'review',
    evidence: [{ term: 'tortoiseshell', kind: 'product', species: 'hawksbill-turtle' }],
  });
  await takeDown(p, undone.caseId!, 'remove_listing', hoursAfter(10.5), 'restored');
  // In the previous period of the same length (2026-01-29 to 2026-02-28): one removal.
  const before = await addListing(p, {
    platform: 'shopb',
    externalId: 'feb',
    title: 'feb',
    receivedAt: new Date('2026-02-10Z'),
    verdict: 'review',
    evidence: [{ term: 'pangolin scale', kind: 'product', species: 'pangolin' }],
  });
  await takeDown(p, before.caseId!, 'remove_listing', new Date('2026-02-11Z'));
  await refreshCaseFacts(p);
  r = await buildProgressReport(p, metricsFiltersSchema.parse({ from: '2026-03-01', to: '2026-04-01' }), {
    species: librarySpeciesCatalogue(),
    explain: true,
  });
});

afterAll(async () => {
  await db?.drop();
});

describe('progress report', () => {
  it('gives period and cumulative totals and per-company highlights from the stored events', () => {
    expect(r.metrics.totals.removedOrBlocked).toBe(4);
    expect(r.metrics.previous.totals.removedOrBlocked).toBe(1);
    expect(r.cumulative.removedOrBlocked).toBe(6);
    expect(r.companies.map((c) => [c.platformId, c.removedOrBlocked])).toEqual([
      ['shopa', 3],
      ['shopb', 1],
    ]);
    expect(r.companies[0]!.topSpecies).toEqual([{ species: 'pangolin', removed: 3 }]);
    expect(r.names.species).toMatchObject({ pangolin: 'Pangolin', 'hawksbill-turtle': 'Hawksbill turtle' });
  });

  it('states its inclusive dates and keeps every count consistent with the others', () => {
    const md = renderMarkdown(r);
    expect(md).toContain(
      'From 2026-03-01 to 2026-03-31, both days included (UTC), compared with the previous period of the same length, 2026-01-29 to 2026-02-28.',
    );
    const t = r.metrics.totals;
    expect([t.removed, t.restored]).toEqual([4, 1]);
    expect(r.metrics.timeToTakedown.fromIngest.count).toBe(t.removed + t.restored);
    expect(md).toContain(
      'Takedowns completed in the period: 5 (still removed: 4; restored on appeal or undo: 1).',
    );
    expect(md).toContain('over the 5 takedowns completed in the period');
    expect(md).toContain('| Takedowns completed | 5 | 1 | +4 (+400.0%) | 7 |');
    expect(md).toContain('| Listings removed (still removed) | 4 | 1 | +3 (+300.0%) | 6 |');
    // Durations read as minutes or hours, never "0 hours".
    expect(md).toMatch(/median 3 h, p90 3 h/);
    expect(md).not.toMatch(/\b0 h/);
    // Text columns left, numbers right.
    expect(md).toContain('| :--- | ---: | ---: | ---: | ---: |\n');
    expect(md).toContain('| :--- | ---: | ---: | ---: | ---: | :--- |\n');
  });

  it('shows per-company and per-species tables with display names', () => {
    const md = renderMarkdown(r);
    expect(md).toContain(
      '| Company | Screened | Flagged | Removed or blocked | Median time to takedown | Most removed species |',
    );
    expect(md).toMatch(/\| shopa \| 4 \| 4 \| 3 \| 3 h \| Pangolin \(3\) \|/);
    expect(md).toContain('| Hawksbill turtle | 1 | 0 | 0 |');
  });

  it('traces every section’s numbers to the queries it appends with --explain', () => {
    const md = renderMarkdown(r);
    const sections = md.split('\n## ').slice(1);
    const cited = new Set<string>();
    for (const sec of sections.filter((x) => !x.startsWith('Queries'))) {
      const source = /_Source: (.*)_/.exec(sec)?.[1];
      expect(source, sec.split('\n')[0]).toBeDefined();
      for (const m of source!.matchAll(/Q(\d+)/g)) cited.add(m[1]!);
    }
    const appendix = md.slice(md.indexOf('## Queries'));
    for (const q of cited) expect(appendix).toMatch(new RegExp(`### Q${q}: `));
    expect(appendix).toContain('FROM metrics_case_facts f');
    expect(appendix).toContain('$1 = 2026-03-01T00:00:00.000Z, $2 = 2026-04-01T00:00:00.000Z');
    expect(renderHtml(r)).toContain('<h2>Queries</h2>');
  });

  it('renders Markdown shaped like the Coalition updates, with untrusted text escaped', () => {
    const md = renderMarkdown(r);
    expect(md).toContain('# Wild Sentinel progress report, 2026-03-01 to 2026-03-31 (both included)');
    expect(md).toContain(
      '**4 prohibited wildlife listings removed or blocked in the period (+3 (+300.0%) on the previous period); 6 in total to 2026-03-31.**',
    );
    expect(md).toContain('## Companies');
    expect(md).toContain('| Seller accounts warned | 1 | 0 | +1 (new) | 1 |');
    expect(md).toContain('1 volunteers sent 1 reports; 1 confirmed');
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('|**x**');
    expect(escapeMarkdown('a|b*c')).toBe('a\\|b\\*c');
    expect(escapeMarkdown('# title [x](javascript:y)')).toBe('\\# title \\[x\\](javascript:y)');
    expect(escapeMarkdown('12. item')).toBe('12\\. item');
  });

  it('renders HTML with every value escaped', () => {
    const html = renderHtml(r);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toContain('<script>');
    expect(html).toContain('Shop &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(
      '<td>Removed or blocked</td><td class="num">4</td><td class="num">1</td><td class="num">+3 (+300.0%)</td><td class="num">6</td>',
    );
  });

  it('exports the numbers as CSV, quoting and defusing spreadsheet formulas', () => {
    const evil = structuredClone(r.metrics);
    evil.topTerms = [{ term: '=HYPERLINK("x")', kind: 'product', species: 'a,b', listings: 1 }];
    const csv = metricsToCsv(evil);
    expect(csv).toContain(`top_term,"'=HYPERLINK(""x"")",species,"a,b"\r\n`);
    expect(metricsToCsv(r.metrics)).toContain('totals,all,removedOrBlocked,4\r\n');
  });

  it('reads durations in minutes, hours or days, never "0 hours"', () => {
    expect([0, 0.02, 0.5, 1, 5.25, 47.9, 72].map(formatHours)).toEqual([
      'under 1 min',
      '1 min',
      '30 min',
      '1 h',
      '5.3 h',
      '47.9 h',
      '3 days',
    ]);
    expect(formatHours(null)).toBe('–');
  });

  it('lays the HTML out left-aligned in a browser, numbers right (screenshot)', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.setContent(renderHtml({ ...r, queries: undefined }));
      const align =
        (await page.evaluate(`[...document.querySelectorAll('section')[1].querySelectorAll('tr:nth-child(1) td')]
        .map((td) => getComputedStyle(td).textAlign)`)) as string[];
      expect(align).toEqual(['left', 'right', 'right', 'right', 'right']);
      expect(await page.evaluate(`getComputedStyle(document.querySelector('p')).textAlign`)).toMatch(
        /^(left|start)$/,
      );
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/report.png', fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
