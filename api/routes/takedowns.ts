import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { inTransaction } from '../../shared/db/pool.ts';
import { confirmTakedown } from '../../shared/db/review.ts';
import { safeString } from '../../shared/text.ts';
import { takedownConfirmedSignal } from '../../workflows/case-workflow.ts';
import { HttpError, readJson, sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';

const confirmationSchema = z.object({
  /** The Idempotency-Key the takedown request carried. */
  idempotencyKey: safeString().min(1).max(300),
  /** The reference the platform answered with. */
  reference: safeString().min(1).max(300),
  status: z.literal('done').default('done'),
  performedAt: z.iso.datetime().optional(),
});

/**
 * POST /v1/takedowns/confirmations: the platform confirms it performed a takedown (or a restore).
 * Authenticated with the platform's API key; a platform can confirm only its own takedowns.
 */
export async function postTakedownConfirmation(ctx: RouteContext): Promise<void> {
  const p = await ctx.platform();
  const parsed = confirmationSchema.safeParse(await readJson(ctx.req));
  if (!parsed.success)
    throw new HttpError(
      400,
      'invalid_confirmation',
      'the confirmation is invalid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  const c = parsed.data;
  const result = await inTransaction(ctx.deps.pool, (tx) =>
    confirmTakedown(tx, {
      platformId: p.id,
      idempotencyKey: c.idempotencyKey,
      reference: c.reference,
      details: { performedAt: c.performedAt ?? null },
    }),
  );
  if (!result.found)
    throw new HttpError(404, 'not_found', 'no completed takedown with this key and reference');
  if (!result.alreadyConfirmed) {
    try {
      await ctx.deps.temporal.workflow
        .getHandle(result.caseId)
        .signal(takedownConfirmedSignal, { action: result.action, reference: result.reference });
    } catch (err) {
      // A finished case keeps the confirmation in the database; only its card stays as it was.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  sendJson(ctx.res, 200, { caseId: result.caseId, action: result.action, confirmed: true });
}
