// The outbox of workflow starts (workflows/workflow-starts.ts) against the run's Temporal server: what a
// committed transaction owes is started whatever happened after the commit (the process killed, Temporal
// unreachable), exactly once across dispatchers, and never runs a finished workflow again.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BASE_POLICY } from '../../detectors/policy/index.ts';
import { createPlatform } from '../../shared/db/platforms.ts';
import { inTransaction } from '../../shared/db/pool.ts';
import { listingInputSchema } from '../../shared/listing.ts';
import { ingestListing } from '../../workflows/use-cases/ingest-listing.ts';
import {
  createStartDispatcher,
  OWN_START_LEASE_MS,
  type OwedStart,
  recordOwedStart,
} from '../../workflows/workflow-starts.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('owed workflow starts', () => {
  let db: TestDatabase;
  let connection: Connection;
  let temporal: Client;
  // No worker polls it: a started workflow simply stays running, which is all these tests look at.
  const taskQueue = `owed-${Date.now()}`;
  let seq = 0;
  const owed = (): OwedStart => ({
    workflowId: `owed-${Date.now()}-${seq++}`,
    workflowType: 'caseWorkflow',
    taskQueue,
    args: [{ caseId: 'case-x', platformId: 'p', externalId: 'x', reviewers: [] }],
  });
  /** A client whose connection is closed: every call fails as it would while Temporal is down. */
  const unreachable = async () => {
    const client = new Client({
      connection: await Connection.connect({ address: inject('temporalAddress') }),
    });
    await client.connection.close();
    return client;
  };
  const status = async (workflowId: string) =>
    (await temporal.workflow.getHandle(workflowId).describe()).status.name;
  const pending = async () =>
    (
      await db.pool.query<{ workflow_id: string; failures: number; last_error: string | null }>(
        'SELECT workflow_id, failures, last_error FROM workflow_starts ORDER BY workflow_id',
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase();
    connection = await Connection.connect({ address: inject('temporalAddress') });
    temporal = new Client({ connection });
  });
  afterAll(async () => {
    await connection.close();
    await db.drop();
  });

  it('starts what a committed transaction owes, once the process that owed it is gone, and clears the row', async () => {
    const start = owed();
    // What a process killed between its commit and its own start leaves: a row leased to it.
    await inTransaction(db.pool, (tx) => recordOwedStart(tx, start, OWN_START_LEASE_MS));
    const dispatcher = createStartDispatcher({ pool: db.pool, temporal });
    expect(await dispatcher.drain()).toBe(0); // the lease keeps others off while its owner may still start it
    await db.pool.query("UPDATE workflow_starts SET next_attempt_at = now() - interval '1 second'");
    expect(await dispatcher.drain()).toBe(1);
    expect(await status(start.workflowId)).toBe('RUNNING');
    expect(await pending()).toEqual([]);
  });

  it('keeps a start Temporal refused with its error and a backoff, and starts it once Temporal answers', async () => {
    const start = owed();
    await recordOwedStart(db.pool, start, 0);
    const down = await unreachable();
    await createStartDispatcher({ pool: db.pool, temporal: down }).drain();
    const [row] = await pending();
    expect(row).toMatchObject({ workflow_id: start.workflowId, failures: 1 });
    expect(row!.last_error).toBeTruthy();
    const dispatcher = createStartDispatcher({ pool: db.pool, temporal });
    expect(await dispatcher.drain()).toBe(0); // backing off
    await db.pool.query('UPDATE workflow_starts SET next_attempt_at = now()');
    expect(await dispatcher.drain()).toBe(1);
    expect(await status(start.workflowId)).toBe('RUNNING');
    expect(await pending()).toEqual([]);
  });

  it('does not run a finished workflow again when its row is started a second time', async () => {
    const start = owed();
    await recordOwedStart(db.pool, start, 0);
    const dispatcher = createStartDispatcher({ pool: db.pool, temporal });
    await dispatcher.drain();
    const first = await temporal.workflow.getHandle(start.workflowId).describe();
    await temporal.workflow.getHandle(start.workflowId).terminate('decided');
    // A crash after the start and before the delete leaves the row to be started again.
    await recordOwedStart(db.pool, start, 0);
    expect(await dispatcher.drain()).toBe(1);
    const after = await temporal.workflow.getHandle(start.workflowId).describe();
    expect(after.runId).toBe(first.runId);
    expect(after.status.name).toBe('TERMINATED');
    expect(await pending()).toEqual([]);
  });

  it('starts each row once when dispatchers in several processes drain together', async () => {
    const starts = Array.from({ length: 120 }, owed);
    for (const s of starts) await recordOwedStart(db.pool, s, 0);
    let calls = 0;
    const counted = () =>
      new Client({
        connection,
        interceptors: {
          workflow: [
            {
              async start(input, next) {
                calls++;
                return next(input);
              },
            },
          ],
        },
      });
    const dispatchers = [1, 2, 3].map(() =>
      createStartDispatcher({ pool: db.pool, temporal: counted(), batchSize: 16, concurrency: 4 }),
    );
    const taken = await Promise.all(dispatchers.map((d) => d.drain()));
    expect(taken.reduce((a, b) => a + b, 0)).toBe(120);
    expect(calls).toBe(120);
    expect(await pending()).toEqual([]);
    for (const s of starts.slice(0, 5)) expect(await status(s.workflowId)).toBe('RUNNING');
  });

  it("opens a flagged listing's case while Temporal is down, and starts its review once Temporal is back", async () => {
    await createPlatform(db.pool, { id: 'owed', name: 'Owed market' });
    const down = await unreachable();
    const listing = listingInputSchema.parse({
      externalId: 'tusk-1',
      title: 'Carved ivory tusk',
      description: 'Genuine elephant ivory. DM for price.',
    });
    const deps = { pool: db.pool, temporal: down, taskQueue, policy: async () => BASE_POLICY };
    const result = await ingestListing(deps, 'owed', listing);
    expect(result.caseId).toMatch(/^case-/);
    expect(await pending()).toMatchObject([{ workflow_id: result.caseId, failures: 1 }]);
    await db.pool.query('UPDATE workflow_starts SET next_attempt_at = now()');
    expect(await createStartDispatcher({ pool: db.pool, temporal }).drain()).toBe(1);
    expect(await status(result.caseId!)).toBe('RUNNING');
    expect(await pending()).toEqual([]);
  });

  it('sets a malformed row aside instead of taking it again and again', async () => {
    await db.pool.query(
      `INSERT INTO workflow_starts (workflow_id, workflow_type, task_queue, args) VALUES ('bad', '', 'q', '{}')`,
    );
    const dispatcher = createStartDispatcher({ pool: db.pool, temporal });
    expect(await dispatcher.drain()).toBe(0);
    const { rows } = await db.pool.query(
      "SELECT next_attempt_at = 'infinity' AS aside, last_error FROM workflow_starts WHERE workflow_id = 'bad'",
    );
    expect(rows[0]).toEqual({ aside: true, last_error: 'malformed' });
    await db.pool.query("DELETE FROM workflow_starts WHERE workflow_id = 'bad'");
  });
});
