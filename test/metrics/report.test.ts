import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsToCsv } from '../../shared/metrics/csv.ts';
import { metricsFiltersSchema } from '../../shared/metrics/filters.ts';
import {
  buildProgressReport,
  escapeMarkdown,
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
  await refreshCaseFacts(p);
  r = await buildProgressReport(p, metricsFiltersSchema.parse({ from: '2026-03-01', to: '2026-04-01' }));
});

afterAll(async () => {
  await db?.drop();
});

describe('progress report', () => {
  it('gives period and cumulative totals and per-company highlights from the stored events', () => {
    expect(r.metrics.totals.removedOrBlocked).toBe(4);
    expect(r.cumulative.removedOrBlocked).toBe(5);
    expect(r.companies.map((c) => [c.platformId, c.removedOrBlocked])).toEqual([
      ['shopa', 3],
      ['shopb', 1],
    ]);
    expect(r.companies[0]!.topSpecies).toEqual([{ species: 'pangolin', removed: 3 }]);
  });

  it('renders Markdown shaped like the Coalition updates, with untrusted text escaped', () => {
    const md = renderMarkdown(r);
    expect(md).toContain('# Wild Sentinel progress report, 2026-03-01 to 2026-03-31 (both included)');
    expect(md).toContain(
      '**4 prohibited wildlife listings removed or blocked in the period; 5 in total to 2026-03-31.**',
    );
    expect(md).toContain('## Company highlights');
    expect(md).toContain('| Listings removed | 4 | 5 |');
    expect(md).toContain('Seller accounts warned | 1 | 1 |');
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
    expect(html).toContain('<td>Removed or blocked</td><td>4</td><td>5</td>');
  });

  it('exports the numbers as CSV, quoting and defusing spreadsheet formulas', () => {
    const evil = structuredClone(r.metrics);
    evil.topTerms = [{ term: '=HYPERLINK("x")', kind: 'product', species: 'a,b', listings: 1 }];
    const csv = metricsToCsv(evil);
    expect(csv).toContain(`top_term,"'=HYPERLINK(""x"")",species,"a,b"\r\n`);
    expect(metricsToCsv(r.metrics)).toContain('totals,all,removedOrBlocked,4\r\n');
  });
});
