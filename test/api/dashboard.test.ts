// The dashboard in headless Chromium (playwright-core driving Debian's chromium): the page loads the
// metrics from the API, draws its charts with the stored numbers, and follows the filters.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiDeps, createApiServer } from '../../api/server.ts';
import { refreshCaseFacts } from '../../shared/metrics/rollup.ts';
import { addListing, addPlatform, hoursAfter, review, takeDown } from '../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let server: Server;
let base: string;
let browser: Browser;
const PERIOD = 'from=2026-03-01&to=2026-04-01';
/** The dashboard's fragment names the last day included. */
const VIEW = 'from=2026-03-01&to=2026-03-31';

beforeAll(async () => {
  db = await createTestDatabase();
  const p = db.pool;
  await addPlatform(p, 'shopa');
  await addPlatform(p, 'shopb');
  await p.query("UPDATE platforms SET name = 'Shop ' || upper(right(id, 1))");
  const species = ['african-elephant', 'pangolin', 'rhinoceros'];
  for (let i = 0; i < 30; i++) {
    const platform = i % 3 === 0 ? 'shopb' : 'shopa';
    const flagged = i % 2 === 0;
    const sp = species[i % 3]!;
    const row = await addListing(p, {
      platform,
      externalId: `x${i}`,
      title: `<img src=x onerror=alert(1)> listing ${i}`,
      language: 'en',
      receivedAt: hoursAfter(i * 20),
      verdict: flagged ? (i % 4 === 0 ? 'block' : 'review') : 'allow',
      evidence: flagged ? [{ term: `<b>${sp.slice(0, 4)}</b> term`, kind: 'product', species: sp }] : [],
    });
    if (row.caseId && i % 3 !== 2) {
      await review(p, row.caseId, i % 4 === 0 ? 'alice' : 'bob', 'approve', hoursAfter(i * 20 + 2));
      if (i % 4 === 0) await review(p, row.caseId, 'lena', 'second_approval', hoursAfter(i * 20 + 3));
      await takeDown(p, row.caseId, 'remove_listing', hoursAfter(i * 20 + 5));
    }
    if (row.caseId && i === 2) {
      await p.query(
        `INSERT INTO reviews (case_id, reviewer, decision, reason_code, created_at) VALUES ($1, 'carol', 'reject', 'imitation', $2)`,
        [row.caseId, hoursAfter(i * 20 + 1)],
      );
    }
  }
  await refreshCaseFacts(p);
  const deps = {
    pool: p,
    temporal: {} as Client,
    taskQueue: 'unused',
    reviewers: [],
    policy: async () => {
      throw new Error('no ingest in this test');
    },
  };
  server = createApiServer(deps as ApiDeps);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await db?.drop();
});

