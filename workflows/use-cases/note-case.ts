// "Note a case": a reviewer's note and/or a proposed new code word for the keyword library. Stored (once
// per request id) before the card is refreshed; only people holding a review role may write.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import { addCaseNote, proposeKeyword } from '../../shared/db/review.ts';
import type { RoleDirectory } from '../activities/case-activities.ts';
import { caseChangedSignal } from '../case-workflow.ts';

export interface NoteInput {
  caseId: string;
  actor: string;
  requestId: string;
  note?: string | undefined;
  codeWord?: { term: string; language?: string | undefined; species?: string | undefined } | undefined;
}

export type NoteResult = { ok: true; noted: boolean; proposed: boolean } | { ok: false; reason: string };

export async function noteCase(
  deps: { pool: Pool; temporal: Client; roles: RoleDirectory },
  input: NoteInput,
): Promise<NoteResult> {
  const roles = await deps.roles.resolve();
  if (!roles.reviewers.includes(input.actor) && !roles.leads.includes(input.actor))
    return { ok: false, reason: `${input.actor} is not an authorised reviewer` };
  const note = input.note?.trim();
  const term = input.codeWord?.term.trim();
  if (!note && !term) return { ok: false, reason: 'write a note or a code word' };
  const exists = await deps.pool.query('SELECT 1 FROM cases WHERE id = $1', [input.caseId]);
  if (!exists.rowCount) return { ok: false, reason: `case ${input.caseId} not found` };

  const result = await inTransaction(deps.pool, async (tx) => ({
    noted: note
      ? await addCaseNote(tx, { caseId: input.caseId, author: input.actor, note, requestId: input.requestId })
      : false,
    proposed: term
      ? await proposeKeyword(tx, {
          term,
          language: input.codeWord?.language,
          species: input.codeWord?.species,
          note,
          caseId: input.caseId,
          proposedBy: input.actor,
          source: 'slack',
          requestId: input.requestId,
        })
      : false,
  }));
  try {
    await deps.temporal.workflow.getHandle(input.caseId).signal(caseChangedSignal);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  return { ok: true, ...result };
}
