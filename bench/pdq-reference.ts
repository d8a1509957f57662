// Meta's PDQ reference for the image benchmark: PyPI's pdqhash (the C++ hasher behind a Python binding)
// in a virtual environment this module creates once under the cache directory. Returns undefined, with
// the reason, where Python or the packages are missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned so that figures from different days compare. */
const PACKAGES = ['pdqhash==0.2.8', 'pillow==13.0.0', 'numpy==2.4.6'];
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'wild-sentinel');
const VENV = join(CACHE, 'pdq-reference-venv');
const SCRIPT = fileURLToPath(new URL('./pdq_reference.py', import.meta.url));

export interface ReferenceRun {
  rates: number[];
  cpuMsPerPhoto: number | null;
  hashes: { hash: string; quality: number }[];
  pdqhash: string;
}

export function referencePython(): { python: string } | { skipped: string } {
  const python = join(VENV, 'bin', 'python');
  if (existsSync(python)) {
    try {
      execFileSync(python, ['-c', 'import pdqhash, PIL, numpy'], { stdio: 'ignore' });
      return { python };
    } catch {
      // fall through: reinstall the packages
    }
  }
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
  } catch {
    return { skipped: 'python3 is not installed' };
  }
  try {
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '-q', ...PACKAGES], { stdio: 'inherit' });
    return { python };
  } catch (err) {
    return { skipped: `could not install ${PACKAGES.join(' ')}: ${(err as Error).message.split('\n')[0]}` };
  }
}

export function runReference(python: string, files: string[], rounds: number, procs: number): ReferenceRun {
  const out = execFileSync(python, [SCRIPT, '--rounds', String(rounds), '--procs', String(procs), ...files], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as ReferenceRun;
}
