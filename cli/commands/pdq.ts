// wild-sentinel pdq [--dihedral] <image…>: prints `hash,quality,path` per image, as Meta's reference
// pdq-photo-hasher does. With --dihedral, eight lines per image: `hash,quality,path,variant`. With --exact,
// each image is decoded at full size as the reference does (slower; within a few bits of the default).
import { readFile } from 'node:fs/promises';
import { ImageInputError } from '../../detectors/image/decode.ts';
import { pdqDihedralHashImage, pdqHashImage } from '../../detectors/image/hash-image.ts';

const USAGE = 'usage: wild-sentinel pdq [--dihedral] [--exact] <image…>';

export async function run(args: string[]): Promise<number> {
  const dihedral = args.includes('--dihedral');
  const options = { exact: args.includes('--exact') };
  const paths = args.filter((a) => a !== '--dihedral' && a !== '--exact');
  if (paths.length === 0 || paths.some((p) => p.startsWith('--'))) {
    console.error(USAGE);
    return 2;
  }
  let failures = 0;
  for (const path of paths) {
    try {
      const bytes = await readFile(path);
      if (dihedral) {
        const r = await pdqDihedralHashImage(bytes, undefined, options);
        for (const [variant, hash] of Object.entries(r.hashes))
          console.log(`${hash},${r.quality},${path},${variant}`);
      } else {
        const r = await pdqHashImage(bytes, undefined, options);
        console.log(`${r.hash},${r.quality},${path}`);
      }
    } catch (err) {
      failures++;
      const code =
        err instanceof ImageInputError ? err.code : ((err as NodeJS.ErrnoException).code ?? 'error');
      console.error(`${path}: ${code}: ${(err as Error).message}`);
    }
  }
  return failures > 0 ? 1 : 0;
}
