// Deployments whose bundles this one trusts: an origin name and its Ed25519 public key.
import { createPublicKey } from 'node:crypto';
import { appendAudit } from '../../shared/db/audit.ts';
import type { Queryable } from '../../shared/db/pool.ts';
import { keyId } from './bundle.ts';

/** Why a peer URL cannot be fetched from (it must be the API's base: the feed path is appended). */
export function peerUrlProblem(url: string): string | undefined {
  if (/^https?:\/\/[^/\s]+\/?$/.test(url)) return undefined;
  return `the peer URL must be its API's base, e.g. https://sentinel.example.org (got ${url.slice(0, 100)})`;
}

export async function trustPeer(
  db: Queryable,
  origin: string,
  publicKeyPem: string,
  actor: string,
  /** The peer's API base URL, to fetch its feed on the schedule; kept as it was when not given. */
  url?: string,
): Promise<string> {
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('a peer key must be an Ed25519 public key');
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  const problem = url === undefined ? undefined : peerUrlProblem(url);
  if (problem) throw new Error(problem);
  await db.query(
    `INSERT INTO share_peers (origin, public_key, added_by, url) VALUES ($1, $2, $3, $4)
     ON CONFLICT (origin) DO UPDATE SET public_key = EXCLUDED.public_key, enabled = true, added_by = EXCLUDED.added_by,
       added_at = now(), url = coalesce(EXCLUDED.url, share_peers.url)`,
    [origin, pem, actor, url?.replace(/\/$/, '') ?? null],
  );
  const id = keyId(key);
  await appendAudit(db, {
    actor,
    action: 'share.peer.trusted',
    subjectType: 'share_peer',
    subjectId: origin,
    details: { keyId: id, url: url ?? null },
  });
  return id;
}

export interface PeerStatus {
  origin: string;
  keyId: string;
  url: string | null;
  fetchCursor: number;
  fetchedAt: Date | null;
  fetchError: string | null;
}

export async function listPeers(db: Queryable): Promise<PeerStatus[]> {
  const { rows } = await db.query(
    'SELECT origin, public_key, url, fetch_cursor, fetched_at, fetch_error FROM share_peers WHERE enabled ORDER BY origin',
  );
  return rows.map((r) => ({
    origin: String(r.origin),
    keyId: keyId(createPublicKey(String(r.public_key))),
    url: (r.url as string | null) ?? null,
    fetchCursor: Number(r.fetch_cursor),
    fetchedAt: (r.fetched_at as Date | null) ?? null,
    fetchError: (r.fetch_error as string | null) ?? null,
  }));
}

export function formatPeer(p: PeerStatus): string {
  const fetched = p.fetchedAt ? `last fetched ${p.fetchedAt.toISOString().slice(0, 16)}Z` : 'never fetched';
  const where = p.url ? `${p.url}, cursor ${p.fetchCursor}, ${fetched}` : 'files only (no URL)';
  return `${p.origin}  key ${p.keyId}  ${where}${p.fetchError ? `; last error: ${p.fetchError}` : ''}`;
}
