// The inbox on a real PostgreSQL: an entry is stored before the caller may acknowledge, applied after,
// retried when applying fails or hangs, recovered by a new process after a crash, applied once however
// often it is delivered, and a malformed entry is set aside instead of retried forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createInbox, type Inbox, type InboxHandler } from '../../bots/inbox.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually } from '../support/temporal.ts';

let db: TestDatabase;
const inboxes: Inbox[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const i of inboxes) await i.stop();
  await db?.drop();
});

const schema = z.object({ move: z.string(), user: z.string() });
type Move = z.infer<typeof schema>;

/** A handler that records what it applied and told; `fail` decides per call whether applying throws. */
function recorder(fail: (move: Move, call: number) => boolean | 'hang' = () => false) {
  const applied: string[] = [];
  const told: string[] = [];
  const delayed: string[] = [];
  let calls = 0;
  const handler: InboxHandler<Move, { ok: boolean }> = {
    schema,
    async apply(m) {
      calls += 1;
      const f = fail(m, calls);
      if (f === 'hang') return new Promise(() => {});
      if (f) throw new Error('temporal unreachable');
      applied.push(m.move);
      return { ok: !m.move.startsWith('refused') };
    },
    async tell(m, outcome) {
      told.push(`${m.user}:${m.move}:${outcome.ok ? 'applied' : 'refused'}`);
    },
    async delayed(m) {
      delayed.push(`${m.user}:${m.move}`);
    },
  };
  return { handler, applied, told, delayed, calls: () => calls };
}

function inbox(kind: string, handler: InboxHandler<Move, { ok: boolean }>, opts = {}) {
  const i = createInbox({
    pool: db.pool,
    intervalMs: 100,
    attemptTimeoutMs: 300,
    maxBackoffMs: 200,
    ...opts,
  });
  i.register(kind, handler);
  inboxes.push(i);
  return i;
}

const row = async (id: string) =>
  (
    await db.pool.query<{
      processed: boolean;
      attempts: number;
      last_error: string | null;
      outcome: unknown;
    }>(
      'SELECT processed_at IS NOT NULL AS processed, attempts, last_error, outcome FROM inbox WHERE id = $1',
      [id],
    )
  ).rows[0];

describe('inbox', () => {
  it('stores an entry before the caller acknowledges, then applies it and tells the outcome', async () => {
    const r = recorder();
    const i = inbox('t.basic', r.handler);
    const job = await i.record('t.basic', 'req-1', { move: 'approve', user: 'U1' });
    // Durable now: this is the moment the front end may acknowledge.
    expect(await row('req-1')).toMatchObject({ processed: false });
    expect(r.applied).toEqual([]);
    await job.run();
    expect(r.applied).toEqual(['approve']);
    expect(r.told).toEqual(['U1:approve:applied']);
    expect(await row('req-1')).toMatchObject({ processed: true, outcome: { ok: true } });
  });

  it('tells a refusal like any other outcome', async () => {
    const r = recorder();
    const i = inbox('t.refusal', r.handler);
    await (await i.record('t.refusal', 'req-r', { move: 'refused-claim', user: 'U9' })).run();
    expect(r.told).toEqual(['U9:refused-claim:refused']);
  });

  it('retries an entry whose first try failed, tells the person once that it waits, then applies it', async () => {
    const r = recorder((_m, call) => call <= 2);
    const i = inbox('t.retry', r.handler);
    await (await i.record('t.retry', 'req-2', { move: 'reject', user: 'U2' })).run();
    expect(await row('req-2')).toMatchObject({ processed: false, last_error: 'temporal unreachable' });
    expect(r.delayed).toEqual(['U2:reject']);
    i.start();
    await eventually(async () => (await row('req-2'))?.processed || undefined, 'the retried entry');
    expect(r.applied).toEqual(['reject']);
    expect(r.told).toEqual(['U2:reject:applied']);
    expect(r.delayed).toHaveLength(1);
    expect(r.calls()).toBe(3);
  });

  it('abandons a try that hangs and applies the entry on a later one', async () => {
    const r = recorder((_m, call) => (call === 1 ? 'hang' : false));
    const i = inbox('t.hang', r.handler);
    const started = Date.now();
    await (await i.record('t.hang', 'req-h', { move: 'escalate', user: 'U1' })).run();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await row('req-h')).toMatchObject({ processed: false });
    i.start();
    await eventually(async () => (await row('req-h'))?.processed || undefined, 'the entry after a hang');
    expect(r.told).toEqual(['U1:escalate:applied']);
  });

  it('recovers what a crashed process stored but never applied, when a new process starts', async () => {
    const crashed = recorder();
    const before = inbox('t.crash', crashed.handler);
    // Stored (and acknowledged), then the process died before running the job.
    await before.record('t.crash', 'req-3', { move: 'approve', user: 'U1' });
    await before.record('t.crash', 'req-4', { move: 'refused-undo', user: 'U2' });
    await before.stop();

    const r = recorder();
    const after = inbox('t.crash', r.handler, { intervalMs: 60_000 });
    after.start(); // recovery ignores the dead process's lease: nothing waits for it to expire
    await eventually(async () => ((await row('req-4'))?.processed ? true : undefined), 'recovery');
    expect(r.applied).toEqual(['approve', 'refused-undo']);
    expect(r.told).toEqual(['U1:approve:applied', 'U2:refused-undo:refused']);
    expect(crashed.applied).toEqual([]);
  });

  it('waits after a failure by the failures alone: tries cut short by crashes do not push it away', async () => {
    const crashed = inbox('t.cut', recorder().handler);
    await crashed.record('t.cut', 'req-c', { move: 'reject', user: 'U2' });
    await crashed.stop();
    // Six processes leased it and were killed before their try ended, as in a crash loop during a deploy.
    await db.pool.query('UPDATE inbox SET attempts = 7 WHERE id = $1', ['req-c']);

    const r = recorder((_m, call) => call === 1);
    const after = inbox('t.cut', r.handler, { maxBackoffMs: 10 * 60_000 });
    after.start();
    await eventually(async () => (await row('req-c'))?.processed || undefined, 'the retried entry', 10_000);
    expect(r.calls()).toBe(2);
    expect(r.delayed).toEqual(['U2:reject']); // its first failure, although not its first lease
    expect(r.told).toEqual(['U2:reject:applied']);
  });

  it('applies a redelivered request once', async () => {
    const r = recorder();
    const i = inbox('t.dup', r.handler);
    await (await i.record('t.dup', 'req-5', { move: 'approve', user: 'U1' })).run();
    await (await i.record('t.dup', 'req-5', { move: 'approve', user: 'U1' })).run();
    expect(r.applied).toEqual(['approve']);
    expect(await row('req-5')).toMatchObject({ attempts: 1 });
  });

  it('sets a malformed entry aside instead of applying or retrying it', async () => {
    const r = recorder();
    const i = inbox('t.bad', r.handler);
    await (await i.record('t.bad', 'req-6', { move: 42 })).run();
    expect(r.applied).toEqual([]);
    expect(await row('req-6')).toMatchObject({ processed: true, outcome: { malformed: expect.any(Array) } });
  });

  it('refuses to record a kind nobody handles, so nothing is acknowledged that cannot be applied', async () => {
    const i = inbox('t.known', recorder().handler);
    await expect(i.record('t.unknown', 'req-7', {})).rejects.toThrow(/no inbox handler/);
    expect(await row('req-7')).toBeUndefined();
  });
});
