// Hash banks in PostgreSQL (migration 0200): banks, their items, and every change audited.
// Inputs are validated with zod here, at the boundary, so the CLI, API and importers share one rule set.
import { z } from 'zod';
import { appendAudit } from '../../shared/db/audit.ts';
import { inTransaction, type Pool, type Queryable } from '../../shared/db/pool.ts';
import { PDQ_MATCH_THRESHOLD, PDQ_QUALITY_THRESHOLD } from './pdq.ts';
import { parseVpdqSignal, type VpdqFeature, vpdqSignalItems } from './vpdq.ts';

export const bankNameSchema = z
  .string()
  .regex(/^[A-Z0-9_]{1,100}$/, 'bank names are CAPS_AND_UNDERSCORES (as in HMA), at most 100 characters');

export const pdqHexSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{64}$/, 'a PDQ hash is 64 hex digits');

export const bankInputSchema = z.object({
  name: bankNameSchema,
  description: z.string().max(2000).default(''),
  kind: z.enum(['positive', 'negative']).default('positive'),
  matchThreshold: z.number().int().min(0).max(63).default(PDQ_MATCH_THRESHOLD),
  qualityFloor: z.number().int().min(0).max(100).default(PDQ_QUALITY_THRESHOLD),
  enabled: z.boolean().default(true),
});
export type BankInput = z.input<typeof bankInputSchema>;

export const bankPatchSchema = bankInputSchema.omit({ name: true }).partial();
export type BankPatch = z.input<typeof bankPatchSchema>;

/** An hour of video at one hash per second: longer entries are refused rather than stored. */
export const MAX_VPDQ_FRAMES = 3600;

export const vpdqFeatureSchema = z.object({
  frameNumber: z.number().int().min(0),
  quality: z.number().int().min(0).max(100),
  hash: pdqHexSchema,
  timestamp: z.number().finite().min(0),
});

export const itemInputSchema = z
  .object({
    /** A photo's PDQ hash, or else `vpdq`: a video's (or animated image's) frame hashes. */
    pdq: pdqHexSchema.optional(),
    vpdq: z.array(vpdqFeatureSchema).min(1).max(MAX_VPDQ_FRAMES).optional(),
    quality: z.number().int().min(0).max(100).nullable().default(null),
    species: z.string().min(1).max(200).nullable().default(null),
    product: z.string().min(1).max(200).nullable().default(null),
    note: z.string().max(2000).nullable().default(null),
    metadata: z.record(z.string(), z.unknown()).default({}),
    source: z.string().min(1).max(100).default('local'),
    enabled: z.boolean().default(true),
  })
  .refine((i) => (i.pdq === undefined) !== (i.vpdq === undefined), {
    message: 'a bank item is either a PDQ hash (pdq) or a video signal (vpdq)',
  });
export type ItemInput = z.input<typeof itemInputSchema>;

export interface Bank {
  id: number;
  name: string;
  description: string;
  kind: 'positive' | 'negative';
  matchThreshold: number;
  qualityFloor: number;
  enabled: boolean;
}

export interface BankItem {
  id: number;
  bankId: number;
  /** The photo's PDQ hash; null for a video entry. */
  pdq: string | null;
  /** The video's frames; null for a photo entry. */
  vpdq: VpdqFeature[] | null;
  quality: number | null;
  species: string | null;
  product: string | null;
  note: string | null;
  metadata: Record<string, unknown>;
  source: string;
  enabled: boolean;
  disabledReason: string | null;
}

export class BankError extends Error {
  constructor(
    readonly code: 'not_found' | 'exists' | 'below_quality_floor' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'BankError';
  }
}

const BANK_COLUMNS = `id, name, description, kind, match_threshold AS "matchThreshold",
  quality_floor AS "qualityFloor", enabled`;
export const ITEM_COLUMNS = `id::float8 AS id, bank_id AS "bankId", pdq, vpdq, quality, species, product, note,
  metadata, source, enabled, disabled_reason AS "disabledReason"`;

/** A row selected with ITEM_COLUMNS: the stored vPDQ signal (JSON array) becomes frames again. */
export function itemFromRow(row: Omit<BankItem, 'vpdq'> & { vpdq: unknown }): BankItem {
  return { ...row, vpdq: row.vpdq === null ? null : parseVpdqSignal(JSON.stringify(row.vpdq)) };
}

