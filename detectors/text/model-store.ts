// Versions of the learned scorer in PostgreSQL (migration 0850): every trained model with its held-out
// metrics and the gate's verdict, and an append-only history of activations. The active model is the
// latest activation; reverting activates the one before it. Each activation is in the audit log.
import { appendAudit } from '../../shared/db/audit.ts';
import { inTransaction, type Pool, type Queryable } from '../../shared/db/pool.ts';
import type { QualityReport } from './quality.ts';
import { parseScorerModel, type ScorerModel } from './scorer-model.ts';

export class ScorerStoreError extends Error {
  override name = 'ScorerStoreError';
}

export interface HeldOutMetrics {
  split: string;
  listings: number;
  positives: number;
  recall: number;
  falsePositiveRate: number;
  precision: number;
}

export interface Baseline {
  /** The model compared against: a stored version, or null for the rules alone. */
  version: string | null;
  metrics: HeldOutMetrics;
}

/** A quality report's overall figures, as stored with a model. */
export function heldOutMetrics(report: QualityReport, split: string): HeldOutMetrics {
  const m = report.overall;
  return {
    split,
    listings: m.listings,
    positives: m.positives,
    recall: m.recall,
    falsePositiveRate: m.falsePositiveRate,
    precision: m.precision,
  };
}

export type ScorerModelStatus = 'candidate' | 'activated' | 'refused';

export interface StoredScorerModel {
  version: string;
  createdAt: Date;
  createdBy: string;
  status: ScorerModelStatus;
  metrics: HeldOutMetrics | null;
  baseline: Baseline | null;
  note: string | null;
  active: boolean;
}

interface Row {
  version: string;
  created_at: Date;
  created_by: string;
  status: ScorerModelStatus;
  metrics: HeldOutMetrics | null;
  baseline: Baseline | null;
  note: string | null;
}

const toStored = (r: Row, active: string | null | undefined): StoredScorerModel => ({
  version: r.version,
  createdAt: r.created_at,
  createdBy: r.created_by,
  status: r.status,
  metrics: r.metrics,
  baseline: r.baseline,
  note: r.note,
  active: active === r.version,
});

export interface NewScorerModel {
  model: ScorerModel;
  createdBy: string;
  metrics: HeldOutMetrics;
  baseline: Baseline | null;
  note?: string;
}

/** Stores a trained model as a candidate; storing the same version again keeps the first (idempotent). */
export async function saveScorerModel(db: Queryable, m: NewScorerModel): Promise<StoredScorerModel> {
  await db.query(
    `INSERT INTO scorer_models (version, created_by, model, metrics, baseline, status, note)
     VALUES ($1, $2, $3, $4, $5, 'candidate', $6) ON CONFLICT (version) DO NOTHING`,
    [
      m.model.version,
      m.createdBy,
      JSON.stringify(m.model),
      JSON.stringify(m.metrics),
      JSON.stringify(m.baseline),
      m.note ?? null,
    ],
  );
  const stored = await getScorerModelRow(db, m.model.version);
  if (!stored) throw new ScorerStoreError(`model ${m.model.version} was not stored`);
  return stored;
}

export async function getScorerModelRow(
  db: Queryable,
  version: string,
): Promise<StoredScorerModel | undefined> {
  const { rows } = await db.query<Row>(
    'SELECT version, created_at, created_by, status, metrics, baseline, note FROM scorer_models WHERE version = $1',
    [version],
  );
  const active = await activeScorerVersion(db);
  return rows[0] && toStored(rows[0], active?.version);
}

export async function getScorerModel(db: Queryable, version: string): Promise<ScorerModel> {
  const { rows } = await db.query<{ model: unknown }>('SELECT model FROM scorer_models WHERE version = $1', [
    version,
  ]);
  if (!rows[0]) throw new ScorerStoreError(`no stored model ${version} (see: wild-sentinel model versions)`);
  return parseScorerModel(rows[0].model, `stored model ${version}`);
}

/** The gate refused a candidate: kept with its metrics and the reason, never activated by the gate. */
export async function refuseScorerModel(db: Queryable, version: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE scorer_models SET status = 'refused', note = $2 WHERE version = $1 AND status = 'candidate'`,
    [version, reason],
  );
}

/** The latest activation: its sequence number and version (null = the rules alone), or undefined. */
export async function activeScorerVersion(
  db: Queryable,
): Promise<{ seq: number; version: string | null } | undefined> {
  const { rows } = await db.query<{ seq: string; version: string | null }>(
    'SELECT seq, version FROM scorer_model_activations ORDER BY seq DESC LIMIT 1',
  );
  return rows[0] && { seq: Number(rows[0].seq), version: rows[0].version };
}

const LOCK = "SELECT pg_advisory_xact_lock(hashtext('scorer_model_activations'))";

async function activateIn(
  tx: Queryable,
  version: string | null,
  actor: string,
  reason: string,
): Promise<void> {
  if (version !== null) await getScorerModel(tx, version); // exists and still reads
  await tx.query('INSERT INTO scorer_model_activations (version, activated_by, reason) VALUES ($1, $2, $3)', [
    version,
    actor,
    reason,
  ]);
  if (version !== null)
    await tx.query(`UPDATE scorer_models SET status = 'activated' WHERE version = $1`, [version]);
  await appendAudit(tx, {
    actor,
    action: 'scorer_model.activate',
    subjectType: 'scorer_model',
    subjectId: version ?? 'rules-alone',
    details: { reason },
  });
}

/**
 * Makes `version` (null: no model, the rules alone) the model every process screens with. Activations are
 * serialised by a transaction-scoped lock, so a revert racing the weekly gate queues behind it instead of
 * reading a history that is about to change.
 */
export async function activateScorerModel(
  pool: Pool,
  version: string | null,
  actor: string,
  reason: string,
): Promise<void> {
  await inTransaction(pool, async (tx) => {
    await tx.query(LOCK);
    await activateIn(tx, version, actor, reason);
  });
}

/**
 * Activates `version` only if the active model is still `expected` (the one a gate compared against);
 * false when another activation came first.
 */
export async function activateIfStill(
  pool: Pool,
  expected: string | null,
  version: string,
  actor: string,
  reason: string,
): Promise<boolean> {
  return inTransaction(pool, async (tx) => {
    await tx.query(LOCK);
    const current = await activeScorerVersion(tx);
    if ((current?.version ?? null) !== expected) return false;
    await activateIn(tx, version, actor, reason);
    return true;
  });
}

/** Activates the model that was active before the current one; returns it (null = the rules alone). */
export async function revertScorerModel(pool: Pool, actor: string): Promise<string | null> {
  return inTransaction(pool, async (tx) => {
    await tx.query(LOCK);
    const { rows } = await tx.query<{ version: string | null }>(
      'SELECT version FROM scorer_model_activations ORDER BY seq DESC LIMIT 2',
    );
    if (rows.length === 0) throw new ScorerStoreError('nothing to revert: no model was ever activated');
    const current = rows[0]!.version;
    const previous = rows[1]?.version ?? null;
    await activateIn(tx, previous, actor, `revert of ${current ?? 'the rules alone'}`);
    return previous;
  });
}

export async function listScorerModels(db: Queryable): Promise<StoredScorerModel[]> {
  const active = await activeScorerVersion(db);
  const { rows } = await db.query<Row>(
    'SELECT version, created_at, created_by, status, metrics, baseline, note FROM scorer_models ORDER BY created_at, version',
  );
  return rows.map((r) => toStored(r, active?.version));
}
