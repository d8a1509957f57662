// Campaign use cases: what every front end (Slack today) calls to plan, change, approve or cancel a
// campaign. Input is validated here; the workflow's update validators decide who may do what and when.
import { randomBytes } from 'node:crypto';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { datesInYear, findWildlifeDay } from '../../shared/campaigns/calendar.ts';
import {
  addDestination,
  type Destination,
  destinationSchema,
  listDestinations,
} from '../../shared/campaigns/destinations.ts';
import { type Campaign, type CampaignContent, campaignContentSchema } from '../../shared/campaigns/model.ts';
import { occurrenceFor, occurrenceForContent } from '../../shared/campaigns/plan.ts';
import {
  type CampaignRun,
  findCampaign,
  insertCampaign,
  listCampaigns,
  listRuns,
  listSkips,
  setCampaignStatus,
  skipOccurrence,
} from '../../shared/campaigns/repository.ts';
import { defaultVariants, hasTemplateLanguage } from '../../shared/campaigns/templates.ts';
import { localDate } from '../../shared/campaigns/time.ts';
import type { Pool } from '../../shared/db/pool.ts';
import { type CalendarEntry, upcomingPosts } from './calendar-view.ts';
import { describeLengthProblem, lengthProblems } from './channels/limits.ts';
import { deleteCampaignSchedule, REAPPROVAL_LEAD_DAYS, upsertCampaignSchedule } from './schedules.ts';
import {
  approveCampaignUpdate,
  type CampaignRunInput,
  type CampaignRunState,
  campaignStateQuery,
  campaignWorkflow,
  cancelCampaignUpdate,
  editCampaignUpdate,
  requestChangesUpdate,
} from './workflow.ts';

export interface CampaignUseCaseDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  /** Slack user ids of the comms leads who approve campaigns. */
  commsLeads: string[];
  /** Extra input for every run (tests inject an occurrence date and short retries). */
  runInput?: Omit<Partial<CampaignRunInput>, 'campaignId'>;
  now?: () => number;
}

export type Result<T> =
  | { ok: true; value: T }
  | { ok: false; reason: string; fields?: Record<string, string> };

const fail = (
  reason: string,
  fields?: Record<string, string>,
): { ok: false; reason: string; fields?: Record<string, string> } => ({
  ok: false,
  reason,
  ...(fields ? { fields } : {}),
});

/** "audiences.0.target" -> message, for showing zod issues next to the field that caused them. */
function fieldErrors(error: { issues: { path: PropertyKey[]; message: string }[] }): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.');
    fields[key] = fields[key] ? `${fields[key]}; ${issue.message}` : issue.message;
  }
  return fields;
}

/** Content that every audience's platform accepts, or the reasons it would not (keyed like zod paths). */
export function parseContent(
  input: unknown,
): { ok: true; content: CampaignContent } | { ok: false; reason: string; fields: Record<string, string> } {
  const parsed = campaignContentSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, reason: 'the campaign is not valid', fields: fieldErrors(parsed.error) };
  const tooLong = lengthProblems(parsed.data);
  if (tooLong.length > 0) {
    const fields: Record<string, string> = {};
    for (const p of tooLong) {
      const key = `variants.${p.language}.text`;
      fields[key] = fields[key] ? `${fields[key]}; ${describeLengthProblem(p)}` : describeLengthProblem(p);
    }
    return { ok: false, reason: 'a message is too long for a platform it goes to', fields };
  }
  return { ok: true, content: parsed.data };
}

export function runWorkflowId(campaignId: string, occurrenceDate: string): string {
  return `campaign-${campaignId}-${occurrenceDate}`;
}

/** "world-pangolin-day-2027-3fa9c1"; a campaign for no wildlife day is named by its date instead. */
export function newCampaignId(dayId: string | undefined, occurrenceDate: string): string {
  const suffix = randomBytes(3).toString('hex');
  return dayId ? `${dayId}-${occurrenceDate.slice(0, 4)}-${suffix}` : `post-${occurrenceDate}-${suffix}`;
}

async function runUpdate<T>(fn: () => Promise<T>, what: string): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return fail(err.cause?.message ?? err.message);
    if (err instanceof WorkflowNotFoundError) return fail(`${what}: this campaign run has finished`);
    throw err;
  }
}

