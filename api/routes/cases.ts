import { z } from 'zod';
import { platformCaseView } from '../../shared/db/cases.ts';
import { safeString, safeText } from '../../shared/text.ts';
import { appealTakedown } from '../../workflows/use-cases/appeal-takedown.ts';
import { loadCaseView } from '../../workflows/use-cases/case-view.ts';
import { buildEvidencePack, renderEvidenceHtml } from '../../workflows/use-cases/evidence-pack.ts';
import { HttpError, readJson, sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';

/** The case, when it belongs to the calling platform (404 otherwise, so ids cannot be probed). */
async function ownCase({ params, deps, platform }: RouteContext) {
  const p = await platform();
  const view = await loadCaseView(deps.pool, params.id!);
  if (!view || view.listing.platformId !== p.id) throw new HttpError(404, 'not_found', 'no such case');
  return { platform: p, view };
}

/** GET /v1/cases/:id: a platform sees only the cases of its own listings, without reviewers' internals. */
export async function getCase(ctx: RouteContext): Promise<void> {
  const { view } = await ownCase(ctx);
  sendJson(ctx.res, 200, platformCaseView(view));
}

/**
 * GET /v1/cases/:id/evidence[?format=html]: the evidence pack as JSON or a readable HTML page, without
 * reviewers' internals (as GET /v1/cases/:id).
 */
export async function getCaseEvidence(ctx: RouteContext): Promise<void> {
  const { platform } = await ownCase(ctx);
  const pack = await buildEvidencePack(ctx.deps.pool, ctx.params.id!, `platform:${platform.id}`, {
    audience: 'platform',
  });
  if (!pack) throw new HttpError(404, 'not_found', 'no such case');
  if (ctx.url.searchParams.get('format') === 'html') {
    ctx.res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
    });
    ctx.res.end(renderEvidenceHtml(pack));
    return;
  }
  sendJson(ctx.res, 200, pack);
}

const appealSchema = z.object({
  /** The platform's own id for the appeal: sending it again is the same appeal. */
  appealId: safeString().min(1).max(200),
  sellerId: safeString().min(1).max(200).optional(),
  statement: safeText().max(5000).min(1),
});

/** POST /v1/cases/:id/appeals: a seller's appeal against a takedown, forwarded by the platform. */
export async function postAppeal(ctx: RouteContext): Promise<void> {
  const { platform, view } = await ownCase(ctx);
  const parsed = appealSchema.safeParse(await readJson(ctx.req));
  if (!parsed.success)
    throw new HttpError(
      400,
      'invalid_appeal',
      'the appeal is invalid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  const result = await appealTakedown(ctx.deps, {
    caseId: view.id,
    platformId: platform.id,
    ...parsed.data,
  });
  if (result.status === 'refused')
    throw new HttpError(409, 'appeal_refused', result.reason ?? 'the appeal cannot be heard');
  sendJson(ctx.res, result.created ? 202 : 200, {
    caseId: view.id,
    appealId: parsed.data.appealId,
    status: result.status,
  });
}
