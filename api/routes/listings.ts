import { listingInputSchema } from '../../shared/listing.ts';
import { log } from '../../shared/logger.ts';
import { ingestBatch, MAX_BATCH_LISTINGS } from '../../workflows/use-cases/ingest-batch.ts';
import type { IngestResult } from '../../workflows/use-cases/ingest-listing.ts';
import { HttpError, readJson, readText, sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';

/** A batch body's limit: 1,000 listings of ordinary size (each may be up to ~25 kB of text). */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;

function answer(result: IngestResult) {
  const d = result.decision;
  return {
    listingId: result.listingId,
    caseId: result.caseId,
    version: result.version,
    stored: result.stored,
    verdict: d.verdict,
    score: d.score,
    clause: d.clause,
    explanation: d.explanation,
    species: d.species,
    evidence: d.evidence,
    sellerLinks: result.sellerLinks.lines,
  };
}

function invalidListing(issues: { path: PropertyKey[]; message: string }[]) {
  return {
    error: 'invalid_listing',
    message: 'the listing is invalid',
    details: issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  };
}

/**
 * POST /v1/listings: validated, screened and stored before the platform gets its answer. Concurrent benign
 * listings are written together (workflows/use-cases/ingest-grouped.ts).
 */
export async function postListing({ req, res, deps, platform }: RouteContext): Promise<void> {
  const p = await platform();
  const parsed = listingInputSchema.safeParse(await readJson(req));
  if (!parsed.success) {
    const bad = invalidListing(parsed.error.issues);
    throw new HttpError(400, bad.error, bad.message, bad.details);
  }
  const result = await deps.ingestOne(p, parsed.data);
  sendJson(res, result.created ? 201 : 200, answer(result));
}

type BatchItem = { ok: true; value: unknown } | { ok: false; error: string; message: string };

/** The body's items: JSON lines (one listing a line, blank lines skipped) or a JSON array. */
function batchItems(type: string, body: string): BatchItem[] {
  if (type.startsWith('application/x-ndjson')) {
    const items: BatchItem[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      try {
        items.push({ ok: true, value: JSON.parse(line) });
      } catch {
        items.push({ ok: false, error: 'invalid_json', message: 'this line is not valid JSON' });
      }
      if (items.length > MAX_BATCH_LISTINGS) break;
    }
    return items;
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
  if (!Array.isArray(value))
    throw new HttpError(400, 'invalid_batch', 'send a JSON array of listings, or JSON lines');
  return value.map((v) => ({ ok: true, value: v }));
}

/**
 * POST /v1/listings:batch: up to 1,000 listings as JSON lines (application/x-ndjson) or a JSON array
 * (application/json). Answers 200 with one result per listing, in order: what POST /v1/listings would
 * have answered for it (with its status), or its own error. Benign listings are stored together;
 * flagged ones open their cases one by one (workflows/use-cases/ingest-batch.ts).
 */
export async function postListingBatch({ req, res, deps, platform }: RouteContext): Promise<void> {
  const p = await platform();
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-ndjson') && !type.startsWith('application/json')) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'send JSON lines (application/x-ndjson) or a JSON array (application/json)',
    );
  }
  const items = batchItems(type, await readText(req, MAX_BATCH_BYTES));
  if (items.length === 0) throw new HttpError(400, 'empty_batch', 'the batch holds no listings');
  if (items.length > MAX_BATCH_LISTINGS)
    throw new HttpError(413, 'too_many_listings', `a batch holds at most ${MAX_BATCH_LISTINGS} listings`);

  const results: Record<string, unknown>[] = new Array(items.length);
  const valid: { index: number; listing: ReturnType<typeof listingInputSchema.parse> }[] = [];
  items.forEach((item, index) => {
    if (!item.ok) {
      results[index] = { status: 400, error: item.error, message: item.message };
      return;
    }
    const parsed = listingInputSchema.safeParse(item.value);
    if (parsed.success) valid.push({ index, listing: parsed.data });
    else results[index] = { status: 400, ...invalidListing(parsed.error.issues) };
  });
  const outcomes = await ingestBatch(
    deps,
    p.id,
    valid.map((v) => v.listing),
    // Cases are committed before the answer; their workflows start right after it, from the outbox.
    { benignStorage: p.benignStorage, deferStarts: true },
  );
  outcomes.forEach((outcome, i) => {
    const { index, listing } = valid[i]!;
    if (outcome.ok) {
      results[index] = {
        status: outcome.result.created ? 201 : 200,
        externalId: listing.externalId,
        ...answer(outcome.result),
      };
    } else {
      log.error('batch listing failed', {
        platformId: p.id,
        externalId: listing.externalId,
        error: outcome.error,
      });
      results[index] = {
        status: 500,
        externalId: listing.externalId,
        error: 'internal_error',
        message: 'internal error: send this listing again',
      };
    }
  });
  const count = (f: (r: Record<string, unknown>) => boolean) => results.filter(f).length;
  sendJson(res, 200, {
    received: results.length,
    // Counted listings (a platform keeping counts only of allowed listings) are handled as well as stored.
    stored: count((r) => r.status === 200 || r.status === 201),
    flagged: count((r) => r.verdict !== undefined && r.verdict !== 'allow'),
    errors: count((r) => typeof r.status === 'number' && r.status >= 400),
    results,
  });
}
