// "Decide a case" and the other reviewer moves on a running case (claim, undo, appeal decisions): the
// use cases every front end (Slack today) calls. The workflow's validators decide what is allowed; a
// refusal comes back as { ok: false, reason } for the front end to show.
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { safeString } from '../../shared/text.ts';
import {
  type AppealDecisionInput,
  type CaseState,
  type ClaimInput,
  caseStateQuery,
  claimUpdate,
  type DecisionInput,
  decideAppealUpdate,
  decideUpdate,
  type UndoInput,
  undoUpdate,
} from '../case-workflow.ts';
import type { CaseMove } from '../review/moves.ts';
import { closedCaseRefusal } from './closed-case.ts';

export type DecideResult = { ok: true; state: CaseState } | { ok: false; reason: string };

/** Same request id for retries of one click: the update is applied once. */
export interface RequestRef {
  caseId: string;
  requestId: string;
}

/** Ids arrive from chat payloads (a button's value, Slack's ids): checked before they reach Temporal. */
const requestRefSchema = z.object({
  caseId: safeString().min(1).max(200),
  requestId: safeString().min(1).max(300),
});

function invalidRef(ref: RequestRef): string | undefined {
  const parsed = requestRefSchema.safeParse(ref);
  return parsed.success
    ? undefined
    : `invalid ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`;
}

export async function runCaseUpdate<A>(
  client: Client,
  ref: RequestRef,
  update: UpdateDefinition<CaseState, [A]>,
  arg: A,
  /** The move this update makes, to explain a refusal by a finished case in plain words. */
  move?: CaseMove,
): Promise<DecideResult> {
  const invalid = invalidRef(ref);
  if (invalid) return { ok: false, reason: invalid };
  try {
    const state = await client.workflow
      .getHandle(ref.caseId)
      .executeUpdate(update, { args: [arg], updateId: ref.requestId });
    return { ok: true, state };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      return { ok: false, reason: err.cause?.message ?? err.message };
    if (err instanceof WorkflowNotFoundError)
      return { ok: false, reason: await closedCaseRefusal(client, ref.caseId, move) };
    throw err;
  }
}

export function decideCase(client: Client, input: DecisionInput & RequestRef): Promise<DecideResult> {
  const { caseId, requestId, ...decision } = input;
  return runCaseUpdate(client, { caseId, requestId }, decideUpdate, decision, decision.decision);
}

export function claimCase(client: Client, input: ClaimInput & RequestRef): Promise<DecideResult> {
  const { caseId, requestId, ...claim } = input;
  return runCaseUpdate(client, { caseId, requestId }, claimUpdate, claim, claim.claim ? 'claim' : 'release');
}

export function undoTakedown(client: Client, input: UndoInput & RequestRef): Promise<DecideResult> {
  const { caseId, requestId, ...undo } = input;
  return runCaseUpdate(client, { caseId, requestId }, undoUpdate, undo, 'undo');
}

export function decideAppeal(client: Client, input: AppealDecisionInput & RequestRef): Promise<DecideResult> {
  const { caseId, requestId, ...decision } = input;
  return runCaseUpdate(client, { caseId, requestId }, decideAppealUpdate, decision, 'decide_appeal');
}

/** The case's live state from its workflow, or undefined when there is no such case workflow. */
export async function readCaseState(client: Client, caseId: string): Promise<CaseState | undefined> {
  if (!requestRefSchema.shape.caseId.safeParse(caseId).success) return undefined;
  try {
    return await client.workflow.getHandle(caseId).query(caseStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
