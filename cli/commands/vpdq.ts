// wild-sentinel vpdq <video or animated image> [--seconds-per-hash S]: prints the file's vPDQ in
// vpdq-hash-video's format (`frameNumber,quality,hash,timestamp` per line). Animated images (GIF, WebP,
// PNG) are decoded by sharp; anything else is handed to ffmpeg, which must be installed.
// wild-sentinel vpdq --match <query.txt> <compared.txt>: compares two such files by ThreatExchange's rules
// and prints `queryMatchPercent,comparedMatchPercent,match|no-match`.
import { readFile } from 'node:fs/promises';
import { ImageInputError } from '../../detectors/image/decode.ts';
import {
  mediaKind,
  VideoInputError,
  vpdqFromAnimatedImage,
  vpdqFromVideoFile,
} from '../../detectors/image/frames.ts';
import { formatVpdqFile, matchVpdq, parseVpdqFile } from '../../detectors/image/vpdq.ts';

export const USAGE =
  'usage: wild-sentinel vpdq [--seconds-per-hash S] <video or animated image>\n' +
  '       wild-sentinel vpdq --match <query-vpdq.txt> <compared-vpdq.txt>\n' +
  'Examples:\n  wild-sentinel vpdq clip.mp4 > clip.vpdq.txt\n  wild-sentinel vpdq --match clip.vpdq.txt known.vpdq.txt';

export async function run(args: string[]): Promise<number> {
  if (args[0] === '--match' && args.length === 3) {
    const [query, compared] = await Promise.all(
      args.slice(1).map(async (p) => parseVpdqFile(await readFile(p, 'utf8'))),
    );
    const m = matchVpdq(query!, compared!);
    console.log(
      `${m.queryMatchPercent.toFixed(2)},${m.comparedMatchPercent.toFixed(2)},${m.isMatch ? 'match' : 'no-match'}`,
    );
    return 0;
  }
  let secondsPerHash = 1;
  const rest = [...args];
  const at = rest.indexOf('--seconds-per-hash');
  if (at >= 0) {
    secondsPerHash = Number(rest[at + 1]);
    rest.splice(at, 2);
  }
  if (rest.length !== 1 || rest[0]!.startsWith('--') || !(secondsPerHash > 0)) {
    console.error(USAGE);
    return 2;
  }
  const path = rest[0]!;
  try {
    const bytes = await readFile(path);
    const features =
      (await mediaKind(bytes)) !== 'video'
        ? await vpdqFromAnimatedImage(bytes, { secondsPerHash })
        : await vpdqFromVideoFile(path, { secondsPerHash });
    process.stdout.write(formatVpdqFile(features));
    return 0;
  } catch (err) {
    const code =
      err instanceof VideoInputError || err instanceof ImageInputError
        ? err.code
        : ((err as NodeJS.ErrnoException).code ?? 'error');
    console.error(`${path}: ${code}: ${(err as Error).message}`);
    return 1;
  }
}
