// Activities of the case workflow: every side effect (database, Slack, platform) lives here, written so
// that a retry after a crash repeats nothing that already happened: review events go through a ledger
// keyed by the workflow, takedowns through their idempotency key.
import { type Policy, saveStatement, statementOfReasons } from '../../detectors/policy/index.ts';
import { appendAudit } from '../../shared/db/audit.ts';
import type { CaseView } from '../../shared/db/cases.ts';
import { getPlatform, type Platform } from '../../shared/db/platforms.ts';
import { inTransaction, type Pool, type Queryable } from '../../shared/db/pool.ts';
import type { ReporterNotice, ReportOutcome } from '../../shared/db/reports.ts';
import { log } from '../../shared/logger.ts';
import type {
  AppealDecisionInput,
  CaseState,
  CaseStatus,
  DecisionInput,
  TakedownAction,
} from '../review/rules.ts';
import type { SlaOverrides } from '../review/sla.ts';
import type { TakedownAdapter } from '../takedown/adapter.ts';
import { loadCaseView } from '../use-cases/case-view.ts';

export type LeadAlert = 'escalated' | 'sla' | 'reminder' | 'second_approval' | 'appeal';

/** Shows a case to reviewers (the Slack card); returns where it was posted the first time. */
export interface ReviewNotifier {
  showCase(view: CaseView, state: CaseState): Promise<{ channel: string; ts: string } | undefined>;
  /** Calls the leads (or, for appeals, every reviewer) to a case: a reply in the card's thread. */
  alert?(view: CaseView, reason: LeadAlert, leads: string[]): Promise<void>;
}

/** Who holds which role now: configured users plus members of the configured Slack user groups. */
export interface RoleDirectory {
  resolve(): Promise<{ reviewers: string[]; leads: string[] }>;
}

export type { ReporterNotice, ReportOutcome };

/** Tells volunteers what became of their reports (Telegram, Discord). */
export interface VolunteerNotifier {
  notifyOutcome(report: {
    reportId: string;
    volunteerId: string;
    caseId: string;
    outcome: ReporterNotice;
  }): Promise<void>;
}

/** Something that happened to a case, recorded once per key (the workflow numbers its events). */
export type CaseEventBody =
  | {
      kind: 'decision';
      decision: DecisionInput;
      /** Whether this was the first or the second (four-eyes) approval step. */
      stage: 'first' | 'second';
      /** The case's status after the decision. */
      status: CaseStatus;
    }
  | { kind: 'claim'; actor: string; claim: boolean }
  | { kind: 'sla'; stage: 'escalated' | 'reminder'; reminders: number }
  | { kind: 'undo'; actor: string; reason?: string }
  | { kind: 'appeal'; appealId: string }
  | {
      kind: 'appeal_decision';
      actor: string;
      appealId: string;
      outcome: AppealDecisionInput['outcome'];
      reason?: string;
    };
export type CaseEvent = CaseEventBody & { key: string };

export interface CaseActivityDeps {
  /** The active policy; when given, every takedown leaves a statement of reasons (EU DSA format). */
  policy?: () => Promise<Policy>;
  pool: Pool;
  notifier?: ReviewNotifier;
  volunteerNotifier?: VolunteerNotifier;
  roles?: RoleDirectory;
  /** Configured deadlines (REVIEW_SLA); the workflow input can override them. */
  sla?: SlaOverrides;
  takedownAdapterFor(platform: Platform): TakedownAdapter | undefined;
}

function decisionAudit(e: Extract<CaseEvent, { kind: 'decision' }>): string {
  switch (e.decision.decision) {
    case 'approve':
      return e.status === 'pending_second_approval' ? 'case.first_approval' : 'case.approved';
    case 'reject':
      return 'case.rejected';
    case 'escalate':
      return 'case.escalated';
    case 'request_info':
      return 'case.info_requested';
  }
}

async function insertReview(
  db: Queryable,
  caseId: string,
  r: { reviewer: string; decision: string; action?: string; reasonCode?: string; note?: string },
): Promise<void> {
  await db.query(
    'INSERT INTO reviews (case_id, reviewer, decision, action, reason_code, reason) VALUES ($1, $2, $3, $4, $5, $6)',
    [caseId, r.reviewer, r.decision, r.action ?? null, r.reasonCode ?? null, r.note ?? null],
  );
}

