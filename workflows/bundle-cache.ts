// The workflow bundle for `start`, built once per version of the code. Temporal's bundler (webpack) costs
// seconds and, run in the system process, leaves ~90 MB behind in its heap: the bundle is built in a child
// process and kept in a cache file named by a hash of every source file it can contain (and the lockfile),
// so a restart, a second process on the machine or a cluster replica reuses it, an edited source builds a
// new one, and bundles of earlier versions are removed a day later. Written to a temporary name and renamed, so processes starting together never read
// half a file.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { log } from '../shared/logger.ts';
import { WORKFLOWS_PATH } from './worker.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Where workflow code and everything it may import lives. */
const SOURCE_DIRS = ['workflows', 'shared', 'detectors', 'keywords'];
const DEFAULT_CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'wild-sentinel');

/** A hash of every source file under the given directories (sorted paths and contents) and the lockfile. */
export function sourceHash(root: string = ROOT, dirs: readonly string[] = SOURCE_DIRS): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|js|mjs|json)$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of dirs) if (existsSync(join(root, dir))) walk(join(root, dir));
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) files.push(lock);
  for (const file of files.sort()) {
    hash.update(file.slice(root.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 24);
}

/** Bundles in a child process; webpack and SWC go with it when this resolves. */
export function bundleInChild(workflowsPath: string = WORKFLOWS_PATH): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./bundle-worker.mjs', import.meta.url)), [workflowsPath], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [], // plain JavaScript: the child needs none of the parent's loaders
    });
    let code: string | undefined;
    child.once('message', (message) => {
      code = String(message);
    });
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      if (code !== undefined) resolve(code);
      else reject(new Error(`the workflow bundler stopped (exit ${exitCode})`));
    });
  });
}

/** Bundles of earlier code versions go after a day (a process of that version may still be starting). */
const KEEP_OLD_BUNDLES_MS = 24 * 3600 * 1000;

function pruneOldBundles(cacheDir: string, current: string): void {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path === current || !/^workflow-bundle-.*\.js$/.test(name)) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_BUNDLES_MS) rmSync(path, { force: true });
    } catch {
      // Another process pruned it first.
    }
  }
}

/** The cached bundle of this code version, built (in a child process) when there is none yet. */
export async function cachedWorkflowBundle(
  opts: { cacheDir?: string; hash?: string; bundle?: () => Promise<string> } = {},
): Promise<WorkflowBundleOption> {
  const cacheDir = opts.cacheDir ?? DEFAULT_CACHE_DIR;
  const codePath = join(cacheDir, `workflow-bundle-${opts.hash ?? sourceHash()}.js`);
  if (existsSync(codePath)) return { codePath };
  const code = await (opts.bundle ?? bundleInChild)();
  try {
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${codePath}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, codePath);
    pruneOldBundles(cacheDir, codePath);
    return { codePath };
  } catch (err) {
    // A read-only install still runs: the bundle stays in memory for this process.
    log.warn('could not cache the workflow bundle; using it from memory', { cacheDir, error: err });
    return { code };
  }
}
