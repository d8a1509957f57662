// The live exchange between trusted deployments. A peer signs each request with its share signing key
// (workflows/sharing/peer-auth.ts); this deployment must trust that peer's key (`share trust`).
//   GET  /v1/share/bundles?since=<cursor>  a signed bundle of what changed in our feed since the cursor
//   POST /v1/share/bundles                 a peer pushes a signed bundle to us (its feedback on our items)
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { inTransaction } from '../../shared/db/pool.ts';
import { ShareError } from '../../workflows/sharing/bundle.ts';
import { applyBundle, type ImportPolicy, verifyIncoming } from '../../workflows/sharing/import.ts';
import { type FeedConfig, feedBundle } from '../../workflows/sharing/outbox.ts';
import { PeerAuthError, verifyShareRequest } from '../../workflows/sharing/peer-auth.ts';
import { HttpError, readJson, sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';

export interface ShareApiDeps {
  feed: FeedConfig;
  key: KeyObject;
  policy?: Partial<ImportPolicy>;
}

/** Pushed bundles hold feedback: small. */
const MAX_PUSH_BYTES = 4 * 1024 * 1024;

const sinceSchema = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0);

async function peer(ctx: RouteContext, share: ShareApiDeps): Promise<string> {
  try {
    return await verifyShareRequest(ctx.deps.pool, {
      headers: ctx.req.headers,
      method: ctx.req.method ?? 'GET',
      target: ctx.req.url ?? '',
      audience: share.feed.origin,
    });
  } catch (err) {
    if (err instanceof PeerAuthError) throw new HttpError(401, 'unauthorized', err.message);
    throw err;
  }
}

function configured(ctx: RouteContext): ShareApiDeps {
  if (!ctx.deps.share)
    throw new HttpError(
      404,
      'not_found',
      'sharing is not configured here (SHARE_ORIGIN and SHARE_SIGNING_KEY_FILE)',
    );
  return ctx.deps.share;
}

export async function getShareBundles(ctx: RouteContext): Promise<void> {
  const share = configured(ctx);
  const audience = await peer(ctx, share);
  const since = sinceSchema.safeParse(ctx.url.searchParams.get('since') ?? undefined);
  if (!since.success)
    throw new HttpError(400, 'invalid_query', 'since must be a cursor from an earlier answer (0 for all)');
  const bundle = await feedBundle(ctx.deps.pool, share.feed, share.key, { audience, since: since.data });
  sendJson(ctx.res, 200, bundle);
}

export async function postShareBundle(ctx: RouteContext): Promise<void> {
  const share = configured(ctx);
  const sender = await peer(ctx, share);
  const input = await readJson(ctx.req, MAX_PUSH_BYTES);
  try {
    const verified = await verifyIncoming(ctx.deps.pool, input);
    if (verified.origin !== sender)
      throw new HttpError(403, 'forbidden', `a bundle signed by "${verified.origin}" sent by "${sender}"`);
    if (verified.body.feed?.audience !== share.feed.origin)
      throw new HttpError(400, 'misdirected', `the bundle is not addressed to ${share.feed.origin}`);
    const report = await inTransaction(ctx.deps.pool, (tx) =>
      applyBundle(tx, verified, { actor: `peer:${sender}`, policy: share.policy, self: share.feed.origin }),
    );
    const { items: _items, skipped, ...counts } = report;
    sendJson(ctx.res, 200, { ...counts, skipped: skipped.length });
  } catch (err) {
    if (err instanceof ShareError) throw new HttpError(400, err.code, err.message);
    throw err;
  }
}