/** What an audit entry or a report names an item by: its PDQ hash, or its video's frame count. */
export function itemLabel(item: { pdq?: string | null; vpdq?: readonly unknown[] | null }): string {
  return item.pdq ?? `vpdq:${item.vpdq?.length ?? 0} frames`;
}

export async function createBank(db: Pool, input: BankInput, actor: string): Promise<Bank> {
  return inTransaction(db, (tx) => createBankIn(tx, input, actor));
}

/** createBank inside the caller's transaction. */
export async function createBankIn(tx: Queryable, input: BankInput, actor: string): Promise<Bank> {
  const b = bankInputSchema.parse(input);
  const { rows } = await tx.query<Bank>(
    `INSERT INTO image_hash_banks (name, description, kind, match_threshold, quality_floor, enabled)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING ${BANK_COLUMNS}`,
    [b.name, b.description, b.kind, b.matchThreshold, b.qualityFloor, b.enabled],
  );
  if (!rows[0]) throw new BankError('exists', `bank ${b.name} already exists`);
  await appendAudit(tx, {
    actor,
    action: 'image_bank.create',
    subjectType: 'image_bank',
    subjectId: b.name,
    details: b,
  });
  return rows[0];
}

export async function updateBank(db: Pool, name: string, patch: BankPatch, actor: string): Promise<Bank> {
  const p = bankPatchSchema.parse(patch);
  return inTransaction(db, async (tx) => {
    const { rows } = await tx.query<Bank>(
      `UPDATE image_hash_banks SET
         description = coalesce($2, description), kind = coalesce($3, kind),
         match_threshold = coalesce($4, match_threshold), quality_floor = coalesce($5, quality_floor),
         enabled = coalesce($6, enabled), updated_at = now()
       WHERE name = $1 RETURNING ${BANK_COLUMNS}`,
      [name, p.description, p.kind, p.matchThreshold, p.qualityFloor, p.enabled],
    );
    if (!rows[0]) throw new BankError('not_found', `no bank named ${name}`);
    await appendAudit(tx, {
      actor,
      action: 'image_bank.update',
      subjectType: 'image_bank',
      subjectId: name,
      details: p,
    });
    return rows[0];
  });
}

export async function listBanks(db: Queryable): Promise<Bank[]> {
  const { rows } = await db.query<Bank>(`SELECT ${BANK_COLUMNS} FROM image_hash_banks ORDER BY name`);
  return rows;
}

export async function getBank(db: Queryable, name: string): Promise<Bank> {
  const { rows } = await db.query<Bank>(`SELECT ${BANK_COLUMNS} FROM image_hash_banks WHERE name = $1`, [
    name,
  ]);
  if (!rows[0]) throw new BankError('not_found', `no bank named ${name}`);
  return rows[0];
}

export interface AddItemsResult {
  added: number;
  /** Already in the bank (same hash): metadata left as it was. */
  duplicates: number;
  /** Known quality below the bank's floor: refused, with the hash. */
  belowQualityFloor: string[];
  ids: number[];
}

/** Adds items to a bank in one transaction; one audit entry for the batch. */
export async function addItems(
  db: Pool,
  bankName: string,
  items: ItemInput[],
  actor: string,
): Promise<AddItemsResult> {
  return inTransaction(db, (tx) => addItemsIn(tx, bankName, items, actor));
}