/** Applies one event's rows; runs inside the ledger's transaction. */
async function applyEvent(db: Queryable, caseId: string, event: CaseEvent): Promise<void> {
  switch (event.kind) {
    case 'decision': {
      const d = event.decision;
      await insertReview(db, caseId, {
        reviewer: d.actor,
        decision: event.stage === 'second' && d.decision === 'approve' ? 'second_approval' : d.decision,
        action: d.action ?? (d.decision === 'approve' ? 'remove_listing' : undefined),
        reasonCode: d.reasonCode,
        note: d.reason,
      });
      if (d.decision === 'escalate') {
        await db.query(
          "UPDATE cases SET status = 'escalated', escalated_at = coalesce(escalated_at, now()) WHERE id = $1 AND status = 'open'",
          [caseId],
        );
      } else if (d.decision !== 'request_info') {
        const final = event.status === 'approved' || event.status === 'rejected';
        await db.query(
          `UPDATE cases SET status = $2, decided_at = CASE WHEN $3 THEN now() ELSE decided_at END,
                            closed_at = CASE WHEN $2 = 'rejected' THEN now() ELSE closed_at END,
                            claimed_by = CASE WHEN $3 THEN NULL ELSE claimed_by END
           WHERE id = $1`,
          [caseId, event.status, final],
        );
      }
      await appendAudit(db, {
        actor: `slack:${d.actor}`,
        action: decisionAudit(event),
        subjectType: 'case',
        subjectId: caseId,
        details: {
          reason: d.reason ?? null,
          ...(d.action ? { takedownAction: d.action } : {}),
          ...(d.reasonCode ? { reasonCode: d.reasonCode } : {}),
        },
      });
      return;
    }
    case 'claim':
      await db.query(
        'UPDATE cases SET claimed_by = $2, claimed_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END WHERE id = $1',
        [caseId, event.claim ? event.actor : null],
      );
      await appendAudit(db, {
        actor: `slack:${event.actor}`,
        action: event.claim ? 'case.claimed' : 'case.released',
        subjectType: 'case',
        subjectId: caseId,
      });
      return;
    case 'sla':
      if (event.stage === 'escalated') {
        await db.query(
          "UPDATE cases SET status = 'escalated', escalated_at = coalesce(escalated_at, now()) WHERE id = $1 AND status = 'open'",
          [caseId],
        );
      }
      await appendAudit(db, {
        actor: 'system:sla',
        action: event.stage === 'escalated' ? 'case.sla_escalated' : 'case.sla_reminder',
        subjectType: 'case',
        subjectId: caseId,
        details: { reminders: event.reminders },
      });
      return;
    case 'undo':
      await insertReview(db, caseId, { reviewer: event.actor, decision: 'undo', note: event.reason });
      await appendAudit(db, {
        actor: `slack:${event.actor}`,
        action: 'case.undo_requested',
        subjectType: 'case',
        subjectId: caseId,
        details: { reason: event.reason ?? null },
      });
      return;
    case 'appeal':
      // The API stored and audited the appeal before handing it to the workflow.
      return;
    case 'appeal_decision': {
      const status = event.outcome === 'restore' ? 'restored' : 'upheld';
      await db.query(
        `UPDATE appeals SET status = $3, decided_by = $4, decision_reason = $5, decided_at = now()
         WHERE case_id = $1 AND platform_appeal_id = $2`,
        [caseId, event.appealId, status, event.actor, event.reason ?? null],
      );
      await insertReview(db, caseId, {
        reviewer: event.actor,
        decision: `appeal_${event.outcome}`,
        note: event.reason,
      });
      await appendAudit(db, {
        actor: `slack:${event.actor}`,
        action: `appeal.${status}`,
        subjectType: 'case',
        subjectId: caseId,
        details: { appealId: event.appealId, reason: event.reason ?? null },
      });
      return;
    }
  }
}

