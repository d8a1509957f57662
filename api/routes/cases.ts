import { getCaseView } from '../../shared/db/cases.ts';
import { HttpError, sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';

/** GET /v1/cases/:id: a platform sees only the cases of its own listings. */
export async function getCase({ res, params, deps, platform }: RouteContext): Promise<void> {
  const p = await platform();
  const view = await getCaseView(deps.pool, params.id!);
  if (!view || view.listing.platformId !== p.id) throw new HttpError(404, 'not_found', 'no such case');
  const { slack: _slack, ...publicView } = view;
  sendJson(res, 200, publicView);
}
