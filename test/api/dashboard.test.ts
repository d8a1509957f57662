// The dashboard in headless Chromium (playwright-core driving Debian's chromium): the page loads the
// metrics from the API, draws its charts with the stored numbers, and follows the filters.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiDeps, createApiServer } from '../../api/server.ts';
import { refreshCaseFacts } from '../../shared/metrics/rollup.ts';
import { addListing, addPlatform, hoursAfter, review, takeDown } from '../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let server: Server;
let base: string;
let browser: Browser;
const PERIOD = 'from=2026-03-01&to=2026-04-01';

beforeAll(async () => {
  db = await createTestDatabase();
  const p = db.pool;
  await addPlatform(p, 'shopa');
  await addPlatform(p, 'shopb');
  const species = ['elephant', 'pangolin', 'rhino'];
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
      evidence: flagged ? [{ term: `<b>${sp}</b> term`, kind: 'product', species: sp }] : [],
    });
    if (row.caseId && i % 3 !== 2) {
      await review(p, row.caseId, i % 4 === 0 ? 'alice' : 'bob', 'approve', hoursAfter(i * 20 + 2));
      await takeDown(p, row.caseId, 'remove_listing', hoursAfter(i * 20 + 5));
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
  it('answers the filtered metrics as JSON, and refuses a bad query', async () => {
    const res = await fetch(`${base}/v1/metrics?${PERIOD}&platform=shopb`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as { totals: { screened: number }; platforms: string[] };
    expect(m.totals.screened).toBe(10);
    expect(m.platforms).toEqual(['shopa', 'shopb']);
    const bad = await fetch(`${base}/v1/metrics?from=2026-04-01&to=2026-03-01`);
    expect(bad.status).toBe(400);
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
    const res = await page.goto(`${base}/dashboard#${PERIOD}`);
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
    expect(platforms.labels).toEqual(['shopa', 'shopb']);
    const series = charts.find((c) => c.id === 'chart-series')!;
    const screened = series.datasets.find(([label]) => label === 'screened')![1];
    expect(screened.reduce((a, b) => a + b, 0)).toBe(30);
    const removed = series.datasets.find(([label]) => label === 'removed')![1];
    expect(removed.reduce((a, b) => a + b, 0)).toBe(10);
    expect(await page.textContent('[data-metric="screened"] .value')).toBe('30');
    // Untrusted text is shown as text, never markup.
    expect(await page.textContent('#terms tbody tr td')).toMatch(/^<b>\w+<\/b> term$/);
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
    await page.goto(`${base}/dashboard#${PERIOD}`);
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
});
