// Imports a signed share bundle: verifies it against the origin's trusted key, then decides each item
// (accept, quarantine or reject) under the importer's policy. Expired or future-dated items are
// rejected whatever the policy. Accepted image hashes go into a bank named after the origin; accepted
// keyword libraries become proposed entries in a new library version, for the curators; accepted candidate
// terms become this deployment's term candidates, for its curators' Slack cards. Withdrawals undo
// what they refer to; feedback addressed to this deployment is recorded. Everything of one bundle is
// applied in one transaction, together with whatever the caller adds (a fetcher's cursor).
import { createPublicKey } from 'node:crypto';
import { parseBankFile } from '../../detectors/image/bank-formats.ts';
import {
  addItemsIn,
  BankError,
  createBankIn,
  getBank,
  retainTaggedItems,
} from '../../detectors/image/bank-store.ts';
import { librarySchema } from '../../keywords/schema.ts';
import { proposeEntries } from '../../keywords/versions.ts';
import { appendAudit } from '../../shared/db/audit.ts';
import { inTransaction, type Pool, type Queryable } from '../../shared/db/pool.ts';
import { insertSharedCandidate } from '../../shared/db/term-candidates.ts';
import {
  type BundleBody,
  type ContentType,
  claimedOrigin,
  ShareError,
  type ShareItem,
  type SkippedItem,
  verifyBundle,
} from './bundle.ts';

export type ImportAction = 'accept' | 'quarantine' | 'reject';
export type ItemStatus = 'accepted' | 'quarantined' | 'rejected';
export type ImportPolicy = Record<ContentType, ImportAction>;
type ContentItem = Extract<ShareItem, { type: ContentType }>;
type Withdrawal = Extract<ShareItem, { type: 'withdrawal' }>;
type Feedback = Extract<ShareItem, { type: 'feedback' }>;

/**
 * Seller and photo signals are accepted (they only link and raise priority, never act on their own); hash
 * banks, keyword libraries and candidate terms wait in quarantine for a person to look at them.
 */
export const DEFAULT_IMPORT_POLICY: ImportPolicy = {
  'seller-signal': 'accept',
  'photo-signal': 'accept',
  'image-hashes': 'quarantine',
  'keyword-library': 'quarantine',
  'term-candidate': 'quarantine',
};

const STATUS: Record<ImportAction, ItemStatus> = {
  accept: 'accepted',
  quarantine: 'quarantined',
  reject: 'rejected',
};

export interface ItemDecision {
  itemId: string;
  type: ContentType;
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
  /** Items of this origin that a withdrawal in the bundle took out of use. */
  withdrawn: number;
  /** Feedback items addressed to this deployment, recorded. */
  feedback: number;
  items: ItemDecision[];
  /** Items this deployment cannot read (newer types, malformed): not stored; the rest is imported. */
  skipped: SkippedItem[];
}

export interface ImportOptions {
  actor: string;
  policy?: Partial<ImportPolicy>;
  now?: Date;
  /** This deployment's own origin name: feedback items addressed to it are recorded. */
  self?: string;
}

export interface VerifiedBundle {
  id: string;
  origin: string;
  body: BundleBody;
  skipped: SkippedItem[];
}

/** Allowed clock skew for an item's creation time. */
const SKEW_MS = 5 * 60 * 1000;

