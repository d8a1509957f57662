// GET /v1/terms/performance?from&to[&platform]: term performance (workflows/terms/performance.ts) for the
// dashboard's table, with the same access and filters as /v1/metrics; `to` is exclusive here too.
import { getActiveLibrary } from '../../detectors/text/index.ts';
import { noisiestAndProductive, termPerformance } from '../../workflows/terms/performance.ts';
import { HttpError, sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';
import { metricsQuery } from './metrics.ts';

export async function getTermPerformance(ctx: RouteContext): Promise<void> {
  const { filters } = await metricsQuery(ctx);
  if (filters.species !== undefined)
    throw new HttpError(400, 'invalid_query', 'species is not a filter here');
  const rows = await termPerformance(ctx.deps.pool, filters, getActiveLibrary());
  sendJson(ctx.res, 200, { rows, ...noisiestAndProductive(rows, 10) });
}
