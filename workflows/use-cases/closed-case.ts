// A click on a case whose workflow has finished never reaches its validators. The finished workflow can
// still be queried for its last state, so the reviewer hears why in the same words the validators use
// ("the takedown was upheld on appeal by U2, nothing to undo") instead of a bare "not open".
import type { Client } from '@temporalio/client';
import { caseStateQuery } from '../case-workflow.ts';
import { type CaseMove, moveRefusal, outcomeWords } from '../review/moves.ts';

export async function closedCaseRefusal(client: Client, caseId: string, move?: CaseMove): Promise<string> {
  const fallback = `case ${caseId} is not open`;
  try {
    const state = await client.workflow.getHandle(caseId).query(caseStateQuery);
    const closed = { ...state, closed: true };
    return (move && moveRefusal(closed, move, Date.now())) ?? `the case is closed: ${outcomeWords(state)}`;
  } catch {
    return fallback; // no such workflow at all (or its history is gone): nothing more to say
  }
}
