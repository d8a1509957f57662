// /healthz tells the truth within a bounded time: 200 when PostgreSQL and Temporal answer, 503 naming the
// part that hangs when one does not (a database that accepts connections but never answers), and how many
// workflow starts are owed (committed, not yet in Temporal).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiServer } from '../../api/server.ts';
import { BASE_POLICY } from '../../detectors/policy/index.ts';
import { createPool, type Pool } from '../../shared/db/pool.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

async function listen(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('GET /healthz', () => {
  let db: TestDatabase;
  let connection: Connection;
  let silentDatabase: TcpServer;
  const sockets: Socket[] = [];
  let stuckPool: Pool;
  const servers: Server[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    connection = await Connection.connect({ address: inject('temporalAddress') });
    silentDatabase = createTcpServer((socket) => sockets.push(socket));
    stuckPool = createPool(`postgres://nobody@127.0.0.1:${await listen(silentDatabase)}/x`);
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    for (const s of sockets) s.destroy();
    silentDatabase.close();
    await stuckPool.end().catch(() => {});
    await connection.close();
    await db.drop();
  });

  async function healthOf(pool: Pool) {
    const server = createApiServer({
      pool,
      temporal: new Client({ connection }),
      taskQueue: 'unused',
      policy: async () => BASE_POLICY,
    });
    servers.push(server);
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${await listen(server)}/healthz`);
    return { status: res.status, body: await res.json(), ms: Date.now() - started };
  }

  it('answers 200 when both parts answer', async () => {
    const { status, body } = await healthOf(db.pool);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', database: 'ok', temporal: 'ok', owedWorkflowStarts: 0 });
  });

  it('counts the workflow starts owed', async () => {
    await db.pool.query(
      `INSERT INTO workflow_starts (workflow_id, workflow_type, task_queue, args) VALUES ('w', 't', 'q', '[]')`,
    );
    const { body } = await healthOf(db.pool);
    expect(body).toMatchObject({ status: 'ok', owedWorkflowStarts: 1 });
  });

  it('answers 503 within its timeout when the database hangs', async () => {
    const { status, body, ms } = await healthOf(stuckPool);
    expect(status).toBe(503);
    expect(body).toEqual({ status: 'degraded', database: 'timeout', temporal: 'ok' });
    expect(ms).toBeLessThan(10_000);
  });
});
