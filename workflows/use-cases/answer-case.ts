// "Answer a reviewer's question": a reporter whose report was marked "more information needed" sends text
// or a photo. The answer is stored (and audited) before the case workflow is signalled, so a lost signal
// loses nothing: the card shows stored answers whenever it is drawn.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { appendAudit } from '../../shared/db/audit.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import { insertAnswer } from '../../shared/db/report-answers.ts';
import { volunteerAnswerSignal } from '../case-workflow.ts';
import { photoPdq, volunteerPhotoSchema } from './photo-hash.ts';

export const MAX_ANSWER_LENGTH = 2000;

const noControl = (s: string) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s);

export const answerInputSchema = z
  .object({
    volunteerId: z.string().regex(/^\d+$/),
    reportId: z.string().regex(/^\d+$/),
    text: z.string().trim().min(1).max(MAX_ANSWER_LENGTH).refine(noControl).nullable(),
    photo: volunteerPhotoSchema.optional(),
    /** Makes a retried delivery of the same answer (an inbox entry, a redelivered update) count once. */
    requestId: z.string().min(1).max(200).optional(),
  })
  .refine((a) => a.text !== null || a.photo !== undefined, 'an answer needs text or a photo');
export type AnswerInput = z.input<typeof answerInputSchema>;

export type AnswerResult =
  | { kind: 'recorded'; caseId: string; answerId: string }
  /** Not this volunteer's report, or its case no longer waits for information. */
  | { kind: 'not_asked' }
  /** The text cannot be stored (control characters, too long) or there is nothing to answer with. */
  | { kind: 'invalid_text' };

export async function answerCase(
  deps: { pool: Pool; temporal: Client },
  raw: AnswerInput,
): Promise<AnswerResult> {
  const parsed = answerInputSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid_text' };
  const input = parsed.data;
  // Hashed before the transaction: decoding is slow and must not hold a connection.
  const pdq = input.photo ? await photoPdq(input.photo.bytes) : undefined;
  const stored = await inTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<{ case_id: string }>(
      `SELECT case_id FROM reports WHERE id = $1 AND volunteer_id = $2 AND outcome = 'more_info'
         AND case_id IS NOT NULL FOR UPDATE`,
      [input.reportId, input.volunteerId],
    );
    const caseId = rows[0]?.case_id;
    if (!caseId) return undefined;
    const answer = await insertAnswer(tx, {
      reportId: input.reportId,
      caseId,
      volunteerId: input.volunteerId,
      text: input.text,
      photo: input.photo ? { ...input.photo, ...pdq } : undefined,
      requestId: input.requestId,
    });
    // A retry of an answer already stored signals again (the workflow counts each answer once).
    if (!answer.inserted) return { caseId, answerId: answer.id };
    const answerId = answer.id;
    await appendAudit(tx, {
      actor: `volunteer:${input.volunteerId}`,
      action: 'report.answered',
      subjectType: 'case',
      subjectId: caseId,
      details: { reportId: input.reportId, answerId, photo: input.photo?.sha256 ?? null },
    });
    return { caseId, answerId };
  });
  if (!stored) return { kind: 'not_asked' };
  try {
    await deps.temporal.workflow
      .getHandle(stored.caseId)
      .signal(volunteerAnswerSignal, { reportId: input.reportId, answerId: stored.answerId });
  } catch (err) {
    // A closed case still keeps the answer; there is no card left to refresh.
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  return { kind: 'recorded', ...stored };
}
