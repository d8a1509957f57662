// Policy versions in PostgreSQL: proposing and approving a policy are separate, audited steps by two
// different people; exactly one version is active. Statements of reasons are kept for export.
import { createHash } from 'node:crypto';
import { appendAudit } from '../../shared/db/audit.ts';
import { inTransaction, type Pool, type Queryable } from '../../shared/db/pool.ts';
import { BASE_POLICY } from './framework.ts';
import { type Policy, policySchema } from './schema.ts';
import type { DsaStatement } from './sor.ts';

export class PolicyChangeError extends Error {
  override name = 'PolicyChangeError';
}

export interface PolicyVersionRow {
  version: string;
  status: 'proposed' | 'active' | 'superseded' | 'rejected';
  checksum: string;
  changeNote: string;
  proposedBy: string;
  proposedAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
}

const checksum = (policy: Policy) => createHash('sha256').update(JSON.stringify(policy)).digest('hex');

/** Validates and stores a new version as proposed. */
export async function proposePolicy(
  pool: Pool,
  input: unknown,
  actor: string,
  changeNote = '',
): Promise<PolicyVersionRow> {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    throw new PolicyChangeError(
      `invalid policy: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const policy = parsed.data;
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query<DbRow>(
      `INSERT INTO policy_versions (version, policy, checksum, status, change_note, proposed_by)
       VALUES ($1, $2, $3, 'proposed', $4, $5) ON CONFLICT (version) DO NOTHING RETURNING *`,
      [policy.version, JSON.stringify(policy), checksum(policy), changeNote, actor],
    );
    if (rows.length === 0) throw new PolicyChangeError(`policy version ${policy.version} already exists`);
    await appendAudit(db, {
      actor,
      action: 'policy.proposed',
      subjectType: 'policy',
      subjectId: policy.version,
      details: { checksum: checksum(policy), changeNote },
    });
    return toRow(rows[0]!);
  });
}

/** Approves (activating it, superseding the previous one) or rejects a proposed version. */
export async function reviewPolicy(
  pool: Pool,
  version: string,
  reviewer: string,
  decision: 'approve' | 'reject',
  note = '',
): Promise<PolicyVersionRow> {
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query<DbRow>('SELECT * FROM policy_versions WHERE version = $1 FOR UPDATE', [
      version,
    ]);
    const row = rows[0];
    if (!row) throw new PolicyChangeError(`no policy version ${version}`);
    if (row.status !== 'proposed')
      throw new PolicyChangeError(`policy version ${version} is ${row.status}, not proposed`);
    if (row.proposed_by === reviewer)
      throw new PolicyChangeError('a policy change needs a second person to approve it');
    if (decision === 'approve') {
      await db.query(`UPDATE policy_versions SET status = 'superseded' WHERE status = 'active'`);
    }
    const { rows: updated } = await db.query<DbRow>(
      `UPDATE policy_versions SET status = $2, reviewed_by = $3, reviewed_at = now() WHERE version = $1 RETURNING *`,
      [version, decision === 'approve' ? 'active' : 'rejected', reviewer],
    );
    await appendAudit(db, {
      actor: reviewer,
      action: decision === 'approve' ? 'policy.approved' : 'policy.rejected',
      subjectType: 'policy',
      subjectId: version,
      details: { checksum: row.checksum, proposedBy: row.proposed_by, note },
    });
    return toRow(updated[0]!);
  });
}

/** The active policy, or the built-in base policy when none has been approved yet. */
export async function loadActivePolicy(db: Queryable): Promise<Policy> {
  const { rows } = await db.query<{ policy: unknown }>(
    `SELECT policy FROM policy_versions WHERE status = 'active'`,
  );
  return rows[0] ? policySchema.parse(rows[0].policy) : BASE_POLICY;
}

export async function listPolicyVersions(db: Queryable): Promise<PolicyVersionRow[]> {
  const { rows } = await db.query<DbRow>('SELECT * FROM policy_versions ORDER BY proposed_at, version');
  return rows.map(toRow);
}

/** Keeps a statement of reasons for export; the same PUID is stored once. */
export async function saveStatement(
  db: Queryable,
  statement: DsaStatement,
  meta: { platformId: string; listingId?: string | number; policyVersion: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO statements_of_reasons (puid, platform_id, listing_id, policy_version, statement)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (puid) DO NOTHING`,
    [statement.puid, meta.platformId, meta.listingId ?? null, meta.policyVersion, JSON.stringify(statement)],
  );
  return rowCount === 1;
}

/** Statements not yet submitted, oldest first. */
export async function unsubmittedStatements(db: Queryable, limit = 100): Promise<DsaStatement[]> {
  const { rows } = await db.query<{ statement: DsaStatement }>(
    'SELECT statement FROM statements_of_reasons WHERE submitted_at IS NULL ORDER BY created_at, puid LIMIT $1',
    [limit],
  );
  return rows.map((r) => r.statement);
}

interface DbRow {
  version: string;
  status: PolicyVersionRow['status'];
  checksum: string;
  change_note: string;
  proposed_by: string;
  proposed_at: Date;
  reviewed_by: string | null;
  reviewed_at: Date | null;
}

function toRow(r: DbRow): PolicyVersionRow {
  return {
    version: r.version,
    status: r.status,
    checksum: r.checksum,
    changeNote: r.change_note,
    proposedBy: r.proposed_by,
    proposedAt: r.proposed_at,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
  };
}

/**
 * The active policy for hot paths (ingest, workers): read from the database at most once per `ttlMs`,
 * so an approved change takes effect within that time without a restart.
 */
export function activePolicyCache(db: Queryable, ttlMs = 30_000, now: () => number = Date.now) {
  let cached: { policy: Policy; at: number } | undefined;
  let pending: Promise<Policy> | undefined;
  return {
    async get(): Promise<Policy> {
      if (cached && now() - cached.at < ttlMs) return cached.policy;
      pending ??= loadActivePolicy(db)
        .then((policy) => {
          cached = { policy, at: now() };
          return policy;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
    invalidate(): void {
      cached = undefined;
    },
  };
}
