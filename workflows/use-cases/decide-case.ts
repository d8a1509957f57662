// "Decide a case": the one use case every front end (Slack today) calls when a reviewer decides.
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { type CaseState, type DecisionInput, decideUpdate } from '../case-workflow.ts';

export type DecideResult = { ok: true; state: CaseState } | { ok: false; reason: string };

export async function decideCase(
  client: Client,
  input: DecisionInput & {
    caseId: string /** Same id for retries of one click: applied once. */;
    requestId: string;
  },
): Promise<DecideResult> {
  const { caseId, requestId, ...decision } = input;
  try {
    const state = await client.workflow
      .getHandle(caseId)
      .executeUpdate(decideUpdate, { args: [decision], updateId: requestId });
    return { ok: true, state };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      return { ok: false, reason: err.cause?.message ?? err.message };
    if (err instanceof WorkflowNotFoundError) return { ok: false, reason: `case ${caseId} is not open` };
    throw err;
  }
}
