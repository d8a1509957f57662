// wild-sentinel pdq [--dihedral] <image…>: prints `hash,quality,path` per image, as Meta's reference
// pdq-photo-hasher does. With --dihedral, eight lines per image: `hash,quality,path,variant`.
import { readFile } from 'node:fs/promises';
import { ImageInputError } from '../../detectors/image/decode.ts';
import { pdqDihedralHashImage, pdqHashImage } from '../../detectors/image/hash-image.ts';

export const USAGE =
  'usage: wild-sentinel pdq [--dihedral] <image…>' + '\nExamples:\n  wild-sentinel pdq photos/*.jpg';

export async function run(args: string[]): Promise<number> {
  const dihedral = args.includes('--dihedral');
  const paths = args.filter((a) => a !== '--dihedral');
  if (paths.length === 0 || paths.some((p) => p.startsWith('--'))) {
    console.error(USAGE);
    return 2;
  }
  let failures = 0;
  for (const path of paths) {
    try {
      const bytes = await readFile(path);
      if (dihedral) {
        const r = await pdqDihedralHashImage(bytes);
        for (const [variant, hash] of Object.entries(r.hashes))
          console.log(`${hash},${r.quality},${path},${variant}`);
      } else {
        const r = await pdqHashImage(bytes);
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
