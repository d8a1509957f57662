// The receiver's side of the live exchange: pull a trusted peer's feed page by page, apply each signed
// bundle in one transaction with the cursor it moves to (a crash between fetch and apply fetches the same
// page again, and applying it twice is impossible: the cursor no longer matches), then push the feedback
// this deployment addressed to that peer.
import type { KeyObject } from 'node:crypto';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import { ShareError } from './bundle.ts';
import { applyBundle, type ImportPolicy, type ImportReport, verifyIncoming } from './import.ts';
import { readFeed, signFeedBundle } from './outbox.ts';
import { REQUEST_SKEW_MS, signShareRequest } from './peer-auth.ts';

export const FEED_PATH = '/v1/share/bundles';
/** Pages fetched from one peer in one run; the rest waits for the next run. */
const MAX_PAGES = 100;
/** A fetched bundle larger than this is refused (the origin's image banks are the large part). */
const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

export interface FetchDeps {
  pool: Pool;
  /** This deployment's origin name and signing key. */
  self: string;
  key: KeyObject;
  policy?: Partial<ImportPolicy>;
  fetch?: typeof fetch;
  /** Lifetime of pushed feedback items. */
  ttlDays?: number;
  timeoutMs?: number;
}

export interface FetchSummary {
  origin: string;
  pages: number;
  cursor: number;
  accepted: number;
  quarantined: number;
  rejected: number;
  withdrawn: number;
  feedbackReceived: number;
  feedbackPushed: number;
}

export class PeerFetchError extends Error {
  constructor(
    readonly origin: string,
    message: string,
    /** A refusal that will not change by asking again (a bad signature, an unknown key). */
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'PeerFetchError';
  }
}

interface PeerRow {
  origin: string;
  url: string | null;
  fetch_cursor: string;
  push_cursor: string;
}

