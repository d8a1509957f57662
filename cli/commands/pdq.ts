// wild-sentinel pdq [--dihedral] [--exact] [--jobs N] <image…>: prints `hash,quality,path` per image, in
// the order given, as Meta's reference pdq-photo-hasher does. With --dihedral, eight lines per image:
// `hash,quality,path,variant`. With --exact, each image is decoded at full size as the reference does
// (slower; within a few bits of the default). Many images are hashed by a pool of worker threads, one per
// core (--jobs sets how many; 1 hashes on this thread).
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { ImageInputError } from '../../detectors/image/decode.ts';
import { inThreadHasher, type PdqHasher, PdqWorkerPool } from '../../detectors/image/pdq-pool.ts';

export const USAGE =
  'usage: wild-sentinel pdq [--dihedral] [--exact] [--jobs N] <image…>' +
  '\nExamples:\n  wild-sentinel pdq photos/*.jpg\n  wild-sentinel pdq --dihedral --jobs 2 photo.jpg';

/** Fewer images than this are hashed on this thread: starting workers would take longer than hashing. */
const POOL_FROM = 16;

function parse(args: string[]) {
  const paths: string[] = [];
  let dihedral = false;
  let exact = false;
  let jobs = availableParallelism();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--dihedral') dihedral = true;
    else if (a === '--exact') exact = true;
    else if (a === '--jobs') {
      jobs = Number(args[++i]);
      if (!Number.isInteger(jobs) || jobs < 1) return null;
    } else if (a.startsWith('--')) return null;
    else paths.push(a);
  }
  return paths.length > 0 ? { paths, dihedral, exact, jobs } : null;
}

async function hashOne(
  hasher: PdqHasher,
  path: string,
  dihedral: boolean,
  exact: boolean,
): Promise<string[]> {
  const bytes = await readFile(path);
  if (dihedral) {
    const r = await hasher.hashDihedral(bytes, { exact });
    return Object.entries(r.hashes).map(([variant, hash]) => `${hash},${r.quality},${path},${variant}`);
  }
  const r = await hasher.hash(bytes, { exact });
  return [`${r.hash},${r.quality},${path}`];
}

export async function run(args: string[]): Promise<number> {
  const opts = parse(args);
  if (!opts) {
    console.error(USAGE);
    return 2;
  }
  const { paths, dihedral, exact, jobs } = opts;
  const pool = jobs > 1 && paths.length >= POOL_FROM ? new PdqWorkerPool({ size: jobs }) : undefined;
  const hasher = pool ?? inThreadHasher();
  // A bounded window of images in flight, printed in input order as each one's turn comes.
  const window = Math.max(2, jobs) * 2;
  const results: Promise<string[] | Error>[] = [];
  const start = (i: number) => {
    results[i] = hashOne(hasher, paths[i]!, dihedral, exact).catch((err: unknown) => err as Error);
  };
  let failures = 0;
  try {
    for (let i = 0; i < Math.min(window, paths.length); i++) start(i);
    for (let i = 0; i < paths.length; i++) {
      const r = await results[i]!;
      if (i + window < paths.length) start(i + window);
      if (r instanceof Error) {
        failures++;
        const code = r instanceof ImageInputError ? r.code : ((r as NodeJS.ErrnoException).code ?? 'error');
        console.error(`${paths[i]}: ${code}: ${r.message}`);
      } else for (const line of r) console.log(line);
    }
  } finally {
    await pool?.close();
  }
  return failures > 0 ? 1 : 0;
}
