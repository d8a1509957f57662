// The campaign command for automation: create (validated like the modal, run started on the real Temporal
// dev server), list and calendar against a real database.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { run } from '../../../cli/commands/campaign.ts';
import { addDays } from '../../../shared/campaigns/plan.ts';
import { localDate } from '../../../shared/campaigns/time.ts';
import { campaignStateQuery, type campaignWorkflow } from '../../../workflows/campaigns/workflow.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { eventually, installTestRuntime } from '../../support/temporal.ts';
import {
  bundleCampaignWorkflow,
  COMMS,
  LEAD,
  type Platforms,
  recordingNotifier,
  startCampaignWorker,
  startPlatforms,
  type TemporalHarness,
} from '../../workflows/campaigns/helpers.ts';

describe('wild-sentinel campaign', () => {
  let db: TestDatabase;
  let platforms: Platforms;
  let bundle: WorkflowBundleWithSourceMap;
  let temporal: TemporalHarness;
  const printed: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'campaign-cli-'));

  beforeAll(async () => {
    installTestRuntime();
    [db, platforms, bundle] = await Promise.all([
      createTestDatabase(),
      startPlatforms(),
      bundleCampaignWorkflow(),
    ]);
    temporal = await startCampaignWorker({
      bundle,
      pool: db.pool,
      platforms,
      notifier: recordingNotifier().notifier,
    });
    vi.stubEnv('DATABASE_URL', db.url);
    vi.stubEnv('TEMPORAL_ADDRESS', inject('temporalAddress'));
    vi.stubEnv('TEMPORAL_TASK_QUEUE', temporal.taskQueue);
    vi.stubEnv('COMMS_LEADS', LEAD);
    vi.spyOn(console, 'log').mockImplementation((...a) => void printed.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void printed.push(a.join(' ')));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await temporal?.stop();
    await platforms?.close();
    await db?.drop();
  });

  const contentFile = (content: unknown) => {
    const file = join(dir, `c-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const onDate = addDays(localDate(Date.now(), 'UTC'), 12);
  const content = {
    dayId: 'world-elephant-day',
    name: 'Ivory awareness',
    when: { kind: 'date', date: onDate },
    sendTime: '08:30',
    audiences: [{ platform: 'discord', target: '123456789012345678', timeZone: 'UTC', language: 'en' }],
    variants: { en: { text: 'Say no to ivory' } },
  };

  it('creates a campaign from JSON and starts its run, which waits for a lead', async () => {
    printed.length = 0;
    expect(await run(['create', contentFile(content), '--actor', COMMS])).toBe(0);
    const created = JSON.parse(printed.at(-1)!) as { id: string; workflowId: string };
    expect(created.workflowId).toBe(`campaign-${created.id}-${onDate}`);
    const handle = temporal.client.workflow.getHandle<typeof campaignWorkflow>(created.workflowId);
    const state = await eventually(async () => {
      const s = await handle.query(campaignStateQuery);
      return s.phase === 'awaiting_approval' ? s : undefined;
    }, 'the run');
    expect(state).toMatchObject({ createdBy: COMMS, approvers: [LEAD], occurrenceDate: onDate });

    printed.length = 0;
    expect(await run(['list'])).toBe(0);
    const listed = printed.map((l) => JSON.parse(l)).find((c) => c.id === created.id);
    expect(listed).toMatchObject({
      name: 'Ivory awareness',
      when: { kind: 'date', date: onDate },
      runs: [{ occurrenceDate: onDate, status: 'running' }],
    });

    printed.length = 0;
    expect(await run(['calendar', '30'])).toBe(0);
    expect(printed.map((l) => JSON.parse(l))).toContainEqual(
      expect.objectContaining({
        campaignId: created.id,
        sendAt: `${onDate}T08:30:00.000Z`,
        platform: 'discord',
        status: 'awaiting approval',
      }),
    );
    await handle.executeUpdate('cancelCampaign', { args: [{ actor: COMMS }] });
  });

  it('refuses invalid content with the reasons, field by field, and bad arguments with the usage', async () => {
    printed.length = 0;
    const tooLong = { ...content, variants: { en: { text: '-'.repeat(1500) } } };
    expect(await run(['create', contentFile(tooLong), '--actor', COMMS])).toBe(1);
    expect(printed).toEqual([
      'a message is too long for a platform it goes to',
      '  variants.en.text: [en] is 3,000 characters on Discord after escaping (limit 2,000, for discord:123456789012345678): shorten it by 1,000 characters',
    ]);
    expect(await run(['create', contentFile(content)])).toBe(2);
    expect(await run(['create', contentFile(content), '--actor', 'not-a-user'])).toBe(2);
    expect(await run(['calendar', '0'])).toBe(2);
    expect(await run(['create', join(dir, 'missing.json'), '--actor', COMMS])).toBe(2);
  });
});
