// The embedded Temporal dev server keeps its state in SQLite under DATA_DIR, in write-ahead-log mode.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startTemporalDevServer } from '../../workflows/dev-server.ts';

describe('embedded Temporal dev server', () => {
  it('keeps durable state in a SQLite file with a write-ahead log, and keeps it across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-dev-server-'));
    const dbFilename = join(dir, 'temporal.sqlite');
    try {
      let server = await startTemporalDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH, dbFilename });
      let connection = await Connection.connect({ address: server.address });
      await new Client({ connection }).workflow.start('nothing', {
        workflowId: 'kept',
        taskQueue: 'nobody-polls',
      });
      expect(existsSync(`${dbFilename}-wal`)).toBe(true);
      await connection.close();
      await server.stop();

      server = await startTemporalDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH, dbFilename });
      connection = await Connection.connect({ address: server.address });
      const described = await new Client({ connection }).workflow.getHandle('kept').describe();
      expect(described.status.name).toBe('RUNNING');
      await connection.close();
      await server.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
