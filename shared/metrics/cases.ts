// The cases behind a figure: the dashboard's click-through from a chart to the list. Each measure selects
// exactly the rows its count counts (the same scopes as listings.ts), so the list's total is the figure.
import { caseRef, isCaseId } from '../case-ref.ts';
import type { Queryable } from '../db/pool.ts';
import { filterParams, type MetricsFilters } from './filters.ts';
import { flaggedScope, removedScope } from './listings.ts';

export const CASE_MEASURES = ['flagged', 'blocked', 'removed', 'restored'] as const;
export type CaseMeasure = (typeof CASE_MEASURES)[number];

/** Each measure's rows, as its count in totals() takes them. */
const SELECT: Record<CaseMeasure, string> = {
  flagged: `SELECT case_id FROM (${flaggedScope}) s`,
  blocked: `SELECT case_id FROM (${flaggedScope}) s WHERE case_verdict = 'block'`,
  removed: `SELECT case_id FROM (${removedScope}) r WHERE status <> 'restored'`,
  restored: `SELECT case_id FROM (${removedScope}) r WHERE status = 'restored'`,
};

export interface CaseRow {
  caseId: string;
  ref: string | null;
  platformId: string;
  species: string[];
  language: string;
  verdict: string;
  status: string;
  receivedAt: string;
  removedAt: string | null;
}

export async function casesBehind(
  db: Queryable,
  f: MetricsFilters,
  measure: CaseMeasure,
  page: { limit: number; offset: number },
): Promise<{ total: number; cases: CaseRow[] }> {
  const { rows } = await db.query(
    `WITH m AS (${SELECT[measure]})
     SELECT f.case_id, f.platform_id, f.species, f.language, f.verdict, f.status, f.received_at, f.removed_at,
            count(*) OVER () AS total
     FROM m JOIN metrics_case_facts f USING (case_id)
     ORDER BY ${measure === 'removed' || measure === 'restored' ? 'f.removed_at' : 'f.received_at'} DESC, f.case_id
     LIMIT $5 OFFSET $6`,
    [...filterParams(f), page.limit, page.offset],
  );
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && page.offset > 0) {
    const c = await db.query(`SELECT count(*) AS n FROM (${SELECT[measure]}) m`, filterParams(f));
    total = Number(c.rows[0]!.n);
  }
  return {
    total,
    cases: rows.map((r) => ({
      caseId: String(r.case_id),
      ref: isCaseId(String(r.case_id)) ? caseRef(String(r.case_id)) : null,
      platformId: String(r.platform_id),
      species: r.species as string[],
      language: String(r.language),
      verdict: String(r.verdict),
      status: String(r.status),
      receivedAt: (r.received_at as Date).toISOString(),
      removedAt: r.removed_at ? (r.removed_at as Date).toISOString() : null,
    })),
  };
}
