// Imports a signed share bundle: verifies it against the origin's trusted key, then decides each item
// (accept, quarantine or reject) under the importer's policy. Expired or future-dated items are
// rejected whatever the policy. Accepted image hashes go into a bank named after the origin.
import { createPublicKey } from 'node:crypto';
import { parseBankFile } from '../../detectors/image/bank-formats.ts';
import { addItems, BankError, createBank, getBank } from '../../detectors/image/bank-store.ts';
import { appendAudit } from '../../shared/db/audit.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import {
  claimedOrigin,
  type ItemType,
  ShareError,
  type ShareItem,
  type SkippedItem,
  verifyBundle,
} from './bundle.ts';

export type ImportAction = 'accept' | 'quarantine' | 'reject';
export type ItemStatus = 'accepted' | 'quarantined' | 'rejected';
export type ImportPolicy = Record<ItemType, ImportAction>;

/**
 * Seller and photo signals are accepted (they only link and raise priority, never act on their own); hash
 * banks and keyword libraries wait in quarantine for a person to look at them.
 */
export const DEFAULT_IMPORT_POLICY: ImportPolicy = {
  'seller-signal': 'accept',
  'photo-signal': 'accept',
  'image-hashes': 'quarantine',
  'keyword-library': 'quarantine',
};

const STATUS: Record<ImportAction, ItemStatus> = {
  accept: 'accepted',
  quarantine: 'quarantined',
  reject: 'rejected',
};

export interface ItemDecision {
  itemId: string;
  type: ItemType;
  status: ItemStatus;
  reason: string | null;
  /** False when a newer bundle from the origin already decided this item (a replayed older bundle). */
  applied?: boolean;
}

export interface ImportReport {
  bundleId: string;
  origin: string;
  duplicate: boolean;
  accepted: number;
  quarantined: number;
  rejected: number;
  /** Items left as a newer bundle had set them. */
  stale: number;
  items: ItemDecision[];
  /** Items this deployment cannot read (newer types, malformed): not stored; the rest is imported. */
  skipped: SkippedItem[];
}

export interface ImportOptions {
  actor: string;
  policy?: Partial<ImportPolicy>;
  now?: Date;
}

/** Allowed clock skew for an item's creation time. */
const SKEW_MS = 5 * 60 * 1000;

export function decideItem(item: ShareItem, origin: string, policy: ImportPolicy, now: Date): ItemDecision {
  const reject = (reason: string): ItemDecision => ({
    itemId: item.id,
    type: item.type,
    status: 'rejected',
    reason,
  });
  if (item.provenance.origin !== origin) return reject('provenance names another origin than the bundle');
  if (Date.parse(item.expiresAt) <= now.getTime()) return reject('expired');
  if (Date.parse(item.createdAt) > now.getTime() + SKEW_MS) return reject('created in the future');
  if (Date.parse(item.expiresAt) <= Date.parse(item.createdAt))
    return reject('expires before it was created');
  if (item.type === 'image-hashes') {
    const parsed = parseBankFile(item.payload.content, item.payload.format, `share:${origin}`);
    if (parsed.errors.length) return reject(`invalid image hashes: ${parsed.errors[0]}`);
  }
  const action = policy[item.type];
  return {
    itemId: item.id,
    type: item.type,
    status: STATUS[action],
    reason: action === 'accept' ? null : `policy: ${action} ${item.type}`,
  };
}

export function sharedBankName(origin: string): string {
  return `SHARED_${origin.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`.slice(0, 100);
}

async function applyImageHashes(
  db: Pool,
  origin: string,
  item: Extract<ShareItem, { type: 'image-hashes' }>,
  actor: string,
) {
  const name = sharedBankName(origin);
  try {
    await getBank(db, name);
  } catch (err) {
    if (!(err instanceof BankError) || err.code !== 'not_found') throw err;
    await createBank(db, { name, description: `Hashes shared by ${origin}` }, actor);
  }
  const parsed = parseBankFile(item.payload.content, item.payload.format, `share:${origin}`);
  const items = parsed.items.map((i) => ({
    ...i,
    metadata: { ...(i.metadata ?? {}), sharedFrom: origin, sharedBank: item.payload.bank },
  }));
  return addItems(db, name, items, actor);
}