export function decideItem(item: ContentItem, origin: string, policy: ImportPolicy, now: Date): ItemDecision {
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
  if (item.type === 'keyword-library' && !librarySchema.safeParse(item.payload.library).success)
    return reject('invalid keyword library');
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

/** The name a shared item goes by in `share pending`, `share decide` and `share feedback`. */
export function sharedItemName(origin: string, itemId: string): string {
  return `${origin}/${itemId}`;
}

const withdrawnHashReason = (origin: string) => `withdrawn by ${origin}`;

/**
 * The origin's bank, as this snapshot has it: its hashes are added (or enabled again) in the bank named
 * after the origin, and the hashes an earlier snapshot of the same bank had but this one lacks are disabled.
 */
async function applyImageHashes(
  tx: Queryable,
  origin: string,
  payload: Extract<ShareItem, { type: 'image-hashes' }>['payload'],
  actor: string,
) {
  const name = sharedBankName(origin);
  try {
    await getBank(tx, name);
  } catch (err) {
    if (!(err instanceof BankError) || err.code !== 'not_found') throw err;
    await createBankIn(tx, { name, description: `Hashes shared by ${origin}` }, actor);
  }
  const parsed = parseBankFile(payload.content, payload.format, `share:${origin}`);
  const tag = { sharedFrom: origin, sharedBank: payload.bank };
  const items = parsed.items.map((i) => ({ ...i, metadata: { ...(i.metadata ?? {}), ...tag } }));
  await addItemsIn(tx, name, items, actor);
  await retainTaggedItems(
    tx,
    name,
    tag,
    items.flatMap((i) => (i.pdq ? [i.pdq.toLowerCase()] : [])),
    withdrawnHashReason(origin),
    actor,
  );
}

/** Takes a withdrawn (or rejected) item's hashes out of the shared bank; signals stop by their status. */
async function unapply(
  tx: Queryable,
  origin: string,
  type: string,
  payload: Record<string, unknown>,
  actor: string,
) {
  if (type !== 'image-hashes') return;
  try {
    await retainTaggedItems(
      tx,
      sharedBankName(origin),
      { sharedFrom: origin, sharedBank: String(payload.bank) },
      [],
      withdrawnHashReason(origin),
      actor,
    );
  } catch (err) {
    if (!(err instanceof BankError) || err.code !== 'not_found') throw err;
  }
}

/** Disables the shared bank's hashes from the origin's bank that a newer snapshot no longer has. */
async function narrowImageHashes(
  tx: Queryable,
  origin: string,
  payload: Extract<ShareItem, { type: 'image-hashes' }>['payload'],
  actor: string,
) {
  const parsed = parseBankFile(payload.content, payload.format, `share:${origin}`);
  const keep = new Set(parsed.items.flatMap((i) => (i.pdq ? [i.pdq.toLowerCase()] : [])));
  const bank = sharedBankName(origin);
  const { rows } = await tx.query<{ pdq: string }>(
    `SELECT i.pdq FROM image_hash_items i JOIN image_hash_banks b ON b.id = i.bank_id
     WHERE b.name = $1 AND i.enabled AND i.pdq IS NOT NULL AND i.metadata @> $2::jsonb`,
    [bank, JSON.stringify({ sharedFrom: origin, sharedBank: payload.bank })],
  );
  await retainTaggedItems(
    tx,
    bank,
    { sharedFrom: origin, sharedBank: payload.bank },
    rows.map((r) => r.pdq).filter((p) => keep.has(p)),
    withdrawnHashReason(origin),
    actor,
  );
}

/**
 * Puts an accepted item to use: hashes into the shared bank, library entries and candidate terms up for the
 * curators. A candidate term, once stored here, is this deployment's curators' to accept or dismiss: a later
 * withdrawal or rejection of the shared item leaves it to them.
 */
async function applyAccepted(
  tx: Queryable,
  origin: string,
  type: string,
  payload: Record<string, unknown>,
  actor: string,
) {
  if (type === 'image-hashes') {
    await applyImageHashes(
      tx,
      origin,
      payload as Extract<ShareItem, { type: 'image-hashes' }>['payload'],
      actor,
    );
  } else if (type === 'keyword-library') {
    const library = librarySchema.parse(payload.library);
    await proposeEntries(tx, library, {
      source: `shared by ${origin} (version ${library.version})`,
      by: actor,
      skipWhenNothingNew: true,
    });
  } else if (type === 'term-candidate') {
    await insertSharedCandidate(
      tx,
      payload as Extract<ShareItem, { type: 'term-candidate' }>['payload'],
      origin,
    );
  }
}

/** Checks the claimed origin's signature with its trusted key; nothing is stored. */
export async function verifyIncoming(db: Queryable, input: unknown): Promise<VerifiedBundle> {
  const origin = claimedOrigin(input);
  const { rows: peers } = await db.query<{ public_key: string }>(
    'SELECT public_key FROM share_peers WHERE origin = $1 AND enabled',
    [origin],
  );
  if (!peers[0]) throw new ShareError('unknown_origin', `no trusted key for origin "${origin}"`);
  return { origin, ...verifyBundle(input, createPublicKey(peers[0].public_key)) };
}

async function applyWithdrawal(
  tx: Queryable,
  bundle: VerifiedBundle,
  item: Withdrawal,
  actor: string,
): Promise<boolean> {
  if (item.provenance.origin !== bundle.origin) return false;
  // Only what an older (or the same) bundle said is withdrawn: a replayed withdrawal cannot undo a newer share.
  const { rows } = await tx.query<{ old_status: string; type: string; payload: Record<string, unknown> }>(
    `UPDATE shared_items si SET status = 'withdrawn', reason = $3, decided_by = $4, decided_at = now(), bundle_id = $5
     FROM (SELECT id, status AS old_status FROM shared_items WHERE origin = $1 AND item_id = $2 FOR UPDATE) old
     WHERE si.id = old.id AND si.status <> 'withdrawn'
       AND (SELECT created_at FROM share_bundles WHERE id = si.bundle_id) <= $6
     RETURNING old.old_status, si.type, si.payload`,
    [
      bundle.origin,
      item.payload.itemId,
      `withdrawn by ${bundle.origin}: ${item.payload.reason}`,
      actor,
      bundle.id,
      bundle.body.createdAt,
    ],
  );
  const row = rows[0];
  if (!row) return false;
  if (row.old_status === 'accepted') await unapply(tx, bundle.origin, row.type, row.payload, actor);
  await appendAudit(tx, {
    actor,
    action: 'share.item.withdrawn',
    subjectType: 'shared_item',
    subjectId: sharedItemName(bundle.origin, item.payload.itemId),
    details: { reason: item.payload.reason, was: row.old_status },
  });
  return true;
}

async function recordFeedback(
  tx: Queryable,
  bundle: VerifiedBundle,
  item: Feedback,
  self: string | undefined,
  actor: string,
): Promise<boolean> {
  if (!self || item.payload.to !== self || item.provenance.origin !== bundle.origin) return false;
  await tx.query(
    `INSERT INTO share_feedback (from_origin, item_id, verdict, note, bundle_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (from_origin, item_id) DO UPDATE SET verdict = EXCLUDED.verdict, note = EXCLUDED.note,
       bundle_id = EXCLUDED.bundle_id, received_at = now()`,
    [bundle.origin, item.payload.itemId, item.payload.verdict, item.payload.note ?? null, bundle.id],
  );
  await appendAudit(tx, {
    actor,
    action: 'share.feedback.received',
    subjectType: 'share_outbox_item',
    subjectId: item.payload.itemId,
    details: { from: bundle.origin, verdict: item.payload.verdict, note: item.payload.note ?? null },
  });
  return true;
}

/** Applies a verified bundle in the caller's transaction. A bundle applied before is a no-op. */
export async function applyBundle(
  tx: Queryable,
  bundle: VerifiedBundle,
  o: ImportOptions,
): Promise<ImportReport> {
  const now = o.now ?? new Date();
  const policy = { ...DEFAULT_IMPORT_POLICY, ...o.policy };
  const { id, origin, body, skipped } = bundle;
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
    withdrawn: 0,
    feedback: 0,
    items: [],
    skipped,
  };
  if (result.duplicate) return result;
  for (const item of body.items) {
    if (item.type === 'withdrawal') {
      if (await applyWithdrawal(tx, bundle, item, o.actor)) result.withdrawn++;
      continue;
    }
    if (item.type === 'feedback') {
      if (await recordFeedback(tx, bundle, item, o.self, o.actor)) result.feedback++;
      continue;
    }
    const d = decideItem(item, origin, policy, now);
    result.items.push(d);
    // Signals keep their hash in a column so linking can compare it; a photo's "kind" is 'photo'.
    const signal =
      item.type === 'seller-signal'
        ? item.payload
        : item.type === 'photo-signal'
          ? { kind: 'photo', hash: item.payload.pdq }
          : null;
    const { rows } = await tx.query<{ status: ItemStatus; previous: string | null }>(
      `WITH previous AS (SELECT status FROM shared_items WHERE origin = $2 AND item_id = $3)
       INSERT INTO shared_items (bundle_id, origin, item_id, type, signal_kind, hash, payload, provenance, expires_at,
                                 status, reason, decided_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (origin, item_id) DO UPDATE SET bundle_id = EXCLUDED.bundle_id, payload = EXCLUDED.payload,
         provenance = EXCLUDED.provenance, expires_at = EXCLUDED.expires_at,
         -- the same content sent again (a refresh) keeps what a person decided on it
         status = CASE WHEN EXCLUDED.status <> 'rejected' AND shared_items.status IN ('accepted', 'rejected')
                        AND shared_items.payload = EXCLUDED.payload THEN shared_items.status ELSE EXCLUDED.status END,
         reason = CASE WHEN EXCLUDED.status <> 'rejected' AND shared_items.status IN ('accepted', 'rejected')
                        AND shared_items.payload = EXCLUDED.payload THEN shared_items.reason ELSE EXCLUDED.reason END,
         decided_by = EXCLUDED.decided_by, decided_at = now()
       -- a replayed older bundle never overrides what a newer one said
       WHERE (SELECT created_at FROM share_bundles WHERE id = shared_items.bundle_id) <= $13
       RETURNING status, (SELECT status FROM previous) AS previous`,
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
    d.applied = rows.length === 1;
    if (!d.applied) {
      result.stale++;
      continue;
    }
    d.status = rows[0]!.status;
    result[d.status]++;
    if (d.status === 'accepted')
      await applyAccepted(tx, origin, item.type, item.payload as Record<string, unknown>, o.actor);
    else if (rows[0]!.previous === 'accepted' && d.status === 'quarantined' && item.type === 'image-hashes')
      // A changed bank waits for a person before its new hashes are used; the hashes it dropped stop now.
      await narrowImageHashes(tx, origin, item.payload, o.actor);
    else if (rows[0]!.previous === 'accepted')
      await unapply(tx, origin, item.type, item.payload as Record<string, unknown>, o.actor);
  }
  const summary = {
    accepted: result.accepted,
    quarantined: result.quarantined,
    rejected: result.rejected,
    stale: result.stale,
    withdrawn: result.withdrawn,
    feedback: result.feedback,
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
}

/** The file route: verify, then apply in one transaction. */
export async function importBundle(db: Pool, input: unknown, o: ImportOptions): Promise<ImportReport> {
  const verified = await verifyIncoming(db, input);
  return inTransaction(db, (tx) => applyBundle(tx, verified, o));
}

export interface SharedItemRow {
  id: number;
  name: string;
  origin: string;
  itemId: string;
  type: string;
  status: string;
  reason: string | null;
  /** What the item holds, in a few words. */
  summary: string;
  receivedAt: Date;
  expiresAt: Date;
}

const ROW_COLUMNS = `id::float8 AS id, origin, item_id, type, status, reason, payload - 'library' - 'content' AS payload,
  provenance, decided_at, expires_at`;

function describe(
  type: string,
  payload: Record<string, unknown>,
  provenance: Record<string, unknown>,
): string {
  switch (type) {
    case 'keyword-library':
      return `keyword library ${payload.version} (${payload.entryCount} entries)`;
    case 'image-hashes':
      return `bank ${payload.bank} (${payload.count} hashes)`;
    case 'seller-signal':
      return `hashed ${payload.kind} seen in ${provenance.removedListings ?? '?'} removed listing(s)`;
    case 'term-candidate':
      // JSON quoting keeps a term's control characters out of the terminal.
      return `candidate term ${JSON.stringify(payload.term)} (${payload.language}, ${payload.status} there; in ${payload.positives} confirmed or missed, ${payload.negatives} rejected or allowed listings; precision ${Math.round(Number(payload.estimatedPrecision) * 100)}%)`;
    case 'photo-signal':
      return `photo hash ${String(payload.pdq).slice(0, 12)}… of ${provenance.removedListings ?? '?'} removed listing(s)`;
    default:
      return type;
  }
}

function toRow(r: Record<string, unknown>): SharedItemRow {
  return {
    id: Number(r.id),
    name: sharedItemName(String(r.origin), String(r.item_id)),
    origin: String(r.origin),
    itemId: String(r.item_id),
    type: String(r.type),
    status: String(r.status),
    reason: (r.reason as string | null) ?? null,
    summary: describe(
      String(r.type),
      r.payload as Record<string, unknown>,
      r.provenance as Record<string, unknown>,
    ),
    receivedAt: r.decided_at as Date,
    expiresAt: r.expires_at as Date,
  };
}

/** Quarantined, unexpired items waiting for a person, oldest first. */
export async function listPending(db: Queryable): Promise<SharedItemRow[]> {
  const { rows } = await db.query(
    `SELECT ${ROW_COLUMNS} FROM shared_items WHERE status = 'quarantined' AND expires_at > now()
     ORDER BY decided_at, id`,
  );
  return rows.map(toRow);
}

/**
 * A shared item by the name `share pending` shows (origin/item-id), a unique beginning of it, or its number.
 * Locks the row when called in a transaction.
 */
export async function findSharedItem(tx: Queryable, ref: string): Promise<SharedItemRow> {
  const trimmed = ref.trim();
  const { rows } = /^\d+$/.test(trimmed)
    ? await tx.query(`SELECT ${ROW_COLUMNS} FROM shared_items WHERE id = $1 FOR UPDATE`, [trimmed])
    : await tx.query(
        `SELECT ${ROW_COLUMNS} FROM shared_items
         WHERE origin || '/' || item_id = $1
            OR (length($1) >= 8 AND starts_with(origin || '/' || item_id, $1)
                AND NOT EXISTS (SELECT 1 FROM shared_items x WHERE x.origin || '/' || x.item_id = $1))
         ORDER BY id LIMIT 2 FOR UPDATE`,
        [trimmed],
      );
  if (rows.length === 0)
    throw new ShareError('not_found', `no shared item "${trimmed}" (see wild-sentinel share pending)`);
  if (rows.length > 1)
    throw new ShareError('not_found', `"${trimmed}" names more than one shared item: give more of the name`);
  return toRow(rows[0]!);
}

/**
 * A person's decision on a quarantined (or earlier) item. Accepting image hashes adds them to the shared
 * bank; accepting a keyword library publishes its new entries as proposed; rejecting an accepted bank
 * takes its hashes out again.
 */
export async function decideSharedItem(
  db: Pool,
  ref: string | number,
  action: 'accept' | 'reject',
  actor: string,
  reason?: string,
): Promise<{ id: number; name: string; status: ItemStatus }> {
  return inTransaction(db, (tx) => decideSharedItemIn(tx, ref, action, actor, reason));
}

/** decideSharedItem inside the caller's transaction. */
export async function decideSharedItemIn(
  tx: Queryable,
  ref: string | number,
  action: 'accept' | 'reject',
  actor: string,
  reason?: string,
): Promise<{ id: number; name: string; status: ItemStatus; origin: string; itemId: string }> {
  const status = STATUS[action];
  const item = await findSharedItem(tx, String(ref));
  if (item.status === 'withdrawn')
    throw new ShareError('not_found', `${item.name} was withdrawn by ${item.origin}: nothing to decide`);
  if (item.expiresAt.getTime() <= Date.now())
    throw new ShareError('not_found', `${item.name} has expired: ask ${item.origin} for a fresh one`);
  const { rows } = await tx.query<{ payload: Record<string, unknown> }>(
    `UPDATE shared_items SET status = $2, reason = $3, decided_by = $4, decided_at = now() WHERE id = $1
     RETURNING payload`,
    [item.id, status, reason ?? null, actor],
  );
  await appendAudit(tx, {
    actor,
    action: `share.item.${action}`,
    subjectType: 'shared_item',
    subjectId: String(item.id),
    details: { origin: item.origin, itemId: item.itemId },
  });
  const payload = rows[0]!.payload;
  if (status === 'accepted' && item.status !== 'accepted')
    await applyAccepted(tx, item.origin, item.type, payload, actor);
  if (status === 'rejected' && item.status === 'accepted')
    await unapply(tx, item.origin, item.type, payload, actor);
  return { id: item.id, name: item.name, status, origin: item.origin, itemId: item.itemId };
}
