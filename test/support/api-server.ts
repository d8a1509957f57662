// The HTTP API on a test database and the run's Temporal server, listening on a free loopback port, and the
// two listings the ingest tests send: one the policy allows and one it flags.
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { createApiServer } from '../../api/server.ts';
import { BASE_POLICY } from '../../detectors/policy/index.ts';
import { createStartDispatcher } from '../../workflows/workflow-starts.ts';
import type { TestDatabase } from './database.ts';

export interface TestApi {
  /** http://127.0.0.1:<port> */
  base: string;
  temporal: Client;
  close(): Promise<void>;
}

/**
 * Starts the API under the base policy. No worker polls `taskQueue`: workflows it starts wait, which is all
 * the API tests look at.
 */
export async function startTestApi(db: TestDatabase, taskQueue: string): Promise<TestApi> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const temporal = new Client({ connection });
  const starts = createStartDispatcher({ pool: db.pool, temporal, intervalMs: 200 });
  starts.start();
  const server = createApiServer({
    pool: db.pool,
    temporal,
    taskQueue,
    starts,
    policy: async () => BASE_POLICY,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    temporal,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await starts.stop();
      await connection.close();
    },
  };
}

/** A listing the policy allows. */
export const benignListing = (id: string, title = `Garden chair ${id}`) => ({
  externalId: id,
  title,
  description: 'Solid oak, barely used. Pick up only.',
  price: 40,
  currency: 'USD',
});

/** A listing the policy flags for review. */
export const flaggedListing = (id: string) => ({
  externalId: id,
  title: 'Antique carved ivory bangle',
  description: 'Genuine ivory, old stock. DM me.',
  price: 300,
  currency: 'USD',
});
