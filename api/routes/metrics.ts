// GET /v1/metrics?from&to[&platform][&species]: the impact metrics as JSON (the dashboard's data), and
// GET /v1/metrics.csv: the same numbers as CSV. A platform's API key sees its own platform only; the
// DASHBOARD_TOKEN (when set) sees everything; without a token configured, outside production, anyone may
// read (the one-command laptop setup).
import { metricsToCsv } from '../../shared/metrics/csv.ts';
import {
  computeMetrics,
  type Metrics,
  type MetricsFilters,
  metricsFiltersSchema,
} from '../../shared/metrics/index.ts';
import { bearerToken, HttpError, sameSecret, sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';

/** The platform the caller is limited to, or null for every platform. */
async function access(ctx: RouteContext): Promise<string | null> {
  const token = bearerToken(ctx.req);
  const dashboardToken = process.env.DASHBOARD_TOKEN;
  if (token && dashboardToken && sameSecret(token, dashboardToken)) return null;
  if (token) {
    const platform = await ctx.deps.platformKeys.find(token);
    if (platform) return platform.id;
    throw new HttpError(401, 'unauthorized', 'unknown token');
  }
  if (!dashboardToken && process.env.NODE_ENV !== 'production') return null;
  throw new HttpError(
    401,
    'unauthorized',
    'send the dashboard token or a platform API key as a Bearer token',
  );
}

export interface MetricsAnswer extends Metrics {
  platforms: string[];
}

/** The query's validated filters, limited to the caller's platform (term performance reads them too). */
export async function metricsQuery(
  ctx: RouteContext,
): Promise<{ filters: MetricsFilters; limitedTo: string | null }> {
  const limitedTo = await access(ctx);
  const q = ctx.url.searchParams;
  const parsed = metricsFiltersSchema.safeParse({
    from: q.get('from') ?? undefined,
    to: q.get('to') ?? undefined,
    platform: q.get('platform') || undefined,
    species: q.get('species') || undefined,
  });
  if (!parsed.success) {
    throw new HttpError(
      400,
      'invalid_query',
      'invalid metrics query',
      parsed.error.issues.map((i) => ({
        path: i.path.join('.'),
        message: i.message,
      })),
    );
  }
  const filters = parsed.data;
  if (limitedTo) {
    if (filters.platform && filters.platform !== limitedTo)
      throw new HttpError(403, 'forbidden', 'another platform');
    filters.platform = limitedTo;
  }
  return { filters, limitedTo };
}

async function answer(ctx: RouteContext): Promise<MetricsAnswer> {
  const { filters, limitedTo } = await metricsQuery(ctx);
  const [metrics, platforms] = await Promise.all([
    computeMetrics(ctx.deps.pool, filters),
    limitedTo
      ? Promise.resolve([limitedTo])
      : ctx.deps.pool
          .query<{ id: string }>('SELECT id FROM platforms ORDER BY id')
          .then((r) => r.rows.map((p) => p.id)),
  ]);
  return { ...metrics, platforms };
}

export async function getMetrics(ctx: RouteContext): Promise<void> {
  sendJson(ctx.res, 200, await answer(ctx));
}

export async function getMetricsCsv(ctx: RouteContext): Promise<void> {
  const csv = metricsToCsv(await answer(ctx));
  ctx.res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': 'attachment; filename="wild-sentinel-metrics.csv"',
    'cache-control': 'no-store',
  });
  ctx.res.end(csv);
}