export function createCampaignUseCases(deps: CampaignUseCaseDeps) {
  const now = deps.now ?? Date.now;
  const handle = (workflowId: string) =>
    deps.temporal.workflow.getHandle<typeof campaignWorkflow>(workflowId);

  async function startRun(campaign: Campaign): Promise<string> {
    const occurrenceDate = deps.runInput?.date ?? occurrenceForContent(campaign, now());
    const workflowId = runWorkflowId(campaign.id, occurrenceDate);
    await deps.temporal.workflow.start(campaignWorkflow, {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [{ ...deps.runInput, campaignId: campaign.id, date: occurrenceDate }],
    });
    return workflowId;
  }

  /** The run that edits and approvals apply to: the one still open. */
  async function openRun(campaignId: string): Promise<string | undefined> {
    const runs = await listRuns(deps.pool, campaignId);
    return runs.filter((r) => r.status === 'running').at(-1)?.workflowId;
  }

  return {
    /** A starting point for the modal: the day's template in each language, and the languages it lacks. */
    draftFor(
      dayId: string,
      languages: string[] = ['en'],
    ): (Partial<CampaignContent> & { missingLanguages: string[] }) | undefined {
      const day = findWildlifeDay(dayId);
      if (!day) return undefined;
      const year = occurrenceFor(dayId, now()).slice(0, 4);
      return {
        dayId,
        name: `${day.name} ${year}`,
        variants: defaultVariants(dayId, languages),
        sendTime: '09:00',
        missingLanguages: [...new Set(languages)].filter((l) => !hasTemplateLanguage(l)),
      };
    },

    async createCampaign(input: {
      actor: string;
      content: unknown;
    }): Promise<Result<{ campaign: Campaign; workflowId: string }>> {
      const parsed = parseContent(input.content);
      if (!parsed.ok) return fail(parsed.reason, parsed.fields);
      if (deps.commsLeads.length === 0) return fail('no comms leads are configured to approve campaigns');
      const occurrenceDate = deps.runInput?.date ?? occurrenceForContent(parsed.content, now());
      const campaign = await insertCampaign(deps.pool, {
        id: newCampaignId(parsed.content.dayId, occurrenceDate),
        content: parsed.content,
        approvers: deps.commsLeads,
        createdBy: input.actor,
      });
      const workflowId = await startRun(campaign);
      return { ok: true, value: { campaign, workflowId } };
    },

    async editCampaign(input: {
      campaignId: string;
      actor: string;
      content: unknown;
      requestId: string;
    }): Promise<Result<CampaignRunState>> {
      const parsed = parseContent(input.content);
      if (!parsed.ok) return fail(parsed.reason, parsed.fields);
      const workflowId = await openRun(input.campaignId);
      if (!workflowId) return fail('this campaign has no run open for changes');
      return runUpdate(
        () =>
          handle(workflowId).executeUpdate(editCampaignUpdate, {
            args: [{ actor: input.actor, content: parsed.content }],
            updateId: input.requestId,
          }),
        'edit',
      );
    },

    async approveCampaign(input: {
      workflowId: string;
      actor: string;
      revision: number;
      requestId: string;
    }): Promise<Result<CampaignRunState>> {
      const result = await runUpdate(
        () =>
          handle(input.workflowId).executeUpdate(approveCampaignUpdate, {
            args: [{ actor: input.actor, revision: input.revision }],
            updateId: input.requestId,
          }),
        'approve',
      );
      if (result.ok) {
        // Only a campaign the team made yearly repeats: its schedule starts next year's run, which the leads
        // approve again. Anything else has no schedule (an edit may have turned a yearly campaign into a
        // one-off).
        const campaign = await findCampaign(deps.pool, result.value.campaignId);
        if (campaign?.when.kind === 'day' && campaign.when.repeat === 'yearly') {
          await upsertCampaignSchedule(deps.temporal, {
            campaign,
            taskQueue: deps.taskQueue,
            // This year's occurrence may fire again (a second run for it stays a "duplicate" and posts nothing).
            fromYear: Number(result.value.occurrenceDate.slice(0, 4)),
          });
        } else if (campaign) {
          await deleteCampaignSchedule(deps.temporal, campaign.id);
        }
      }
      return result;
    },

    async requestChanges(input: {
      workflowId: string;
      actor: string;
      note: string;
      requestId: string;
    }): Promise<Result<CampaignRunState>> {
      return runUpdate(
        () =>
          handle(input.workflowId).executeUpdate(requestChangesUpdate, {
            args: [{ actor: input.actor, note: input.note }],
            updateId: input.requestId,
          }),
        'request changes',
      );
    },

    /** Cancels the open run (nothing more is posted) and the yearly schedule. */
    async cancelCampaign(input: {
      campaignId: string;
      workflowId?: string;
      actor: string;
      reason?: string;
      requestId: string;
    }): Promise<Result<{ state?: CampaignRunState }>> {
      const campaign = await findCampaign(deps.pool, input.campaignId);
      if (!campaign) return fail(`campaign ${input.campaignId} not found`);
      if (input.actor !== campaign.createdBy && !campaign.approvers.includes(input.actor)) {
        return fail(`${input.actor} may not cancel this campaign`);
      }
      const workflowId = input.workflowId ?? (await openRun(input.campaignId));
      let state: CampaignRunState | undefined;
      if (workflowId) {
        const result = await runUpdate(
          () =>
            handle(workflowId).executeUpdate(cancelCampaignUpdate, {
              args: [{ actor: input.actor, reason: input.reason }],
              updateId: input.requestId,
            }),
          'cancel',
        );
        if (!result.ok) return result;
        state = result.value;
      } else {
        await setCampaignStatus(deps.pool, campaign.id, 'cancelled', input.actor, {
          reason: input.reason ?? '',
        });
      }
      await deleteCampaignSchedule(deps.temporal, campaign.id);
      return { ok: true, value: { state } };
    },

    async runState(workflowId: string): Promise<CampaignRunState | undefined> {
      try {
        return await handle(workflowId).query(campaignStateQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },

    /** Every campaign with its runs: what went out, when, and how it went. */
    async overview(): Promise<{ campaign: Campaign; runs: CampaignRun[] }[]> {
      const campaigns = await listCampaigns(deps.pool);
      return Promise.all(
        campaigns.map(async (campaign) => ({ campaign, runs: await listRuns(deps.pool, campaign.id) })),
      );
    },

    /**
     * Skips one occurrence of a yearly campaign (a date, or a year's first occurrence still ahead) without
     * ending the series: a run already open for it is cancelled, the schedule stays.
     */
    async skipOccurrence(input: {
      campaignId: string;
      actor: string;
      /** YYYY-MM-DD or YYYY. */
      when: string;
      requestId: string;
    }): Promise<Result<{ occurrenceDate: string }>> {
      const campaign = await findCampaign(deps.pool, input.campaignId);
      if (!campaign) return fail(`campaign ${input.campaignId} not found`);
      if (input.actor !== campaign.createdBy && !campaign.approvers.includes(input.actor)) {
        return fail(`${input.actor} may not change this campaign`);
      }
      if (campaign.status === 'cancelled') return fail('this campaign is cancelled');
      if (campaign.when.kind !== 'day' || campaign.when.repeat !== 'yearly') {
        return fail('only a yearly campaign skips a year; cancel this one instead');
      }
      const day = findWildlifeDay(campaign.dayId)!;
      const year = Number(input.when.slice(0, 4));
      const today = localDate(now(), 'UTC');
      const dates = /^\d{4}$/.test(input.when)
        ? datesInYear(day, year).filter((d) => d >= today)
        : [input.when];
      const occurrenceDate = dates[0];
      if (!occurrenceDate || !datesInYear(day, year).includes(occurrenceDate)) {
        return fail(
          `${day.name} has no date ${input.when} to skip; its dates in ${year}: ${datesInYear(day, year).join(', ')}`,
        );
      }
      await skipOccurrence(deps.pool, campaign.id, occurrenceDate, input.actor);
      const run = (await listRuns(deps.pool, campaign.id)).find(
        (r) => r.status === 'running' && r.occurrenceDate === occurrenceDate,
      );
      if (run) {
        const cancelled = await runUpdate(
          () =>
            handle(run.workflowId).executeUpdate(cancelCampaignUpdate, {
              args: [{ actor: input.actor, reason: `skipped ${occurrenceDate}`, occurrenceOnly: true }],
              updateId: input.requestId,
            }),
          'skip',
        );
        if (!cancelled.ok) return cancelled;
      }
      return { ok: true, value: { occurrenceDate } };
    },

    /** Every post planned in the next `days` days, across campaigns and channels, earliest first. */
    async calendar(days = 90): Promise<CalendarEntry[]> {
      const campaigns = (await listCampaigns(deps.pool)).filter((c) => c.status !== 'cancelled');
      const [runs, skips] = await Promise.all([
        Promise.all(campaigns.map((c) => listRuns(deps.pool, c.id))).then((r) => r.flat()),
        listSkips(deps.pool),
      ]);
      return upcomingPosts({ campaigns, runs, skips, from: now(), days, leadDays: REAPPROVAL_LEAD_DAYS });
    },

    /** Registers a Telegram or Discord (or Slack) destination once, by name, for the modal's picker. */
    async addDestination(input: { actor: string; destination: unknown }): Promise<Result<Destination>> {
      const parsed = destinationSchema.safeParse(input.destination);
      if (!parsed.success) return fail('not a valid destination', fieldErrors(parsed.error));
      const added = await addDestination(deps.pool, parsed.data, input.actor);
      return added.added ? { ok: true, value: parsed.data } : fail(added.reason);
    },

    listDestinations: () => listDestinations(deps.pool),

    findCampaign: (campaignId: string) => findCampaign(deps.pool, campaignId),
    openRun,
  };
}

export type CampaignUseCases = ReturnType<typeof createCampaignUseCases>;
