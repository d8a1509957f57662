// The embedded Temporal dev server keeps its state in SQLite under DATA_DIR, in write-ahead-log mode; one
// server per data directory, whoever starts it and whenever its starter is killed.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { isAlive, readJsonFile, waitForExit } from '../../shared/process-files.ts';
import { startTemporalDevServer } from '../../workflows/dev-server.ts';

const MODULE = fileURLToPath(new URL('../../workflows/dev-server.ts', import.meta.url));

/** A process that starts the dev server on `dir` as the system does, prints its address and stays up. */
function starter(dir: string): { child: ChildProcess; address: Promise<string> } {
  const script = [
    `import { startTemporalDevServer } from ${JSON.stringify(MODULE)};`,
    `const server = await startTemporalDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH,`,
    `  dbFilename: ${JSON.stringify(join(dir, 'temporal.sqlite'))}, ownerFile: ${JSON.stringify(join(dir, 'owner.json'))} });`,
    'console.log(server.address);',
    'setInterval(() => {}, 1000);',
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const address = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`starter exited with ${code}`)));
  });
  return { child, address };
}

interface Owner {
  pid: number;
  serverPid: number;
  address: string;
}

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

  it('gives two processes starting together one server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-dev-server-'));
    const starters = [starter(dir), starter(dir)];
    try {
      const [a, b] = await Promise.all(starters.map((s) => s.address));
      expect(a).toBe(b);
      const owner = readJsonFile<Owner>(join(dir, 'owner.json'))!;
      expect(owner.address).toBe(a);
      expect(starters.map((s) => s.child.pid)).toContain(owner.pid);
    } finally {
      const owner = readJsonFile<Owner>(join(dir, 'owner.json'));
      for (const s of starters) s.child.kill('SIGKILL');
      if (owner?.serverPid && isAlive(owner.serverPid)) process.kill(owner.serverPid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the server of a starter killed with SIGKILL before it answered, then starts afresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-dev-server-'));
    const first = starter(dir);
    first.address.catch(() => undefined); // it is killed before it prints
    const ownerFile = join(dir, 'owner.json');
    let orphan = 0;
    for (let waited = 0; !orphan; waited += 20) {
      if (waited > 60_000) throw new Error('the first starter never started a server');
      orphan = readJsonFile<Owner>(ownerFile)?.serverPid ?? 0;
      await new Promise((r) => setTimeout(r, 20));
    }
    const killed = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL'); // the server runs in its own process group: it outlives its starter
    await killed;
    try {
      const server = await startTemporalDevServer({
        cliPath: process.env.TEMPORAL_CLI_PATH,
        dbFilename: join(dir, 'temporal.sqlite'),
        ownerFile,
      });
      expect(await waitForExit(orphan, 1000)).toBe(true);
      expect(readJsonFile<Owner>(ownerFile)?.pid).toBe(process.pid);
      const connection = await Connection.connect({ address: server.address });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      await connection.close();
      await server.stop();
      expect(existsSync(ownerFile)).toBe(false);
    } finally {
      if (isAlive(orphan)) process.kill(orphan, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
