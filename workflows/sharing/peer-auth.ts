// Requests between trusted deployments are signed with the requester's share signing key (the same Ed25519
// pair `share keygen` made and the other side trusts with `share trust`), so no extra token has to be
// exchanged or rotated. The signature covers the method, path and query, the deployment asked (so a
// request cannot be replayed to another peer) and a date (so it cannot be replayed later).
import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from '../../shared/db/pool.ts';
import { keyId, originSchema } from './bundle.ts';

export const SHARE_HEADERS = {
  origin: 'x-share-origin',
  date: 'x-share-date',
  signature: 'x-share-signature',
} as const;

/** How far a request's date may be from this deployment's clock. */
export const REQUEST_SKEW_MS = 5 * 60 * 1000;

function signingText(r: { method: string; target: string; audience: string; date: string }): Buffer {
  return Buffer.from(
    ['wild-sentinel/share-request/1', r.method.toUpperCase(), r.target, r.audience, r.date].join('\n'),
  );
}

/** The headers that authenticate `origin` to `audience` for one request. */
export function signShareRequest(
  key: KeyObject,
  r: { origin: string; audience: string; method: string; target: string; now?: Date },
): Record<string, string> {
  const date = (r.now ?? new Date()).toISOString();
  const value = sign(null, signingText({ ...r, date }), key).toString('base64');
  return {
    [SHARE_HEADERS.origin]: r.origin,
    [SHARE_HEADERS.date]: date,
    [SHARE_HEADERS.signature]: `ed25519:${keyId(createPublicKey(key))}:${value}`,
  };
}

export class PeerAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerAuthError';
  }
}

const headersSchema = z.object({
  origin: originSchema,
  date: z.iso.datetime({ offset: true }),
  signature: z.string().regex(/^ed25519:[0-9a-f]{16}:[A-Za-z0-9+/=]{80,100}$/),
});

/** The trusted peer that signed the request; throws PeerAuthError otherwise (never says which check failed
 *  beyond what the caller could see itself). */
export async function verifyShareRequest(
  db: Queryable,
  r: {
    headers: Record<string, string | string[] | undefined>;
    method: string;
    target: string;
    audience: string;
    now?: Date;
  },
): Promise<string> {
  const header = (name: string) => {
    const v = r.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const parsed = headersSchema.safeParse({
    origin: header(SHARE_HEADERS.origin),
    date: header(SHARE_HEADERS.date),
    signature: header(SHARE_HEADERS.signature),
  });
  if (!parsed.success)
    throw new PeerAuthError(
      `sign the request as a trusted peer (${Object.values(SHARE_HEADERS).join(', ')} headers)`,
    );
  const { origin, date, signature } = parsed.data;
  const now = (r.now ?? new Date()).getTime();
  if (Math.abs(Date.parse(date) - now) > REQUEST_SKEW_MS)
    throw new PeerAuthError('the request date is more than 5 minutes from this deployment’s clock');
  const { rows } = await db.query<{ public_key: string }>(
    'SELECT public_key FROM share_peers WHERE origin = $1 AND enabled',
    [origin],
  );
  if (!rows[0]) throw new PeerAuthError(`"${origin}" is not a trusted peer here`);
  const key = createPublicKey(rows[0].public_key);
  const [, id, value] = signature.split(':') as [string, string, string];
  const text = signingText({ method: r.method, target: r.target, audience: r.audience, date });
  if (id !== keyId(key) || !verify(null, text, key, Buffer.from(value, 'base64')))
    throw new PeerAuthError(`the request signature does not verify with the key trusted for "${origin}"`);
  return origin;
}
