// Small files under DATA_DIR that say which process owns an embedded server, so that a process started
// later can join it, wait for it, or clean up after one that was killed (SIGKILL leaves its servers behind).
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * Whether a process with this pid is running (EPERM: it exists but belongs to another user). A zombie, a
 * killed process its parent has not yet reaped, is not (Linux; elsewhere it counts as running).
 */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // The state follows the command name, which is in brackets and may itself hold spaces or brackets.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return false;
  }
}

/** The command line of a live process (Linux), or '' where /proc cannot tell. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

export function readJsonFile<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Writes atomically (rename), so a reader never sees half a file, even after a crash. */
export function writeJsonFile(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * Creates the file only if it does not exist; false when another process got there first. The content is
 * written to a private file first and linked into place, so the file is never seen empty or half written.
 */
export function createExclusive(path: string, value: unknown): boolean {
  return createExclusiveText(path, JSON.stringify(value));
}

function createExclusiveText(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    removeFile(tmp);
  }
}

/**
 * A secret generated once into this file and read back ever after. Processes that start together all get
 * the one that was linked into place first (the embedded database was initialised with exactly one).
 */
export function readOrCreateSecret(path: string, bytes: number): string {
  createExclusiveText(path, randomBytes(bytes).toString('hex'));
  return readFileSync(path, 'utf8').trim();
}

export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Waits until the process has exited, up to timeoutMs; true when it did. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