export async function importBundle(db: Pool, input: unknown, o: ImportOptions): Promise<ImportReport> {
  const now = o.now ?? new Date();
  const policy = { ...DEFAULT_IMPORT_POLICY, ...o.policy };
  const origin = claimedOrigin(input);
  const { rows: peers } = await db.query<{ public_key: string }>(
    'SELECT public_key FROM share_peers WHERE origin = $1 AND enabled',
    [origin],
  );
  if (!peers[0]) throw new ShareError('unknown_origin', `no trusted key for origin "${origin}"`);
  const { id, body, skipped } = verifyBundle(input, createPublicKey(peers[0].public_key));

  const report = await inTransaction(db, async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO share_bundles (id, origin, created_at, imported_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING`,
      [id, origin, body.createdAt, o.actor],
    );
    const result: ImportReport = {
      bundleId: id,
      origin,
      duplicate: inserted.rowCount === 0,
      accepted: 0,
      quarantined: 0,
      rejected: 0,
      stale: 0,
      items: [],
      skipped,
    };
    if (result.duplicate) return result;
    for (const item of body.items) {
      const d = decideItem(item, origin, policy, now);
      result.items.push(d);
      // Signals keep their hash in a column so linking can compare it; a photo's "kind" is 'photo'.
      const signal =
        item.type === 'seller-signal'
          ? item.payload
          : item.type === 'photo-signal'
            ? { kind: 'photo', hash: item.payload.pdq }
            : null;
      const written = await tx.query(
        `INSERT INTO shared_items (bundle_id, origin, item_id, type, signal_kind, hash, payload, provenance, expires_at,
                                   status, reason, decided_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (origin, item_id) DO UPDATE SET bundle_id = EXCLUDED.bundle_id, payload = EXCLUDED.payload,
           provenance = EXCLUDED.provenance, expires_at = EXCLUDED.expires_at, status = EXCLUDED.status,
           reason = EXCLUDED.reason, decided_by = EXCLUDED.decided_by, decided_at = now()
         -- a replayed older bundle never overrides what a newer one said
         WHERE (SELECT created_at FROM share_bundles WHERE id = shared_items.bundle_id) <= $13
         RETURNING id`,
        [
          id,
          origin,
          item.id,
          item.type,
          signal?.kind ?? null,
          signal?.hash ?? null,
          JSON.stringify(item.payload),
          JSON.stringify(item.provenance),
          item.expiresAt,
          d.status,
          d.reason,
          o.actor,
          body.createdAt,
        ],
      );
      d.applied = written.rowCount === 1;
      if (d.applied) result[d.status]++;
      else result.stale++;
    }
    const summary = {
      accepted: result.accepted,
      quarantined: result.quarantined,
      rejected: result.rejected,
      stale: result.stale,
      skipped: skipped.length,
    };
    await tx.query('UPDATE share_bundles SET summary = $2 WHERE id = $1', [id, JSON.stringify(summary)]);
    await appendAudit(tx, {
      actor: o.actor,
      action: 'share.import',
      subjectType: 'share_bundle',
      subjectId: id,
      details: { origin, ...summary },
    });
    return result;
  });

  for (const item of body.items) {
    const d = report.items.find((x) => x.itemId === item.id);
    if (d?.applied && d.status === 'accepted' && item.type === 'image-hashes')
      await applyImageHashes(db, origin, item, o.actor);
  }
  return report;
}

/** A person's decision on a quarantined (or earlier) item; accepting image hashes adds them to the bank. */
export async function decideSharedItem(
  db: Pool,
  id: number,
  action: 'accept' | 'reject',
  actor: string,
  reason?: string,
) {
  const status = STATUS[action];
  const { rows } = await db.query(
    `UPDATE shared_items SET status = $2, reason = $3, decided_by = $4, decided_at = now()
     WHERE id = $1 AND expires_at > now() RETURNING origin, item_id, type, payload`,
    [id, status, reason ?? null, actor],
  );
  const row = rows[0];
  if (!row) throw new ShareError('invalid_bundle', `no unexpired shared item ${id}`);
  await appendAudit(db, {
    actor,
    action: `share.item.${action}`,
    subjectType: 'shared_item',
    subjectId: String(id),
    details: { origin: row.origin, itemId: row.item_id },
  });
  if (status === 'accepted' && row.type === 'image-hashes') {
    await applyImageHashes(
      db,
      row.origin,
      { type: 'image-hashes', payload: row.payload } as Extract<ShareItem, { type: 'image-hashes' }>,
      actor,
    );
  }
  return { id, status };
}
