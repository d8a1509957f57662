// A worker process is killed (SIGKILL) in the middle of a takedown: the platform has performed it, but the
// worker never heard back or recorded it. A new worker resumes the case and the platform still sees exactly
// one takedown (the retry carries the same idempotency key), the case ends taken down, the card says so.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSystem, startSystem } from '../../cli/system.ts';
import { bundleWorkflows, eventually } from '../support/temporal.ts';
import { BIN, startProcess } from './support/processes.ts';
import { type ReviewHarness, startReviewHarness } from './support/review-system.ts';

let h: ReviewHarness;
let child: ChildProcess | undefined;
let restarted: RunningSystem | undefined;

function configEnv(config: ReviewHarness['config']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'error' };
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) continue;
    env[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return env;
}

/** A production worker: `wild-sentinel start --role worker`, configured from the environment. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const started = await startProcess([BIN, 'start', '--role', 'worker'], configEnv(h.config), /is running/);
  return started.proc;
}

beforeAll(async () => {
  // This process serves the API and Slack only; the worker runs in its own process.
  h = await startReviewHarness('restart', {}, { roles: ['api', 'bots'] });
  child = await startWorkerProcess();
}, 180_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await restarted?.stop();
  await h?.close();
});

describe('a worker killed mid-review', () => {
  it('resumes on a new worker and the platform sees exactly one takedown', { timeout: 150_000 }, async () => {
    const caseId = await h.ingest({
      externalId: 'R-1',
      title: 'Antique carved ivory bangle',
      description: 'Genuine ivory, old stock. WhatsApp +84 912 345 678',
      price: 450,
      currency: 'USD',
    });
    const performed = h.platform.holdNext();
    await h.click({ actionId: 'case_approve', caseId, userId: 'U1' });
    await performed;
    // The platform removed the listing; the worker is waiting for the answer. Kill it now.
    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = undefined;
    const key = `${caseId}:remove_listing`;
    const stored = await h.db.pool.query('SELECT status FROM takedowns WHERE idempotency_key = $1', [key]);
    expect(stored.rows[0].status).toBe('requested');

    restarted = await startSystem(h.config, { roles: ['worker'], workflowBundle: await bundleWorkflows() });
    const s = await eventually(
      async () => {
        const st = await h.state(caseId);
        return st.status === 'taken_down' ? st : undefined;
      },
      'the resumed takedown',
      120_000,
    );
    expect(s.takedowns).toEqual([{ action: 'remove_listing', reference: 'TD-1' }]);
    const forCase = h.platform.requests.filter((r) => r.idempotencyKey === key);
    expect(forCase.length).toBe(2);
    expect(h.platform.performed.size).toBe(1);
    const { rows } = await h.db.pool.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE subject_id = $1 AND action = 'takedown.done'",
      [caseId],
    );
    expect(rows[0].n).toBe(1);
    await eventually(async () => {
      const card = await h.card(caseId);
      return JSON.stringify(card.blocks).includes('Taken down') ? true : undefined;
    }, 'the card update');
  });
});
