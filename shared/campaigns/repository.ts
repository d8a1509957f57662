// Campaigns in PostgreSQL: the campaign itself (content, revision, approval), one run per occurrence of its
// wildlife day, and one delivery row per audience and run. Every state change is written to the audit log.
import { appendAudit } from '../db/audit.ts';
import type { Queryable } from '../db/pool.ts';
import {
  type Campaign,
  type CampaignContent,
  type CampaignStatus,
  campaignContentSchema,
  type Platform,
} from './model.ts';

interface CampaignRow {
  id: string;
  day_id: string | null;
  name: string;
  status: CampaignStatus;
  audiences: unknown;
  variants: unknown;
  send_time: string | null;
  approvers: string[];
  created_by: string;
  created_at: Date;
  updated_at: Date;
  revision: number;
  approved_revision: number | null;
  approved_by: string | null;
  report_channel: string | null;
  post_when: unknown;
  approved_occurrence: Date | string | null;
}

/** A `date` column as YYYY-MM-DD, whichever way the driver returned it. */
function dateOnly(v: Date | string | null): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v.slice(0, 10);
  return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
}

function toCampaign(row: CampaignRow): Campaign {
  // Rows are re-validated on the way out: a hand-edited row cannot smuggle bad content into a post.
  const content = campaignContentSchema.parse({
    dayId: row.day_id ?? undefined,
    name: row.name,
    audiences: row.audiences,
    variants: row.variants,
    sendTime: row.send_time ?? undefined,
    when: row.post_when ?? undefined,
    reportChannel: row.report_channel ?? undefined,
  });
  return {
    ...content,
    id: row.id,
    status: row.status,
    revision: row.revision,
    approvedRevision: row.approved_revision,
    approvedBy: row.approved_by,
    approvedOccurrence: dateOnly(row.approved_occurrence),
    approvers: row.approvers,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export class CampaignNotFoundError extends Error {
  constructor(id: string) {
    super(`campaign ${id} not found`);
    this.name = 'CampaignNotFoundError';
  }
}

export interface NewCampaign {
  id: string;
  content: CampaignContent;
  approvers: string[];
  createdBy: string;
}

export async function insertCampaign(db: Queryable, input: NewCampaign): Promise<Campaign> {
  const c = campaignContentSchema.parse(input.content);
  const { rows } = await db.query<CampaignRow>(
    `INSERT INTO campaigns (id, day_id, name, status, audiences, variants, send_time, approvers, created_by, report_channel,
       post_when)
     VALUES ($1, $2, $3, 'pending_approval', $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [
      input.id,
      c.dayId ?? null,
      c.name,
      JSON.stringify(c.audiences),
      JSON.stringify(c.variants),
      c.sendTime,
      JSON.stringify(input.approvers),
      input.createdBy,
      c.reportChannel ?? null,
      JSON.stringify(c.when),
    ],
  );
  await appendAudit(db, {
    actor: input.createdBy,
    action: 'campaign.created',
    subjectType: 'campaign',
    subjectId: input.id,
    details: {
      dayId: c.dayId ?? null,
      when: c.when,
      audiences: c.audiences.length,
      languages: Object.keys(c.variants),
    },
  });
  return toCampaign(rows[0]!);
}

export async function findCampaign(db: Queryable, id: string): Promise<Campaign | undefined> {
  const { rows } = await db.query<CampaignRow>('SELECT * FROM campaigns WHERE id = $1', [id]);
  return rows[0] ? toCampaign(rows[0]) : undefined;
}

export async function getCampaign(db: Queryable, id: string): Promise<Campaign> {
  const found = await findCampaign(db, id);
  if (!found) throw new CampaignNotFoundError(id);
  return found;
}

export async function listCampaigns(db: Queryable, options: { dayId?: string } = {}): Promise<Campaign[]> {
  const { rows } = await db.query<CampaignRow>(
    'SELECT * FROM campaigns WHERE ($1::text IS NULL OR day_id = $1) ORDER BY created_at, id',
    [options.dayId ?? null],
  );
  return rows.map(toCampaign);
}

/** Replaces the content as a new revision; any earlier approval no longer covers it. */
export async function saveCampaignRevision(
  db: Queryable,
  id: string,
  revision: number,
  content: CampaignContent,
  actor: string,
): Promise<Campaign> {
  const c = campaignContentSchema.parse(content);
  const { rows } = await db.query<CampaignRow>(
    `UPDATE campaigns SET day_id = $2, name = $3, audiences = $4, variants = $5, send_time = $6, report_channel = $7,
       revision = $8, post_when = $9, status = 'pending_approval', updated_at = now()
     WHERE id = $1 AND revision < $8 RETURNING *`,
    [
      id,
      c.dayId ?? null,
      c.name,
      JSON.stringify(c.audiences),
      JSON.stringify(c.variants),
      c.sendTime,
      c.reportChannel ?? null,
      revision,
      JSON.stringify(c.when),
    ],
  );
  if (!rows[0]) return getCampaign(db, id); // already saved (an activity retry) or unknown
  await appendAudit(db, {
    actor,
    action: 'campaign.edited',
    subjectType: 'campaign',
    subjectId: id,
    details: { revision },
  });
  return toCampaign(rows[0]);
}

/** Records an approval of a revision for one occurrence (next year's run asks again). */
export async function recordApproval(
  db: Queryable,
  id: string,
  revision: number,
  actor: string,
  occurrenceDate?: string,
): Promise<void> {
  const { rowCount } = await db.query(
    `UPDATE campaigns SET approved_revision = $2, approved_by = $3, approved_at = now(), status = 'approved',
       approved_occurrence = $4, updated_at = now()
     WHERE id = $1 AND revision = $2
       AND (approved_revision IS DISTINCT FROM $2 OR approved_occurrence IS DISTINCT FROM $4::date)`,
    [id, revision, actor, occurrenceDate ?? null],
  );
  if (rowCount) {
    await appendAudit(db, {
      actor,
      action: 'campaign.approved',
      subjectType: 'campaign',
      subjectId: id,
      details: { revision, ...(occurrenceDate ? { occurrenceDate } : {}) },
    });
  }
}

/** Skips one occurrence of a yearly campaign without ending the series; true when newly skipped. */
export async function skipOccurrence(
  db: Queryable,
  campaignId: string,
  occurrenceDate: string,
  actor: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO campaign_skips (campaign_id, occurrence_date, skipped_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [campaignId, occurrenceDate, actor],
  );
  if (rowCount) {
    await appendAudit(db, {
      actor,
      action: 'campaign.skipped',
      subjectType: 'campaign',
      subjectId: campaignId,
      details: { occurrenceDate },
    });
  }
  return Boolean(rowCount);
}

export async function isSkipped(db: Queryable, campaignId: string, occurrenceDate: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'SELECT 1 FROM campaign_skips WHERE campaign_id = $1 AND occurrence_date = $2',
    [campaignId, occurrenceDate],
  );
  return Boolean(rowCount);
}

export async function listSkips(
  db: Queryable,
  campaignId?: string,
): Promise<{ campaignId: string; occurrenceDate: string }[]> {
  const { rows } = await db.query<{ campaign_id: string; occurrence_date: string }>(
    `SELECT campaign_id, to_char(occurrence_date, 'YYYY-MM-DD') AS occurrence_date FROM campaign_skips
     WHERE ($1::text IS NULL OR campaign_id = $1) ORDER BY occurrence_date`,
    [campaignId ?? null],
  );
  return rows.map((r) => ({ campaignId: r.campaign_id, occurrenceDate: r.occurrence_date }));
}

export async function setCampaignStatus(
  db: Queryable,
  id: string,
  status: CampaignStatus,
  actor: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  const { rowCount } = await db.query(
    'UPDATE campaigns SET status = $2, updated_at = now() WHERE id = $1 AND status <> $2',
    [id, status],
  );
  if (rowCount) {
    await appendAudit(db, {
      actor,
      action: `campaign.${status}`,
      subjectType: 'campaign',
      subjectId: id,
      details,
    });
  }
}

export type RunStatus = 'running' | 'sent' | 'partially_sent' | 'failed' | 'cancelled' | 'expired';

/**
 * Claims an occurrence of a campaign for one workflow. A second workflow for the same campaign and date
 * (a schedule firing while a hand-started run is live) gets false and must post nothing; the same workflow
 * asking again (an activity retry) gets true.
 */
export async function claimRun(
  db: Queryable,
  run: { workflowId: string; campaignId: string; occurrenceDate: string },
): Promise<boolean> {
  await db.query(
    `INSERT INTO campaign_runs (workflow_id, campaign_id, occurrence_date, status) VALUES ($1, $2, $3, 'running')
     ON CONFLICT DO NOTHING`,
    [run.workflowId, run.campaignId, run.occurrenceDate],
  );
  const { rows } = await db.query<{ workflow_id: string }>(
    'SELECT workflow_id FROM campaign_runs WHERE campaign_id = $1 AND occurrence_date = $2',
    [run.campaignId, run.occurrenceDate],
  );
  return rows[0]?.workflow_id === run.workflowId;
}

export async function finishRun(
  db: Queryable,
  workflowId: string,
  status: Exclude<RunStatus, 'running'>,
  summary: Record<string, unknown>,
): Promise<void> {
  await db.query(
    'UPDATE campaign_runs SET status = $2, summary = $3, finished_at = now() WHERE workflow_id = $1',
    [workflowId, status, JSON.stringify(summary)],
  );
}

export interface CampaignRun {
  workflowId: string;
  campaignId: string;
  occurrenceDate: string;
  status: RunStatus;
  summary: Record<string, unknown> | null;
}

export async function listRuns(db: Queryable, campaignId: string): Promise<CampaignRun[]> {
  const { rows } = await db.query<{
    workflow_id: string;
    campaign_id: string;
    occurrence_date: string;
    status: RunStatus;
    summary: Record<string, unknown> | null;
  }>(
    `SELECT workflow_id, campaign_id, to_char(occurrence_date, 'YYYY-MM-DD') AS occurrence_date, status, summary
     FROM campaign_runs WHERE campaign_id = $1 ORDER BY occurrence_date`,
    [campaignId],
  );
  return rows.map((r) => ({
    workflowId: r.workflow_id,
    campaignId: r.campaign_id,
    occurrenceDate: r.occurrence_date,
    status: r.status,
    summary: r.summary,
  }));
}

export interface Delivery {
  workflowId: string;
  campaignId: string;
  audienceKey: string;
  platform: Platform;
  target: string;
  language: string;
  timeZone: string;
  scheduledFor: string;
  status: 'sent' | 'failed' | 'missed';
  messageId?: string;
  error?: string;
  attempts: number;
}

/** Records (or, on an activity retry, re-records) the outcome of one audience's post. */
export async function recordDelivery(db: Queryable, d: Delivery): Promise<void> {
  await db.query(
    `INSERT INTO campaign_deliveries (workflow_id, campaign_id, audience_key, platform, target, language, time_zone,
       scheduled_for, status, message_id, error, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (workflow_id, audience_key) DO UPDATE SET status = excluded.status,
       message_id = excluded.message_id, error = excluded.error, attempts = excluded.attempts, delivered_at = now()`,
    [
      d.workflowId,
      d.campaignId,
      d.audienceKey,
      d.platform,
      d.target,
      d.language,
      d.timeZone,
      d.scheduledFor,
      d.status,
      d.messageId ?? null,
      d.error ?? null,
      d.attempts,
    ],
  );
}

export async function listDeliveries(db: Queryable, filter: { workflowId?: string; campaignId?: string }) {
  const { rows } = await db.query<{
    workflow_id: string;
    campaign_id: string;
    audience_key: string;
    platform: Platform;
    target: string;
    language: string;
    time_zone: string;
    scheduled_for: Date;
    status: Delivery['status'];
    message_id: string | null;
    error: string | null;
    attempts: number;
    delivered_at: Date;
  }>(
    `SELECT * FROM campaign_deliveries WHERE ($1::text IS NULL OR workflow_id = $1) AND ($2::text IS NULL OR campaign_id = $2)
     ORDER BY delivered_at, id`,
    [filter.workflowId ?? null, filter.campaignId ?? null],
  );
  return rows.map((r) => ({
    workflowId: r.workflow_id,
    campaignId: r.campaign_id,
    audienceKey: r.audience_key,
    platform: r.platform,
    target: r.target,
    language: r.language,
    timeZone: r.time_zone,
    scheduledFor: r.scheduled_for.toISOString(),
    status: r.status,
    messageId: r.message_id ?? undefined,
    error: r.error ?? undefined,
    attempts: r.attempts,
    deliveredAt: r.delivered_at.toISOString(),
  }));
}
