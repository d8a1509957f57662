// The share exchange as deployed: deployment A runs its API with SHARE_ORIGIN and its key, deployment B runs
// the whole system, whose worker keeps the fetch schedule at SHARE_FETCH_INTERVAL. When B's schedule fires,
// B pulls A's feed over HTTP and links a seller A removed; after A undoes that takedown, the next run
// withdraws the signal on B.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningSystem, startSystem } from '../../cli/system.ts';
import { loadConfig } from '../../shared/config.ts';
import { generateSigningKey } from '../../workflows/sharing/bundle.ts';
import { SHARE_FETCH_SCHEDULE_ID } from '../../workflows/sharing/exchange-schedule.ts';
import type { shareFetchWorkflow } from '../../workflows/sharing/exchange-workflow.ts';
import { CoalitionKey } from '../../workflows/sharing/keyed-hash.ts';
import { linkListing } from '../../workflows/sharing/linking.ts';
import { trustPeer } from '../../workflows/sharing/peers.ts';
import { recordListingSignals } from '../../workflows/sharing/signals.ts';
import { addListing, addPlatform, takeDown } from '../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { bundleWorkflows, eventually, installTestRuntime } from '../support/temporal.ts';

const COALITION_KEY = randomBytes(32).toString('hex');

describe('share exchange between two running deployments', () => {
  let dbA: TestDatabase;
  let dbB: TestDatabase;
  let systemA: RunningSystem;
  let systemB: RunningSystem;
  let removedCase: string;
  const dir = mkdtempSync(join(tmpdir(), 'ws-share-e2e-'));
  const keysA = generateSigningKey();
  const keysB = generateSigningKey();
  const coalitionKey = new CoalitionKey(Buffer.from(COALITION_KEY, 'hex'));

  const config = (name: string, db: TestDatabase, keyFile: string) =>
    loadConfig({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `share-e2e-${name}-${Date.now()}`,
      PORT: '0',
      DATA_DIR: mkdtempSync(join(dir, `${name}-`)),
      IMAGE_OCR: 'false',
      COALITION_HASH_KEY: COALITION_KEY,
      SHARE_ORIGIN: `deploy-${name}`,
      SHARE_SIGNING_KEY_FILE: keyFile,
      SHARE_FETCH_INTERVAL: '1h',
    });

  beforeAll(async () => {
    installTestRuntime();
    [dbA, dbB] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    writeFileSync(join(dir, 'a.key'), keysA.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'b.key'), keysB.privateKeyPem, { mode: 0o600 });
    await addPlatform(dbA.pool, 'shopa');
    await addPlatform(dbB.pool, 'shopz');
    const removed = await addListing(dbA.pool, {
      platform: 'shopa',
      externalId: 'a1',
      title: 'Rhino horn cup',
      description: 'WhatsApp +84 912 345 678',
      receivedAt: new Date(Date.now() - 3600_000),
      verdict: 'review',
    });
    await recordListingSignals(dbA.pool, coalitionKey, removed.id, {
      platformId: 'shopa',
      title: 'Rhino horn cup',
      description: 'WhatsApp +84 912 345 678',
    });
    await takeDown(dbA.pool, removed.caseId!, 'remove_listing', new Date());
    removedCase = removed.caseId!;
    // A serves its feed (API only: no worker, so no schedule of its own); B runs everything.
    systemA = await startSystem(config('a', dbA, join(dir, 'a.key')), { roles: ['api'] });
    systemB = await startSystem(config('b', dbB, join(dir, 'b.key')), {
      workflowBundle: await bundleWorkflows(),
    });
    await trustPeer(dbB.pool, 'deploy-a', keysA.publicKeyPem, 'lead-b', systemA.apiUrl);
    await trustPeer(dbA.pool, 'deploy-b', keysB.publicKeyPem, 'lead-a');
  });

  afterAll(async () => {
    await systemB?.temporal.schedule
      .getHandle(SHARE_FETCH_SCHEDULE_ID)
      .delete()
      .catch(() => {});
    await systemB?.stop();
    await systemA?.stop();
    await Promise.all([dbA?.drop(), dbB?.drop()]);
  });

  async function runSchedule(): Promise<Awaited<ReturnType<typeof shareFetchWorkflow>>> {
    const handle = systemB.temporal.schedule.getHandle(SHARE_FETCH_SCHEDULE_ID);
    const before = (await handle.describe()).info.recentActions.length;
    await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    const workflowId = await eventually(async () => {
      const actions = (await handle.describe()).info.recentActions;
      return actions.length > before ? actions.at(-1)!.action.workflow.workflowId : undefined;
    }, 'the schedule to start a fetch run');
    return systemB.temporal.workflow.getHandle<typeof shareFetchWorkflow>(workflowId).result();
  }

  async function linesOnB(externalId: string): Promise<string[]> {
    const row = await addListing(dbB.pool, {
      platform: 'shopz',
      externalId,
      title: 'Horn cup',
      description: 'Zalo 0912 345 678',
      receivedAt: new Date(),
      verdict: 'review',
    });
    await recordListingSignals(dbB.pool, coalitionKey, row.id, {
      platformId: 'shopz',
      title: 'Horn cup',
      description: 'Zalo 0912 345 678',
    });
    return (await linkListing(dbB.pool, row.id)).lines;
  }

  it("keeps B's fetch schedule at the configured interval and applies A's feed when it fires", async () => {
    const described = await systemB.temporal.schedule.getHandle(SHARE_FETCH_SCHEDULE_ID).describe();
    expect(described.spec.intervals?.[0]?.every).toBe(3600_000);
    const [run] = await runSchedule();
    expect(run).toMatchObject({ origin: 'deploy-a', ok: true, summary: { accepted: 1, withdrawn: 0 } });
    expect(await linesOnB('z1')).toEqual([
      "seller's phone seen in 1 removed listing on 1 platform (shared by deploy-a)",
    ]);
  });

  it('withdraws the signal on B after A undid the takedown', async () => {
    // What the case workflow records when a takedown is undone or an appeal restores the listing.
    await dbA.pool.query("UPDATE cases SET status = 'restored' WHERE id = $1", [removedCase]);
    const [run] = await runSchedule();
    expect(run).toMatchObject({ origin: 'deploy-a', ok: true, summary: { withdrawn: 1 } });
    expect(await linesOnB('z2')).toEqual([]);
  });
});
