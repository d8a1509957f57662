// "Answer a reviewer's question": a reporter whose report was marked "more information needed" sends text
// or a photo. The answer is stored (and audited) before the case workflow is signalled, so a lost signal
// loses nothing: the card shows stored answers whenever it is drawn.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { appendAudit } from '../../shared/db/audit.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import { insertAnswer } from '../../shared/db/report-answers.ts';
import { volunteerAnswerSignal } from '../case-workflow.ts';
import { photoPdq } from './photo-hash.ts';

export const MAX_ANSWER_LENGTH = 2000;

const noControl = (s: string) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s);

export const answerInputSchema = z
  .object({
    volunteerId: z.string().regex(/^\d+$/),
    reportId: z.string().regex(/^\d+$/),
    text: z.string().trim().min(1).max(MAX_ANSWER_LENGTH).refine(noControl).nullable(),
    photo: z
      .object({
        sourceId: z.string().min(1).max(200),
        mimeType: z.string().regex(/^image\/(jpeg|png|webp)$/),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        bytes: z.instanceof(Buffer),
      })
      .optional(),
  })
  .refine((a) => a.text !== null || a.photo !== undefined, 'an answer needs text or a photo');
export type AnswerInput = z.input<typeof answerInputSchema>;

export type AnswerResult =
  | { kind: 'recorded'; caseId: string; answerId: string }
  /** Not this volunteer's report, or its case no longer waits for information. */
  | { kind: 'not_asked' };

export async function answerCase(
  deps: { pool: Pool; temporal: Client },
  raw: AnswerInput,
): Promise<AnswerResult> {
  const input = answerInputSchema.parse(raw);
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
    const answerId = await insertAnswer(tx, {
      reportId: input.reportId,
      caseId,
      volunteerId: input.volunteerId,
      text: input.text,
      photo: input.photo ? { ...input.photo, ...pdq } : undefined,
    });
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