async function readBody(res: Response, origin: string): Promise<unknown> {
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_BUNDLE_BYTES)
    throw new PeerFetchError(origin, `the bundle is larger than ${MAX_BUNDLE_BYTES} bytes`);
  const text = await res.text();
  if (text.length > MAX_BUNDLE_BYTES)
    throw new PeerFetchError(origin, `the bundle is larger than ${MAX_BUNDLE_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new PeerFetchError(origin, `${res.status} answer is not JSON`);
  }
}

async function request(
  deps: FetchDeps,
  peer: { origin: string; url: string },
  method: string,
  target: string,
  body?: unknown,
) {
  const headers = signShareRequest(deps.key, { origin: deps.self, audience: peer.origin, method, target });
  try {
    return await (deps.fetch ?? fetch)(new URL(target, peer.url), {
      method,
      headers: {
        ...headers,
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(deps.timeoutMs ?? 60_000),
    });
  } catch (err) {
    throw new PeerFetchError(peer.origin, `cannot reach ${peer.url}: ${(err as Error).message}`);
  }
}

async function failIfNotOk(res: Response, origin: string): Promise<void> {
  if (res.ok) return;
  const answer = (await readBody(res, origin).catch(() => null)) as { message?: string } | null;
  throw new PeerFetchError(
    origin,
    `${res.status} from ${origin}: ${answer?.message ?? res.statusText}`,
    res.status === 401 || res.status === 403,
  );
}

/** Pulls what the peer changed since the last applied cursor, then pushes our feedback for it. */
export async function fetchPeer(
  deps: FetchDeps,
  origin: string,
  now = () => new Date(),
): Promise<FetchSummary> {
  const { rows } = await deps.pool.query<PeerRow>(
    'SELECT origin, url, fetch_cursor, push_cursor FROM share_peers WHERE origin = $1 AND enabled',
    [origin],
  );
  const row = rows[0];
  if (!row?.url)
    throw new PeerFetchError(origin, `no trusted peer "${origin}" with a URL (share trust --url)`, true);
  const peer = { origin, url: row.url };
  const summary: FetchSummary = {
    origin,
    pages: 0,
    cursor: Number(row.fetch_cursor),
    accepted: 0,
    quarantined: 0,
    rejected: 0,
    withdrawn: 0,
    feedbackReceived: 0,
    feedbackPushed: 0,
  };
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const since = summary.cursor;
      const res = await request(deps, peer, 'GET', `${FEED_PATH}?since=${since}`);
      await failIfNotOk(res, origin);
      const verified = await verifyIncoming(deps.pool, await readBody(res, origin)).catch((err) => {
        throw err instanceof ShareError ? new PeerFetchError(origin, `refused: ${err.message}`, true) : err;
      });
      const { body } = verified;
      // The answer must be the one asked for: from this peer, for us, for this cursor, and just made.
      if (verified.origin !== origin)
        throw new PeerFetchError(origin, `the answer is signed as "${verified.origin}"`, true);
      if (!body.feed || body.feed.audience !== deps.self || body.feed.since !== since)
        throw new PeerFetchError(
          origin,
          'the answer is not the feed page asked for (replayed or misdirected)',
          true,
        );
      if (Math.abs(Date.parse(body.createdAt) - now().getTime()) > REQUEST_SKEW_MS)
        throw new PeerFetchError(
          origin,
          'the answer is not fresh (replayed, or the clocks differ by over 5 minutes)',
        );
      const feed = body.feed;
      const report = await inTransaction(deps.pool, async (tx): Promise<ImportReport | null> => {
        const { rows: cur } = await tx.query<{ fetch_cursor: string }>(
          'SELECT fetch_cursor FROM share_peers WHERE origin = $1 FOR UPDATE',
          [origin],
        );
        // Another fetch applied this page meanwhile: go on from where it left.
        if (Number(cur[0]?.fetch_cursor) !== since) return null;
        const applied = await applyBundle(tx, verified, {
          actor: `peer:${origin}`,
          policy: deps.policy,
          self: deps.self,
        });
        await tx.query(
          'UPDATE share_peers SET fetch_cursor = $2, fetched_at = now(), fetch_error = NULL WHERE origin = $1',
          [origin, feed.cursor],
        );
        return applied;
      });
      summary.pages++;
      if (!report) {
        const { rows: cur } = await deps.pool.query<{ fetch_cursor: string }>(
          'SELECT fetch_cursor FROM share_peers WHERE origin = $1',
          [origin],
        );
        summary.cursor = Number(cur[0]?.fetch_cursor ?? feed.cursor);
        continue;
      }
      summary.cursor = feed.cursor;
      summary.accepted += report.accepted;
      summary.quarantined += report.quarantined;
      summary.rejected += report.rejected;
      summary.withdrawn += report.withdrawn;
      summary.feedbackReceived += report.feedback;
      if (!feed.more) break;
    }
    summary.feedbackPushed = await pushFeedback(deps, peer, Number(row.push_cursor), now);
    await deps.pool.query('UPDATE share_peers SET fetched_at = now(), fetch_error = NULL WHERE origin = $1', [
      origin,
    ]);
    return summary;
  } catch (err) {
    await deps.pool.query('UPDATE share_peers SET fetch_error = $2 WHERE origin = $1', [
      origin,
      (err as Error).message.slice(0, 500),
    ]);
    throw err;
  }
}

/**
 * Posts the outbox items addressed to this peer (feedback) as one signed bundle; the push cursor moves
 * after the peer said it stored them. Posting again after a crash is harmless: the peer records feedback
 * once per item.
 */
async function pushFeedback(
  deps: FetchDeps,
  peer: { origin: string; url: string },
  since: number,
  now: () => Date,
): Promise<number> {
  const page = await readFeed(deps.pool, {
    origin: deps.self,
    audience: peer.origin,
    since,
    ttlDays: deps.ttlDays ?? 180,
    onlyAddressed: true,
  });
  if (page.items.length === 0) return 0;
  const bundle = signFeedBundle(
    deps.self,
    { audience: peer.origin, since, cursor: page.cursor, more: page.more },
    page.items,
    deps.key,
    now(),
  );
  const res = await request(deps, peer, 'POST', FEED_PATH, bundle);
  await failIfNotOk(res, peer.origin);
  await deps.pool.query('UPDATE share_peers SET push_cursor = greatest(push_cursor, $2) WHERE origin = $1', [
    peer.origin,
    page.cursor,
  ]);
  return page.items.length;
}

/** Peers with a URL, the ones the schedule fetches. */
export async function fetchablePeers(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ origin: string }>(
    'SELECT origin FROM share_peers WHERE enabled AND url IS NOT NULL ORDER BY origin',
  );
  return rows.map((r) => r.origin);
}
