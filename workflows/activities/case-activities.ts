// Activities of the case workflow: every side effect (database, Slack, platform) lives here, written so
// that a retry after a crash repeats nothing that already happened.
import { appendAudit } from '../../shared/db/audit.ts';
import { type CaseView, getCaseView } from '../../shared/db/cases.ts';
import { getPlatform, type Platform } from '../../shared/db/platforms.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import { log } from '../../shared/logger.ts';
import type { CaseState, CaseStatus, DecisionInput, TakedownAction } from '../case-workflow.ts';
import type { TakedownAdapter } from '../takedown/adapter.ts';

/** Shows a case to reviewers (the Slack card); returns where it was posted the first time. */
export interface ReviewNotifier {
  showCase(view: CaseView, state: CaseState): Promise<{ channel: string; ts: string } | undefined>;
}

export type ReportOutcome = 'confirmed' | 'rejected' | 'more_info';

/** Tells volunteers what became of their reports (Telegram, Discord). */
export interface VolunteerNotifier {
  notifyOutcome(report: {
    reportId: string;
    volunteerId: string;
    caseId: string;
    outcome: ReportOutcome;
  }): Promise<void>;
}

export interface CaseActivityDeps {
  pool: Pool;
  notifier?: ReviewNotifier;
  volunteerNotifier?: VolunteerNotifier;
  takedownAdapterFor(platform: Platform): TakedownAdapter | undefined;
}

export function createCaseActivities(deps: CaseActivityDeps) {
  const { pool } = deps;

  async function loadCase(caseId: string): Promise<CaseView> {
    const view = await getCaseView(pool, caseId);
    if (!view) throw new Error(`case ${caseId} not found`);
    return view;
  }

  return {
    async postReviewCard({ caseId, state }: { caseId: string; state: CaseState }): Promise<void> {
      if (!deps.notifier) {
        log.warn('no reviewer channel configured; case waits for a decision', { caseId });
        return;
      }
      const view = await loadCase(caseId);
      const posted = await deps.notifier.showCase(view, state);
      if (posted && !view.slack) {
        await pool.query(
          'UPDATE cases SET slack_channel = $2, slack_ts = $3 WHERE id = $1 AND slack_ts IS NULL',
          [caseId, posted.channel, posted.ts],
        );
      }
    },

    async recordDecision({ caseId, decision }: { caseId: string; decision: DecisionInput }): Promise<void> {
      const status = decision.decision === 'approve' ? 'approved' : 'rejected';
      await inTransaction(pool, async (tx) => {
        // Only the first run moves the case out of "open"; a retried activity finds nothing to do.
        const { rowCount } = await tx.query(
          "UPDATE cases SET status = $2, decided_at = now() WHERE id = $1 AND status = 'open'",
          [caseId, status],
        );
        if (rowCount === 0) return;
        await tx.query('INSERT INTO reviews (case_id, reviewer, decision, reason) VALUES ($1, $2, $3, $4)', [
          caseId,
          decision.actor,
          decision.decision,
          decision.reason ?? null,
        ]);
        await appendAudit(tx, {
          actor: `slack:${decision.actor}`,
          action: `case.${status}`,
          subjectType: 'case',
          subjectId: caseId,
          details: { reason: decision.reason ?? null },
        });
      });
    },

    async requestTakedown(input: {
      caseId: string;
      action: TakedownAction;
      decidedBy: string;
    }): Promise<{ reference?: string; error?: string }> {
      const idempotencyKey = `${input.caseId}:${input.action}`;
      const prior = await pool.query<{
        status: string;
        platform_reference: string | null;
        error: string | null;
      }>('SELECT status, platform_reference, error FROM takedowns WHERE idempotency_key = $1', [
        idempotencyKey,
      ]);
      const done = prior.rows[0];
      if (done?.status === 'done') return { reference: done.platform_reference! };
      if (done?.status === 'failed') return { error: done.error ?? 'failed' };

      await pool.query(
        `INSERT INTO takedowns (case_id, action, idempotency_key, status) VALUES ($1, $2, $3, 'requested')
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [input.caseId, input.action, idempotencyKey],
      );
      const view = await loadCase(input.caseId);
      const platform = await getPlatform(pool, view.listing.platformId);
      const adapter = platform && deps.takedownAdapterFor(platform);
      const outcome = adapter
        ? await adapter.send({
            caseId: input.caseId,
            action: input.action,
            idempotencyKey,
            listing: { externalId: view.listing.externalId, url: view.listing.url },
            decidedBy: input.decidedBy,
            clause: view.detection?.clause ?? null,
          })
        : ({
            kind: 'rejected',
            error: `no takedown adapter configured for platform ${view.listing.platformId}`,
          } as const);

      return inTransaction(pool, async (tx) => {
        if (outcome.kind === 'done') {
          await tx.query(
            "UPDATE takedowns SET status = 'done', platform_reference = $2, completed_at = now() WHERE idempotency_key = $1",
            [idempotencyKey, outcome.reference],
          );
        } else {
          await tx.query(
            "UPDATE takedowns SET status = 'failed', error = $2, completed_at = now() WHERE idempotency_key = $1",
            [idempotencyKey, outcome.error],
          );
        }
        await appendAudit(tx, {
          actor: 'system:takedown',
          action: outcome.kind === 'done' ? 'takedown.done' : 'takedown.failed',
          subjectType: 'case',
          subjectId: input.caseId,
          details: { action: input.action, ...outcome },
        });
        return outcome.kind === 'done' ? { reference: outcome.reference } : { error: outcome.error };
      });
    },

    /** Marks every report on the case with the outcome (once), then tells each reporter. */
    async recordReportOutcomes({
      caseId,
      outcome,
    }: {
      caseId: string;
      outcome: ReportOutcome;
    }): Promise<void> {
      await pool.query('UPDATE reports SET outcome = $2 WHERE case_id = $1 AND outcome IS NULL', [
        caseId,
        outcome,
      ]);
      if (!deps.volunteerNotifier) return;
      const { rows } = await pool.query<{ id: string; volunteer_id: string }>(
        'SELECT id, volunteer_id FROM reports WHERE case_id = $1 AND outcome = $2 ORDER BY id',
        [caseId, outcome],
      );
      for (const r of rows) {
        await deps.volunteerNotifier.notifyOutcome({
          reportId: r.id,
          volunteerId: r.volunteer_id,
          caseId,
          outcome,
        });
      }
    },

    async recordCaseStatus({ caseId, status }: { caseId: string; status: CaseStatus }): Promise<void> {
      await pool.query('UPDATE cases SET status = $2, closed_at = now() WHERE id = $1 AND status <> $2', [
        caseId,
        status,
      ]);
    },
  };
}

export type CaseActivities = ReturnType<typeof createCaseActivities>;
