// Wild Sentinel as separate operating-system processes, for the tests that kill them: start one and wait
// until it says it serves, SIGKILL it (no shutdown code runs, as when a machine or container dies), run a
// CLI command beside them. A seeded generator lets a failing run be replayed.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The published entry point, as `npx wild-sentinel` and the Docker image run it. */
export const BIN = fileURLToPath(new URL('../../../bin/wild-sentinel.mjs', import.meta.url));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small seeded generator, so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface StartedProcess {
  proc: ChildProcess;
  /** The match of `ready` on the process's output (an address it printed, say). */
  ready: RegExpExecArray;
}

/**
 * Runs `node <args>` from the repository root and resolves once a stdout chunk matches `ready`; rejects
 * with the end of its stderr if it exits first.
 */
export async function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<StartedProcess> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  // E2E_CHILD_LOG=<file> keeps every child's output there, to read after a failed run.
  const keep = process.env.E2E_CHILD_LOG;
  if (keep) for (const s of [proc.stdout, proc.stderr]) s?.on('data', (d) => appendFileSync(keep, d));
  proc.stderr?.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    proc.stdout?.on('data', (d) => {
      const m = ready.exec(String(d));
      if (m) resolve(m);
    });
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited early (${code}): ${stderr}`)));
  });
  return { proc, ready: match };
}

/** SIGKILLs the process and waits for its exit; false when it was not running. */
export async function sigkill(proc: ChildProcess | undefined): Promise<boolean> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return false;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
  return true;
}

/** Runs `wild-sentinel <args>` to completion; never throws on a non-zero exit. */
export async function runCli(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
