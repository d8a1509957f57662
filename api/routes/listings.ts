import { listingInputSchema } from '../../shared/listing.ts';
import { ingestListing } from '../../workflows/use-cases/ingest-listing.ts';
import { HttpError, readJson, sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';

/** POST /v1/listings: validated, screened and stored before the platform gets its answer. */
export async function postListing({ req, res, deps, platform }: RouteContext): Promise<void> {
  const p = await platform();
  const parsed = listingInputSchema.safeParse(await readJson(req));
  if (!parsed.success) {
    throw new HttpError(
      400,
      'invalid_listing',
      'the listing is invalid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const result = await ingestListing(deps, p.id, parsed.data);
  const d = result.decision;
  sendJson(res, result.created ? 201 : 200, {
    listingId: result.listingId,
    caseId: result.caseId,
    version: result.version,
    verdict: d.verdict,
    score: d.score,
    clause: d.clause,
    explanation: d.explanation,
    species: d.species,
    evidence: d.evidence,
    sellerLinks: result.sellerLinks.lines,
  });
}
