import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignContentSchema } from '../../../shared/campaigns/model.ts';
import {
  CampaignNotFoundError,
  claimRun,
  findCampaign,
  finishRun,
  getCampaign,
  insertCampaign,
  listCampaigns,
  listDeliveries,
  listRuns,
  recordApproval,
  recordDelivery,
  saveCampaignRevision,
  setCampaignStatus,
} from '../../../shared/campaigns/repository.ts';
import { verifyAuditChain } from '../../../shared/db/audit.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const content = campaignContentSchema.parse({
  dayId: 'world-elephant-day',
  name: 'Elephant Day',
  audiences: [
    { platform: 'slack', target: 'C0COMMS', timeZone: 'Europe/London', language: 'en' },
    {
      platform: 'telegram',
      target: '@wildlife_fr',
      timeZone: 'Europe/Paris',
      language: 'fr',
      sendTime: '10:30',
    },
  ],
  variants: {
    en: { text: 'Say no to ivory' },
    fr: { text: "Refusez l'ivoire", imageUrl: 'https://example.org/e.jpg' },
  },
  reportChannel: 'C0COMMS',
});

describe('campaign repository', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('stores a campaign and reads it back validated', async () => {
    const created = await insertCampaign(db.pool, {
      id: 'elephant-2026',
      content,
      approvers: ['ULEAD1'],
      createdBy: 'UCOMMS',
    });
    expect(created).toMatchObject({
      id: 'elephant-2026',
      status: 'pending_approval',
      revision: 1,
      approvedRevision: null,
    });
    const read = await getCampaign(db.pool, 'elephant-2026');
    expect(read.audiences).toEqual(content.audiences);
    expect(read.variants.fr).toEqual({ text: "Refusez l'ivoire", imageUrl: 'https://example.org/e.jpg' });
    expect(read.approvers).toEqual(['ULEAD1']);
    expect(await findCampaign(db.pool, 'nope')).toBeUndefined();
    await expect(getCampaign(db.pool, 'nope')).rejects.toBeInstanceOf(CampaignNotFoundError);
    expect((await listCampaigns(db.pool, { dayId: 'world-elephant-day' })).map((c) => c.id)).toEqual([
      'elephant-2026',
    ]);
  });

  it('approves a revision, and an edit makes the approval stale; a replayed edit is a no-op', async () => {
    await recordApproval(db.pool, 'elephant-2026', 1, 'ULEAD1');
    expect(await getCampaign(db.pool, 'elephant-2026')).toMatchObject({
      status: 'approved',
      approvedRevision: 1,
      approvedBy: 'ULEAD1',
    });
    const edited = await saveCampaignRevision(
      db.pool,
      'elephant-2026',
      2,
      { ...content, sendTime: '08:00' },
      'UCOMMS',
    );
    expect(edited).toMatchObject({
      revision: 2,
      approvedRevision: 1,
      status: 'pending_approval',
      sendTime: '08:00',
    });
    const replay = await saveCampaignRevision(
      db.pool,
      'elephant-2026',
      2,
      { ...content, sendTime: '07:00' },
      'UCOMMS',
    );
    expect(replay.sendTime).toBe('08:00');
    // approving a revision that is not the current one changes nothing
    await recordApproval(db.pool, 'elephant-2026', 1, 'ULEAD1');
    expect((await getCampaign(db.pool, 'elephant-2026')).approvedRevision).toBe(1);
    await setCampaignStatus(db.pool, 'elephant-2026', 'cancelled', 'ULEAD1', { reason: 'test' });
    expect((await getCampaign(db.pool, 'elephant-2026')).status).toBe('cancelled');
  });

  it('lets one workflow claim an occurrence, idempotently', async () => {
    const run = { campaignId: 'elephant-2026', occurrenceDate: '2026-08-12', workflowId: 'wf-a' };
    expect(await claimRun(db.pool, run)).toBe(true);
    expect(await claimRun(db.pool, run)).toBe(true);
    expect(await claimRun(db.pool, { ...run, workflowId: 'wf-b' })).toBe(false);
    expect(await claimRun(db.pool, { ...run, workflowId: 'wf-c', occurrenceDate: '2027-08-12' })).toBe(true);
  });

  it('records one delivery per audience and run, updating on retry', async () => {
    const base = {
      workflowId: 'wf-a',
      campaignId: 'elephant-2026',
      platform: 'telegram' as const,
      audienceKey: 'telegram:@wildlife_fr',
      target: '@wildlife_fr',
      language: 'fr',
      timeZone: 'Europe/Paris',
      scheduledFor: '2026-08-12T08:30:00.000Z',
    };
    await recordDelivery(db.pool, { ...base, status: 'failed', error: 'HTTP 500', attempts: 3 });
    await recordDelivery(db.pool, { ...base, status: 'sent', messageId: '42', attempts: 4 });
    const deliveries = await listDeliveries(db.pool, { workflowId: 'wf-a' });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: 'sent', messageId: '42', attempts: 4, error: undefined });
    await finishRun(db.pool, 'wf-a', 'sent', { sent: 1, failed: 0 });
    const runs = await listRuns(db.pool, 'elephant-2026');
    expect(runs.map((r) => [r.occurrenceDate, r.status])).toEqual([
      ['2026-08-12', 'sent'],
      ['2027-08-12', 'running'],
    ]);
  });

  it('writes every change to the audit chain', async () => {
    const { rows } = await db.pool.query(
      "SELECT action FROM audit_log WHERE subject_type = 'campaign' ORDER BY seq",
    );
    expect(rows.map((r) => r.action)).toEqual([
      'campaign.created',
      'campaign.approved',
      'campaign.edited',
      'campaign.cancelled',
    ]);
    expect((await verifyAuditChain(db.pool)).firstBrokenSeq).toBeNull();
  });
});
