// The use cases the Slack front end calls, bound to their dependencies (Temporal client, database, roles).
import type { Client } from '@temporalio/client';
import { isCaseId } from '../../shared/case-ref.ts';
import { type CaseView, findCaseIdsByRef } from '../../shared/db/cases.ts';
import type { Pool } from '../../shared/db/pool.ts';
import { reportersOfCase } from '../../shared/db/reports.ts';
import { type QueueItem, reviewQueue } from '../../shared/db/review.ts';
import type { RoleDirectory } from '../../workflows/activities/case-activities.ts';
import type {
  AppealDecisionInput,
  CaseState,
  ClaimInput,
  DecisionInput,
  UndoInput,
} from '../../workflows/case-workflow.ts';
import { loadCaseView } from '../../workflows/use-cases/case-view.ts';
import {
  claimCase,
  type DecideResult,
  decideAppeal,
  decideCase,
  type RequestRef,
  readCaseState,
  undoTakedown,
} from '../../workflows/use-cases/decide-case.ts';
import { type NoteInput, type NoteResult, noteCase } from '../../workflows/use-cases/note-case.ts';

/** Who reported the listing; shown to leads only (volunteers see only their own reports, in their bot). */
export interface Reporter {
  channel: string;
  reporter: string;
  erased: boolean;
}

export type Lookup =
  | { ok: true; view: CaseView; state?: CaseState | undefined; reporters?: Reporter[] }
  | { ok: false; reason: string };

export interface SlackUseCases {
  decideCase(input: DecisionInput & RequestRef): Promise<DecideResult>;
  claimCase(input: ClaimInput & RequestRef): Promise<DecideResult>;
  undoTakedown(input: UndoInput & RequestRef): Promise<DecideResult>;
  decideAppeal(input: AppealDecisionInput & RequestRef): Promise<DecideResult>;
  readCaseState(caseId: string): Promise<CaseState | undefined>;
  noteCase(input: NoteInput): Promise<NoteResult>;
  reviewQueue(reviewer: string): Promise<{ authorised: boolean; items: QueueItem[] }>;
  /** A case by its internal id or its reference (WS-7K3F9). */
  lookupCase(actor: string, query: string): Promise<Lookup>;
}

export function createSlackUseCases(deps: {
  pool: Pool;
  temporal: Client;
  roles: RoleDirectory;
}): SlackUseCases {
  const { pool, temporal, roles } = deps;
  const roleOf = async (user: string) => {
    const r = await roles.resolve();
    return r.leads.includes(user) ? 'lead' : r.reviewers.includes(user) ? 'reviewer' : undefined;
  };
  return {
    decideCase: (input) => decideCase(temporal, input),
    claimCase: (input) => claimCase(temporal, input),
    undoTakedown: (input) => undoTakedown(temporal, input),
    decideAppeal: (input) => decideAppeal(temporal, input),
    readCaseState: (caseId) => readCaseState(temporal, caseId),
    noteCase: (input) => noteCase({ pool, temporal, roles }, input),
    async reviewQueue(reviewer) {
      const role = await roleOf(reviewer);
      if (!role) return { authorised: false, items: [] };
      return {
        authorised: true,
        items: await reviewQueue(pool, { reviewer, includeAllClaims: role === 'lead' }),
      };
    },
    async lookupCase(actor, query) {
      const role = await roleOf(actor);
      if (!role) return { ok: false, reason: `${actor} is not an authorised reviewer` };
      // People type the reference (WS-7K3F9) or paste the internal id.
      const ids = isCaseId(query) ? [query] : await findCaseIdsByRef(pool, query);
      if (ids.length > 1)
        return {
          ok: false,
          reason: `${query} names ${ids.length} cases: ${ids.join(', ')}; use the full id`,
        };
      const caseId = ids[0];
      const view = caseId ? await loadCaseView(pool, caseId) : undefined;
      if (!caseId || !view) return { ok: false, reason: `no case ${query}` };
      const state = await readCaseState(temporal, caseId).catch(() => undefined);
      return role === 'lead'
        ? { ok: true, view, state, reporters: await reportersOfCase(pool, caseId) }
        : { ok: true, view, state };
    },
  };
}
