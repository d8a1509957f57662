// GET /v1/metrics?from&to[&platform][&species]: the impact metrics as JSON (the dashboard's data),
// GET /v1/metrics.csv: the same numbers as CSV, and GET /v1/metrics/cases?…&measure=: the cases behind one
// figure (the dashboard's click-through); POST /v1/metrics/refresh recomputes the re-listing matches (the one
// figure refreshed every 15 minutes, not live) for whoever sees every platform. Platform and species may be given by id or name, in any case; one
// that names nothing is a 400. A platform's API key sees its own platform only; the
// DASHBOARD_TOKEN (when set) sees everything; without a token configured, outside production, anyone may
// read (the one-command laptop setup).
import { z } from 'zod';
import { librarySpeciesCatalogue } from '../../keywords/species-catalogue.ts';
import { CASE_MEASURES, casesBehind } from '../../shared/metrics/cases.ts';
import { metricsToCsv } from '../../shared/metrics/csv.ts';
import {
  computeMetrics,
  type Metrics,
  type MetricsFilters,
  metricsFiltersSchema,
} from '../../shared/metrics/index.ts';
import {
  type DisplayNames,
  displayNames,
  resolveFilters,
  UnknownFilterError,
} from '../../shared/metrics/names.ts';
import { refreshCaseFacts, relistingAsOf } from '../../shared/metrics/rollup.ts';
import { REJECT_REASONS } from '../../workflows/review/rules.ts';
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
  /** Display names for the platform ids and species keys in the answer. */
  names: DisplayNames;
}

function invalid(error: z.ZodError): HttpError {
  return new HttpError(
    400,
    'invalid_query',
    'invalid metrics query',
    error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

/** The caller's filters, validated, with names resolved to ids and limited to the caller's platform. */
async function filtersOf(ctx: RouteContext, limitedTo: string | null): Promise<MetricsFilters> {
  const q = ctx.url.searchParams;
  const parsed = metricsFiltersSchema.safeParse({
    from: q.get('from') ?? undefined,
    to: q.get('to') ?? undefined,
    platform: q.get('platform') || undefined,
    species: q.get('species') || undefined,
  });
  if (!parsed.success) throw invalid(parsed.error);
  let filters: MetricsFilters;
  try {
    filters = await resolveFilters(ctx.deps.pool, parsed.data, librarySpeciesCatalogue());
  } catch (err) {
    if (!(err instanceof UnknownFilterError)) throw err;
    // A platform's key does not learn the other platforms from the list of known ones.
    const message =
      limitedTo && err.field === 'platform'
        ? `platform: no platform "${err.value}" you can see`
        : err.message;
    throw new HttpError(400, 'unknown_filter', message, [{ path: err.field, message }]);
  }
  if (limitedTo) {
    if (filters.platform && filters.platform !== limitedTo)
      throw new HttpError(403, 'forbidden', 'another platform');
    filters.platform = limitedTo;
  }
  return filters;
}

/** The query's validated filters, limited to the caller's platform (term performance reads them too). */
export async function metricsQuery(
  ctx: RouteContext,
): Promise<{ filters: MetricsFilters; limitedTo: string | null }> {
  const limitedTo = await access(ctx);
  return { filters: await filtersOf(ctx, limitedTo), limitedTo };
}

async function answer(ctx: RouteContext): Promise<MetricsAnswer> {
  const limitedTo = await access(ctx);
  const filters = await filtersOf(ctx, limitedTo);
  const metrics = await computeMetrics(ctx.deps.pool, filters);
  const names = await displayNames(
    ctx.deps.pool,
    librarySpeciesCatalogue(),
    [
      ...metrics.bySpecies.map((s) => s.key),
      ...metrics.topTerms.flatMap((t) => (t.species ? [t.species] : [])),
      ...(filters.species ? [filters.species] : []),
    ],
    REJECT_REASONS,
  );
  const platforms = limitedTo ? [limitedTo] : Object.keys(names.platforms);
  if (limitedTo) names.platforms = { [limitedTo]: names.platforms[limitedTo] ?? limitedTo };
  return { ...metrics, platforms, names };
}

const casesQuery = z.object({
  measure: z.enum(CASE_MEASURES),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** GET /v1/metrics/cases: the cases one figure counts, newest first, a page at a time. */
export async function getMetricsCases(ctx: RouteContext): Promise<void> {
  const limitedTo = await access(ctx);
  const q = ctx.url.searchParams;
  const page = casesQuery.safeParse({
    measure: q.get('measure') ?? undefined,
    limit: q.get('limit') ?? undefined,
    offset: q.get('offset') ?? undefined,
  });
  if (!page.success) throw invalid(page.error);
  const filters = await filtersOf(ctx, limitedTo);
  const { measure, ...paging } = page.data;
  const found = await casesBehind(ctx.deps.pool, filters, measure, paging);
  sendJson(ctx.res, 200, {
    measure,
    filters: {
      from: filters.from.toISOString(),
      to: filters.to.toISOString(),
      platform: filters.platform ?? null,
      species: filters.species ?? null,
    },
    ...paging,
    ...found,
  });
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

/** POST /v1/metrics/refresh: recomputes the re-listing matches now; a platform's key may not (it is global). */
export async function postMetricsRefresh(ctx: RouteContext): Promise<void> {
  if ((await access(ctx)) !== null)
    throw new HttpError(403, 'forbidden', 'only the dashboard token can recompute every platform');
  await refreshCaseFacts(ctx.deps.pool);
  sendJson(ctx.res, 200, { relistingAsOf: (await relistingAsOf(ctx.deps.pool))?.toISOString() ?? null });
}
