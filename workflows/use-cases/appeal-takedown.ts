// "Appeal a takedown": a seller's appeal, forwarded by the platform. Stored before the case workflow hears
// of it; the workflow decides whether it can be heard (a takedown to appeal, inside the appeal window)
// and a reviewer who did not approve the takedown decides it.
import type { Client } from '@temporalio/client';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import { refuseAppeal, storeAppeal } from '../../shared/db/review.ts';
import { appealUpdate } from '../case-workflow.ts';
import { runCaseUpdate } from './decide-case.ts';

export interface AppealRequest {
  caseId: string;
  platformId: string;
  appealId: string;
  sellerId?: string | undefined;
  statement: string;
}

export type AppealResult = { status: string; created: boolean; reason?: string };

export async function appealTakedown(
  deps: { pool: Pool; temporal: Client },
  a: AppealRequest,
): Promise<AppealResult> {
  const stored = await inTransaction(deps.pool, (tx) => storeAppeal(tx, a));
  if (stored.status !== 'pending') return { status: stored.status, created: false };
  const result = await runCaseUpdate(
    deps.temporal,
    { caseId: a.caseId, requestId: `appeal:${a.caseId}:${a.appealId}` },
    appealUpdate,
    { appealId: a.appealId, statement: a.statement },
  );
  if (result.ok) return { status: 'pending', created: stored.created };
  // A retry of an appeal the workflow already holds is not a refusal.
  if (/already/.test(result.reason) && stored.created === false) return { status: 'pending', created: false };
  await refuseAppeal(deps.pool, a.caseId, a.appealId, result.reason);
  return { status: 'refused', created: stored.created, reason: result.reason };
}