export function createCaseActivities(deps: CaseActivityDeps) {
  const { pool } = deps;

  async function loadCase(caseId: string): Promise<CaseView> {
    const view = await loadCaseView(pool, caseId);
    if (!view) throw new Error(`case ${caseId} not found`);
    return view;
  }

  async function resolveRoles(): Promise<{ reviewers: string[]; leads: string[] }> {
    return deps.roles ? deps.roles.resolve() : { reviewers: [], leads: [] };
  }

  return {
    /** What the review needs before it starts: the case's priority, the roles and the deadlines. */
    async prepareReview({ caseId }: { caseId: string }) {
      const { rows } = await pool.query<{ priority: number }>('SELECT priority FROM cases WHERE id = $1', [
        caseId,
      ]);
      if (!rows[0]) throw new Error(`case ${caseId} not found`);
      return { priority: rows[0].priority, ...(await resolveRoles()), sla: deps.sla ?? {} };
    },

    resolveRoles,

    async recordDueAt({ caseId, dueAt }: { caseId: string; dueAt: number }): Promise<void> {
      await pool.query('UPDATE cases SET due_at = $2 WHERE id = $1', [caseId, new Date(dueAt)]);
    },

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

    /** Records one review event (decision, claim, escalation, undo, appeal) exactly once. */
    async recordCaseEvent({ caseId, event }: { caseId: string; event: CaseEvent }): Promise<void> {
      await inTransaction(pool, async (tx) => {
        const { rowCount } = await tx.query(
          'INSERT INTO case_events (key, case_id, kind) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING',
          [event.key, caseId, event.kind],
        );
        if (rowCount === 0) return; // a retry: already applied
        await applyEvent(tx, caseId, event);
      });
    },

    /** Calls leads to the case (escalation, reminder, second approval) in the card's thread. */
    async notifyLeads({ caseId, reason, leads }: { caseId: string; reason: LeadAlert; leads: string[] }) {
      if (!deps.notifier?.alert) return;
      await deps.notifier.alert(await loadCase(caseId), reason, leads);
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
            seller: view.listing.sellerId ? { id: view.listing.sellerId } : null,
            decidedBy: input.decidedBy,
            clause: view.detection?.clause ?? null,
          })
        : ({
            kind: 'rejected',
            error: `no takedown adapter configured for platform ${view.listing.platformId}`,
          } as const);

      // Read before the transaction: no I/O on a second connection while it holds one.
      const policy =
        outcome.kind === 'done' && input.action === 'remove_listing' && view.detection && deps.policy
          ? await deps.policy()
          : undefined;
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
        if (policy) await recordStatementOfReasons(tx, view, policy);
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

    /**
     * Marks the reports on the case with the outcome, then tells each reporter (at least once). A final
     * outcome replaces "more_info"; "more_info" never replaces a final outcome.
     */
    async recordReportOutcomes({
      caseId,
      outcome,
    }: {
      caseId: string;
      outcome: ReportOutcome;
    }): Promise<void> {
      await pool.query(
        `UPDATE reports SET outcome = $2 WHERE case_id = $1
           AND (outcome IS NULL OR ($2 <> 'more_info' AND outcome = 'more_info'))`,
        [caseId, outcome],
      );
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

    /**
     * Tells the reporters of a confirmed case what the listing's takedown did: "removed" once the platform
     * carried it out, "removal_failed" when it refused for good. Each reporter hears it once.
     */
    async notifyTakedownResult({
      caseId,
      result,
    }: {
      caseId: string;
      result: 'removed' | 'removal_failed';
    }): Promise<void> {
      if (!deps.volunteerNotifier) return;
      const { rows } = await pool.query<{ id: string; volunteer_id: string }>(
        "SELECT id, volunteer_id FROM reports WHERE case_id = $1 AND outcome = 'confirmed' ORDER BY id",
        [caseId],
      );
      for (const r of rows) {
        await deps.volunteerNotifier.notifyOutcome({
          reportId: r.id,
          volunteerId: r.volunteer_id,
          caseId,
          outcome: result,
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

/** The DSA statement of reasons for a reviewer-approved removal; stored once per case (its PUID). */
async function recordStatementOfReasons(db: Queryable, view: CaseView, policy: Policy): Promise<void> {
  const { rows } = await db.query<{ id: string; language: string | null; received_at: Date }>(
    'SELECT id, language, received_at FROM listings WHERE platform_id = $1 AND external_id = $2',
    [view.listing.platformId, view.listing.externalId],
  );
  const listing = rows[0];
  if (!listing || !view.detection) return;
  const statement = statementOfReasons(
    {
      decision: { ...view.detection, explanation: view.detection.explanation ?? '' },
      platformId: view.listing.platformId,
      listing: {
        externalId: view.listing.externalId,
        language: listing.language ?? undefined,
        receivedAt: listing.received_at,
        imageUrls: view.listing.imageUrls,
      },
      appliedAt: new Date(),
      action: 'remove',
      decidedBy: 'reviewer',
      source: view.reports.length > 0 ? 'volunteer-report' : 'own-initiative',
      puid: `${view.id}:remove_listing`,
    },
    policy,
  );
  if (statement) {
    await saveStatement(db, statement, {
      platformId: view.listing.platformId,
      listingId: listing.id,
      policyVersion: policy.version,
    });
  }
}

export type CaseActivities = ReturnType<typeof createCaseActivities>;
