// Deployments whose bundles this one trusts: an origin name and its Ed25519 public key.
import { createPublicKey } from 'node:crypto';
import { appendAudit } from '../../shared/db/audit.ts';
import type { Queryable } from '../../shared/db/pool.ts';
import { keyId } from './bundle.ts';

export async function trustPeer(
  db: Queryable,
  origin: string,
  publicKeyPem: string,
  actor: string,
): Promise<string> {
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('a peer key must be an Ed25519 public key');
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  await db.query(
    `INSERT INTO share_peers (origin, public_key, added_by) VALUES ($1, $2, $3)
     ON CONFLICT (origin) DO UPDATE SET public_key = EXCLUDED.public_key, enabled = true, added_by = EXCLUDED.added_by,
       added_at = now()`,
    [origin, pem, actor],
  );
  const id = keyId(key);
  await appendAudit(db, {
    actor,
    action: 'share.peer.trusted',
    subjectType: 'share_peer',
    subjectId: origin,
    details: { keyId: id },
  });
  return id;
}
