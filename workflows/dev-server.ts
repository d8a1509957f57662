// The embedded Temporal default: the Temporal CLI's dev server (`temporal server start-dev`), found through
// TEMPORAL_CLI_PATH, the PATH, or the cache that .ci/run builds into; online machines may instead use the
// SDK's own download of the CLI.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../shared/net/free-port.ts';
import {
  commandLine,
  createExclusive,
  isAlive,
  readJsonFile,
  removeFile,
  waitForExit,
  writeJsonFile,
} from '../shared/process-files.ts';

export const TEMPORAL_INSTALL_HINT =
  'Install the Temporal CLI (it contains the dev server): `go install github.com/temporalio/cli/cmd/temporal@v1.5.1`, ' +
  'then put it on the PATH or set TEMPORAL_CLI_PATH; or set TEMPORAL_ADDRESS to a running Temporal server.';

/** Where .ci/run caches the CLI it builds. */
export const CACHED_CLI_PATH = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'wild-sentinel',
  'go',
  'bin',
  'temporal',
);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The explicit path if given (it must exist), else `temporal` on the PATH, else the CI cache. */
export function findTemporalCli(explicit?: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    return explicit;
  }
  for (const dir of pathEnv.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  return isExecutable(CACHED_CLI_PATH) ? CACHED_CLI_PATH : undefined;
}

export interface DevServer {
  address: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath?: string;
  /** SQLite file for durable state; in-memory when absent. */
  dbFilename?: string;
  namespace?: string;
  port?: number;
  /** How long to wait for the server to answer; the SDK's own 5 s is too short on 2 busy cores. */
  startTimeoutMs?: number;
  /**
   * Records which process runs the server (with dbFilename, under DATA_DIR): a second system process on
   * the same data joins it, and one left behind by a killed process is stopped before a new one starts.
   */
  ownerFile?: string;
}

interface DevServerOwner {
  pid: number;
  /** 0 while the owner is claiming the data, before its server process exists. */
  serverPid: number;
  address: string;
}

/**
 * Joins the server a live process runs (or is starting) on this data, waiting until it answers; stops one
 * whose owner was killed, even mid-start. Undefined when nobody owns the data any more.
 */
async function joinOrClearOwner(
  ownerFile: string,
  namespace: string,
  timeoutMs: number,
): Promise<DevServer | undefined> {
  const owner = readJsonFile<DevServerOwner>(ownerFile);
  if (!owner) return undefined;
  if (owner.pid !== process.pid && isAlive(owner.pid)) {
    await waitForTemporal(owner.address, namespace, undefined, timeoutMs);
    return { address: owner.address, stop: async () => {} };
  }
  if (owner.serverPid && isAlive(owner.serverPid) && commandLine(owner.serverPid).includes('start-dev')) {
    process.kill(owner.serverPid, 'SIGTERM');
    if (!(await waitForExit(owner.serverPid, 10_000))) process.kill(owner.serverPid, 'SIGKILL');
  }
  removeFile(ownerFile);
  return undefined;
}

/** Claims the data for this process (exclusively), or joins whoever claimed it first. */
async function claimOrJoin(
  ownerFile: string,
  address: string,
  namespace: string,
  timeoutMs: number,
): Promise<DevServer | undefined> {
  for (;;) {
    const joined = await joinOrClearOwner(ownerFile, namespace, timeoutMs);
    if (joined) return joined;
    const claim: DevServerOwner = { pid: process.pid, serverPid: 0, address };
    if (createExclusive(ownerFile, claim)) return undefined;
  }
}

export async function startTemporalDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const namespace = opts.namespace ?? 'default';
  const cli = findTemporalCli(opts.cliPath);
  if (!cli) return startWithSdkDownload(opts, namespace);
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const port = opts.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  const ownerFile = opts.ownerFile;
  // The claim is on disk before the server exists, so a process killed while it starts leaves a record of
  // the server to stop, and a second process starting at the same moment joins instead of starting another.
  const joined = ownerFile ? await claimOrJoin(ownerFile, address, namespace, timeoutMs) : undefined;
  if (joined) return joined;

  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port)];
  args.push('--namespace', namespace, '--log-level', 'warn', '--log-format', 'pretty');
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true');
  if (opts.dbFilename) {
    mkdirSync(join(opts.dbFilename, '..'), { recursive: true });
    args.push('--db-filename', opts.dbFilename);
    // Write-ahead logging: each commit appends to the log instead of rewriting pages, still synced (the
    // default synchronous=FULL), so no durability is given up. Measured on 2 busy cores: ~20 workflow
    // starts/s with the default rollback journal, ~60/s with WAL (~110/s in memory, without durability).
    args.push('--sqlite-pragma', 'journal_mode=wal');
  }
  // Its own process group: a terminal's Ctrl-C must reach us first, so the worker drains before the
  // server stops. The exit hook still takes it down if this process dies abruptly.
  const child = spawn(cli, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  if (ownerFile) {
    writeJsonFile(ownerFile, {
      pid: process.pid,
      serverPid: child.pid ?? 0,
      address,
    } satisfies DevServerOwner);
  }
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  try {
    await waitForTemporal(address, namespace, child, timeoutMs);
  } catch (err) {
    child.kill('SIGKILL');
    if (ownerFile) removeFile(ownerFile);
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  if (!ownerFile) return { address, stop: () => stopChild(child) };
  return {
    address,
    stop: async () => {
      await stopChild(child);
      removeFile(ownerFile);
    },
  };
}

async function waitForTemporal(
  address: string,
  namespace: string,
  child: ChildProcess | undefined,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`Temporal dev server exited with code ${child.exitCode}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `Temporal dev server did not answer on ${address} within ${timeoutMs} ms: ${String(lastError)}`,
  );
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** No CLI here: let the SDK download one (works only online), with a clear message when it cannot. */
async function startWithSdkDownload(opts: DevServerOptions, namespace: string): Promise<DevServer> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: { namespace, ip: '127.0.0.1', port: opts.port, dbFilename: opts.dbFilename, ui: false },
    });
    return { address: env.address, stop: () => env.teardown() };
  } catch (err) {
    throw new Error(
      `No Temporal CLI found and the SDK could not download one (${(err as Error).message}).\n${TEMPORAL_INSTALL_HINT}`,
    );
  }
}