/** addItems inside the caller's transaction. */
export async function addItemsIn(
  tx: Queryable,
  bankName: string,
  items: ItemInput[],
  actor: string,
): Promise<AddItemsResult> {
  const parsed = items.map((i) => itemInputSchema.parse(i));
  const bank = await getBank(tx, bankName);
  const result: AddItemsResult = { added: 0, duplicates: 0, belowQualityFloor: [], ids: [] };
  for (const item of parsed) {
    if (item.quality !== null && item.quality < bank.qualityFloor) {
      result.belowQualityFloor.push(itemLabel(item));
      continue;
    }
    // A video none of whose frames reaches the floor could never match: refused like a poor photo.
    if (item.vpdq && !item.vpdq.some((f) => f.quality >= bank.qualityFloor)) {
      result.belowQualityFloor.push(itemLabel(item));
      continue;
    }
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO image_hash_items (bank_id, pdq, vpdq, quality, species, product, note, metadata, source, enabled, added_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id::float8 AS id`,
      [
        bank.id,
        item.pdq ?? null,
        item.vpdq ? JSON.stringify(vpdqSignalItems(item.vpdq)) : null,
        item.quality,
        item.species,
        item.product,
        item.note,
        JSON.stringify(item.metadata),
        item.source,
        item.enabled,
        actor,
      ],
    );
    if (rows[0]) {
      result.added++;
      result.ids.push(rows[0].id);
    } else result.duplicates++;
  }
  await appendAudit(tx, {
    actor,
    action: 'image_bank.add_items',
    subjectType: 'image_bank',
    subjectId: bank.name,
    details: {
      added: result.added,
      duplicates: result.duplicates,
      belowQualityFloor: result.belowQualityFloor.length,
    },
  });
  return result;
}

/**
 * Keeps exactly `pdqs` enabled among the bank's items whose metadata carries `tag` (e.g. the hashes one
 * peer shared from one of its banks): the others are disabled with `reason`; those among `pdqs` that were
 * disabled with that same reason are enabled again. Items a curator disabled for another reason stay so.
 * Video items have no PDQ to name them: they stay while any of the bank is kept, and go when none is.
 */
export async function retainTaggedItems(
  tx: Queryable,
  bankName: string,
  tag: Record<string, string>,
  pdqs: readonly string[],
  reason: string,
  actor: string,
): Promise<{ disabled: number; enabled: number }> {
  const bank = await getBank(tx, bankName);
  const kept = `(CASE WHEN pdq IS NULL THEN cardinality($3::text[]) > 0 ELSE pdq = ANY($3::text[]) END)`;
  const { rows } = await tx.query<{ pdq: string | null; enabled: boolean }>(
    `UPDATE image_hash_items SET enabled = ${kept},
       disabled_reason = CASE WHEN ${kept} THEN NULL ELSE $4 END, updated_at = now()
     WHERE bank_id = $1 AND metadata @> $2::jsonb
       AND ((enabled AND NOT ${kept}) OR (NOT enabled AND disabled_reason = $4 AND ${kept}))
     RETURNING pdq, enabled`,
    [bank.id, JSON.stringify(tag), pdqs, reason],
  );
  const result = {
    disabled: rows.filter((r) => !r.enabled).length,
    enabled: rows.filter((r) => r.enabled).length,
  };
  if (rows.length > 0) {
    await appendAudit(tx, {
      actor,
      action: 'image_bank.retain_items',
      subjectType: 'image_bank',
      subjectId: bank.name,
      details: { tag, reason, ...result },
    });
  }
  return result;
}

/** Disables or re-enables one item (e.g. a hash that caused false positives); the reason is kept. */
export async function setItemEnabled(
  db: Pool,
  itemId: number,
  enabled: boolean,
  reason: string | null,
  actor: string,
): Promise<BankItem> {
  return inTransaction(db, async (tx) => {
    const { rows } = await tx.query<BankItem>(
      `UPDATE image_hash_items SET enabled = $2, disabled_reason = CASE WHEN $2 THEN NULL ELSE $3 END, updated_at = now()
       WHERE id = $1 RETURNING ${ITEM_COLUMNS}`,
      [itemId, enabled, reason],
    );
    if (!rows[0]) throw new BankError('not_found', `no bank item ${itemId}`);
    const item = itemFromRow(rows[0]);
    await appendAudit(tx, {
      actor,
      action: enabled ? 'image_bank.enable_item' : 'image_bank.disable_item',
      subjectType: 'image_bank_item',
      subjectId: String(itemId),
      details: { reason, pdq: itemLabel(item) },
    });
    return item;
  });
}

export async function removeItem(db: Pool, itemId: number, actor: string): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const { rows } = await tx.query<{ pdq: string | null; vpdq: unknown[] | null }>(
      'DELETE FROM image_hash_items WHERE id = $1 RETURNING pdq, vpdq',
      [itemId],
    );
    if (!rows[0]) return false;
    await appendAudit(tx, {
      actor,
      action: 'image_bank.remove_item',
      subjectType: 'image_bank_item',
      subjectId: String(itemId),
      details: { pdq: itemLabel(rows[0]) },
    });
    return true;
  });
}

export async function listItems(db: Queryable, bankName: string): Promise<BankItem[]> {
  const bank = await getBank(db, bankName);
  const { rows } = await db.query<BankItem>(
    `SELECT ${ITEM_COLUMNS} FROM image_hash_items WHERE bank_id = $1 ORDER BY id`,
    [bank.id],
  );
  return rows.map(itemFromRow);
}
