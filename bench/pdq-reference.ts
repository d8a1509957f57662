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
const VPDQ_SCRIPT = fileURLToPath(new URL('./vpdq_reference.py', import.meta.url));
/** PyPI has vpdq only as source: pip builds it against Debian's libav*-dev, cmake and pkg-config. */
const VPDQ_PACKAGE = 'vpdq==0.2.5';

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

/** The venv's python with vpdq, installing it on first use; a reason where it cannot be built here. */
export function referenceVpdqPython(python: string): { python: string } | { skipped: string } {
  try {
    execFileSync(python, ['-c', 'import vpdq'], { stdio: 'ignore' });
    return { python };
  } catch {
    // not installed yet
  }
  try {
    execFileSync(python, ['-m', 'pip', 'install', '-q', VPDQ_PACKAGE], { stdio: 'inherit' });
    return { python };
  } catch (err) {
    return {
      skipped: `could not build ${VPDQ_PACKAGE} (needs cmake, pkg-config and libavcodec-dev, libavformat-dev, libswscale-dev, libavdevice-dev, libavfilter-dev): ${(err as Error).message.split('\n')[0]}`,
    };
  }
}

export interface VpdqReferenceRun {
  seconds: number[];
  frames: { frameNumber: number; quality: number; hash: string; timestamp: number }[];
}

export function runVpdqReference(python: string, video: string, rounds: number): VpdqReferenceRun {
  const out = execFileSync(python, [VPDQ_SCRIPT, '--rounds', String(rounds), video], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as VpdqReferenceRun;
}
