// GET /dashboard: the impact dashboard (static page + script, data from /v1/metrics), and the chart.js
// build it loads. Files are read once; the page allows scripts from this origin only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../http.ts';
import type { RouteContext } from '../server.ts';

const STATIC_DIR = fileURLToPath(new URL('../static/', import.meta.url));
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

// A Map, not an object: a path such as /dashboard/toString must not find Object.prototype's members.
const FILES = new Map<string, { path: string; type: string }>(
  Object.entries({
    '': { path: join(STATIC_DIR, 'dashboard.html'), type: 'text/html; charset=utf-8' },
    'dashboard.js': { path: join(STATIC_DIR, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
    'dashboard.css': { path: join(STATIC_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8' },
    'dashboard-terms.js': {
      path: join(STATIC_DIR, 'dashboard-terms.js'),
      type: 'text/javascript; charset=utf-8',
    },
    'chart.umd.js': { path: CHART_JS, type: 'text/javascript; charset=utf-8' },
  }),
);
const cache = new Map<string, Buffer>();

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function serve(ctx: RouteContext, name: string): void {
  const file = FILES.get(name);
  if (!file) throw new HttpError(404, 'not_found', 'no such dashboard file');
  let body = cache.get(name);
  if (!body) {
    body = readFileSync(file.path);
    cache.set(name, body);
  }
  ctx.res.writeHead(200, {
    'content-type': file.type,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': name === '' ? 'no-cache' : 'public, max-age=3600',
  });
  ctx.res.end(body);
}

export async function getDashboard(ctx: RouteContext): Promise<void> {
  serve(ctx, '');
}

export async function getDashboardAsset(ctx: RouteContext): Promise<void> {
  serve(ctx, ctx.params.file ?? '');
}