describe('GET /v1/metrics', () => {
  it('serves its own files only: a name like an object member is a 404', async () => {
    expect((await fetch(`${base}/dashboard/dashboard.js`)).status).toBe(200);
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty'])
      expect((await fetch(`${base}/dashboard/${name}`)).status).toBe(404);
  });

  it('answers the filtered metrics as JSON, and refuses a bad query', async () => {
    const res = await fetch(`${base}/v1/metrics?${PERIOD}&platform=shopb`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as { totals: { screened: number }; platforms: string[] };
    expect(m.totals.screened).toBe(10);
    expect(m.platforms).toEqual(['shopa', 'shopb']);
    const bad = await fetch(`${base}/v1/metrics?from=2026-04-01&to=2026-03-01`);
    expect(bad.status).toBe(400);
  });

  it('takes platform and species by name in any case, names ids, and refuses a name that matches nothing', async () => {
    const byId = (await (await fetch(`${base}/v1/metrics?${PERIOD}&species=pangolin`)).json()) as {
      totals: { flagged: number };
    };
    const res = await fetch(`${base}/v1/metrics?${PERIOD}&species=Pangolin&platform=shop%20a`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as {
      filters: { platform: string; species: string };
      totals: { flagged: number };
      names: { platforms: Record<string, string>; species: Record<string, string> };
      reviewers: { reviewer: string; decisions: number; secondApprovals: number }[];
    };
    expect(m.filters).toMatchObject({ platform: 'shopa', species: 'pangolin' });
    expect(byId.totals.flagged).toBeGreaterThan(0);
    expect(m.names.platforms).toEqual({ shopa: 'Shop A', shopb: 'Shop B' });
    expect(m.names.species).toMatchObject({ pangolin: 'Pangolin' });
    const unknown = await fetch(`${base}/v1/metrics?${PERIOD}&species=unicorn`);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'unknown_filter' });
    const all = (await (await fetch(`${base}/v1/metrics?${PERIOD}`)).json()) as typeof m;
    expect(all.names.species).toMatchObject({
      'african-elephant': 'African elephant',
      rhinoceros: 'Rhinoceros',
    });
    expect(all.reviewers.find((r) => r.reviewer === 'lena')).toMatchObject({
      decisions: 6,
      secondApprovals: 6,
    });
  });

  it('lists the cases behind a figure, filtered like the figure', async () => {
    const m = (await (await fetch(`${base}/v1/metrics?${PERIOD}&platform=shopb`)).json()) as {
      totals: { removed: number; flagged: number };
    };
    const res = await fetch(`${base}/v1/metrics/cases?${PERIOD}&platform=Shop%20B&measure=removed`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; cases: { platformId: string; removedAt: string }[] };
    expect(body.total).toBe(m.totals.removed);
    expect(body.cases).toHaveLength(m.totals.removed);
    expect(body.cases.every((c) => c.platformId === 'shopb' && c.removedAt)).toBe(true);
    const page = (await (
      await fetch(`${base}/v1/metrics/cases?${PERIOD}&measure=flagged&limit=2&offset=1`)
    ).json()) as { total: number; cases: unknown[] };
    expect(page.cases).toHaveLength(2);
    expect(page.total).toBe(15);
    expect((await fetch(`${base}/v1/metrics/cases?${PERIOD}&measure=everything`)).status).toBe(400);
    const other = await fetch(`${base}/v1/metrics/cases?${PERIOD}&measure=flagged&platform=shopb`, {
      headers: { authorization: 'Bearer key-shopa' },
    });
    expect(other.status).toBe(403);
  });

  it('recomputes the re-listing matches on request, for the dashboard token only', async () => {
    const before = (await (await fetch(`${base}/v1/metrics?${PERIOD}`)).json()) as {
      freshness: { relistingAsOf: string };
    };
    const res = await fetch(`${base}/v1/metrics/refresh`, { method: 'POST' });
    expect(res.status).toBe(200);
    const after = (await res.json()) as { relistingAsOf: string };
    expect(Date.parse(after.relistingAsOf)).toBeGreaterThan(Date.parse(before.freshness.relistingAsOf));
    const platformKey = await fetch(`${base}/v1/metrics/refresh`, {
      method: 'POST',
      headers: { authorization: 'Bearer key-shopa' },
    });
    expect(platformKey.status).toBe(403);
  });

  it('scopes a platform API key to its own platform', async () => {
    const own = await fetch(`${base}/v1/metrics?${PERIOD}`, {
      headers: { authorization: 'Bearer key-shopa' },
    });
    expect(((await own.json()) as { totals: { screened: number } }).totals.screened).toBe(20);
    const other = await fetch(`${base}/v1/metrics?${PERIOD}&platform=shopb`, {
      headers: { authorization: 'Bearer key-shopa' },
    });
    expect(other.status).toBe(403);
  });

  it('exports the numbers as CSV with formulas defused', async () => {
    const res = await fetch(`${base}/v1/metrics.csv?${PERIOD}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe('section,key,measure,value');
    expect(text).toContain('totals,all,screened,30\r\n');
    expect(text).toContain('platform,shopb,screened,10\r\n');
  });
});

describe('the dashboard page', () => {
  it('renders its charts with the stored numbers and keeps a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const res = await page.goto(`${base}/dashboard#${VIEW}`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });

    // Browser-side code as strings: the project compiles without the DOM library.
    const charts = (await page.evaluate(`[...document.querySelectorAll('canvas')].map((c) => {
      const chart = Chart.getChart(c);
      return { id: c.id, labels: chart.data.labels, datasets: chart.data.datasets.map((d) => [d.label, d.data]) };
    })`)) as { id: string; labels: string[]; datasets: [string, number[]][] }[];
    expect(charts.map((c) => c.id)).toEqual([
      'chart-series',
      'chart-platforms',
      'chart-species',
      'chart-reviewers',
    ]);
    const platforms = charts.find((c) => c.id === 'chart-platforms')!;
    expect(platforms.labels).toEqual(['Shop A', 'Shop B']);
    expect(charts.find((c) => c.id === 'chart-species')!.labels).toContain('African elephant');
    const series = charts.find((c) => c.id === 'chart-series')!;
    const screened = series.datasets.find(([label]) => label === 'screened')![1];
    expect(screened.reduce((a, b) => a + b, 0)).toBe(30);
    const removed = series.datasets.find(([label]) => label === 'removed')![1];
    expect(removed.reduce((a, b) => a + b, 0)).toBe(10);
    expect(await page.textContent('[data-metric="screened"] .value')).toBe('30');
    // Reason codes read as their labels.
    expect(await page.textContent('#reasons tbody tr')).toBe('Imitation or replica1');
    // Compared with February (nothing then), timed in hours, and saying how fresh it is.
    expect(await page.textContent('[data-metric="flagged"] .delta')).toBe('+15 (new) vs previous period');
    expect(await page.textContent('[data-metric="medianTime"] .value')).toBe('5 h');
    expect(await page.textContent('#status')).toMatch(
      /^2026-03-01 to 2026-03-31 \(both included, UTC\) · live, as of \d\d:\d\d · previous period 2026-01-29 to 2026-02-28/,
    );
    // Untrusted text is shown as text, never markup.
    expect(await page.textContent('#terms tbody tr td')).toMatch(/^<b>[\w-]+<\/b> term$/);
    expect(await page.locator('#terms b').count()).toBe(0);
    // The canvas really has pixels drawn on it.
    const inked = (await page.evaluate(`(() => {
      const c = document.getElementById('chart-platforms');
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
      return n;
    })()`)) as number;
    expect(inked).toBeGreaterThan(1000);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true });
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('follows the platform filter', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/dashboard#${VIEW}`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.selectOption('select[name="platform"]', 'shopb');
    await page.click('button[type="submit"]');
    // (waitForFunction evaluates strings with eval, which the page's CSP forbids: poll from here instead.)
    await expect.poll(() => page.evaluate('location.hash'), { timeout: 10_000 }).toContain('platform=shopb');
    await expect
      .poll(() => page.textContent('[data-metric="screened"] .value'), { timeout: 10_000 })
      .toBe('10');
    expect(await page.inputValue('select[name="platform"]')).toBe('shopb');
    await page.close();
  });

  it('opens the cases behind a bar when it is clicked', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(`${base}/dashboard#${VIEW}`);
    await page.waitForSelector('body[data-ready="true"]');
    // Where chart.js drew Shop B's "removed" bar, and its value.
    const bar = (await page.evaluate(`(() => {
      const chart = Chart.getChart(document.getElementById('chart-platforms'));
      const d = chart.data.datasets.findIndex((x) => x.key === 'removed');
      const el = chart.getDatasetMeta(d).data[1];
      const box = chart.canvas.getBoundingClientRect();
      return { x: box.left + el.x, y: box.top + (el.y + el.base) / 2, value: chart.data.datasets[d].data[1] };
    })()`)) as { x: number; y: number; value: number };
    expect(bar.value).toBeGreaterThan(0);
    await page.mouse.click(bar.x, bar.y);
    await expect
      .poll(() => page.textContent('#drill-title'), { timeout: 10_000 })
      .toBe(`removed on Shop B: ${bar.value} cases`);
    expect(await page.locator('#drill-cases tbody tr').count()).toBe(bar.value);
    expect(await page.textContent('#drill-cases tbody tr td:nth-child(2)')).toBe('Shop B');
    // Refresh recomputes the re-listing matches, then reloads.
    const [refresh] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/v1/metrics/refresh') && r.method() === 'POST'),
      page.click('#refresh'),
    ]);
    expect((await refresh.response())?.status()).toBe(200);
    await page.waitForSelector('body[data-ready="true"]');
    // A card opens its cases too.
    await page.click('[data-metric="flagged"]');
    await expect.poll(() => page.textContent('#drill-title'), { timeout: 10_000 }).toBe('Flagged: 15 cases');
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/dashboard-drilldown.png', fullPage: true });
    await page.close();
  });

  it('takes the token in its field, keeps it in session storage, and sends it with the CSV', async () => {
    vi.stubEnv('DASHBOARD_TOKEN', 'dash-secret-token');
    try {
      const page = await browser.newPage({ acceptDownloads: true });
      await page.goto(`${base}/dashboard#${VIEW}`);
      await page.waitForSelector('body[data-ready="error"]');
      expect(await page.textContent('#status')).toContain('enter a token?');
      await page.fill('input[name="token"]', 'dash-secret-token');
      await page.click('button[type="submit"]');
      await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
      expect(await page.evaluate("sessionStorage.getItem('wild-sentinel.dashboard-token')")).toBe(
        'dash-secret-token',
      );
      expect(page.url()).not.toContain('dash-secret-token');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      expect(download.suggestedFilename()).toBe('wild-sentinel-metrics.csv');
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv).toContain('totals,all,screened,30\r\n');
      // A reload in the same tab keeps it.
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
      await page.close();

      // The older #token= still works, and leaves the address.
      const legacy = await browser.newPage();
      await legacy.goto(`${base}/dashboard#${VIEW}&token=dash-secret-token`);
      await legacy.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
      expect(legacy.url()).not.toContain('token');
      await legacy.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
