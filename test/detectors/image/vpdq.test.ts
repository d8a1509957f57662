import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/vpdq.ts';
import {
  VideoInputError,
  vpdqFromAnimatedImage,
  vpdqFromVideoBytes,
  vpdqFromVideoFile,
} from '../../../detectors/image/frames.ts';
import { pdqDistance, pdqFromPixels } from '../../../detectors/image/pdq.ts';
import {
  formatVpdqFile,
  formatVpdqSignal,
  matchVpdq,
  parseVpdqFile,
  parseVpdqSignal,
  type VpdqFeature,
  VpdqFormatError,
} from '../../../detectors/image/vpdq.ts';
import { pdqImage } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'vpdq-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A test video made by ffmpeg from one of its generated sources (lavfi), H.264 in MP4. */
function makeVideo(name: string, source: string, extra: string[] = []): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', [
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    source,
    ...extra,
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
  return path;
}

/** Frame n of a video as ffmpeg writes it to PNG, hashed independently of frames.ts. */
async function pngFrameHash(video: string, n: number): Promise<string> {
  const png = join(dir, `frame-${n}.png`);
  execFileSync('ffmpeg', [
    '-y',
    '-v',
    'error',
    '-i',
    video,
    '-vf',
    `select=eq(n\\,${n})`,
    '-fps_mode',
    'passthrough',
    '-frames:v',
    '1',
    png,
  ]);
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return pdqFromPixels(data, info.width, info.height, info.channels).hash;
}

const f = (hash: string, quality = 100, frameNumber = 0, timestamp = 0): VpdqFeature => ({
  hash,
  quality,
  frameNumber,
  timestamp,
});
const H1 = 'f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22';
const H2 = 'b0a10efd71cc3f429413d48d0ffffe12e34e0e17ada952a9d29684210aa9e5af';
const H3 = 'adad5a64b5a142e55362a09057dacd5ae63b847fc23794b766b319361fc93188';

describe('vPDQ formats', () => {
  it("round-trips vpdq-hash-video's file and python-threatexchange's signal", () => {
    const features = [f(H1, 100, 0, 0), f(H2, 80, 30, 1), f(H3, 12, 60, 2.0004)];
    const file = formatVpdqFile(features);
    expect(file.split('\n')[1]).toBe(`30,80,${H2},1.000`);
    expect(parseVpdqFile(file)).toEqual(
      features.map((x) => ({ ...x, timestamp: Number(x.timestamp.toFixed(3)) })),
    );
    const signal = formatVpdqSignal(features);
    expect(JSON.parse(signal)[0]).toBe(`${H1},100,0.000`);
    expect(parseVpdqSignal(signal).map((x) => [x.hash, x.quality, x.frameNumber])).toEqual([
      [H1, 100, 0],
      [H2, 80, 1],
      [H3, 12, 2],
    ]);
  });

  it('refuses malformed lines with the line number', () => {
    expect(() => parseVpdqFile(`0,100,${H1},0.000\n1,100,xyz,1.000\n`)).toThrow(/line 2: not a PDQ hash/);
    expect(() => parseVpdqFile(`0,101,${H1},0.000\n`)).toThrow(VpdqFormatError);
    expect(() => parseVpdqSignal('{"a":1}')).toThrow(/JSON array/);
    expect(() => parseVpdqSignal(`["${H1},100"]`)).toThrow(/frame 0/);
  });
});

describe('vPDQ matching (ThreatExchange rules)', () => {
  it('counts distinct good frames found within 31 bits, in both directions', () => {
    const near = `${(Number.parseInt(H1[0]!, 16) ^ 0xf).toString(16)}${H1.slice(1)}`; // 4 bits off H1
    // The query is a clip: two of the compared video's three frames, one repeated, plus a blank frame.
    const query = [f(H1), f(H1), f(near), f(H2), f(H3, 10)];
    const compared = [f(H1), f(H2), f(H3)];
    const m = matchVpdq(query, compared);
    expect(m.queryMatchPercent).toBe(100); // H1, near and H2 all found; H3 at quality 10 is ignored
    expect(m.comparedMatchPercent).toBeCloseTo(200 / 3);
    expect(m.isMatch).toBe(true);
    expect(matchVpdq(compared, query).queryMatchPercent).toBeCloseTo(200 / 3);
    expect(matchVpdq(compared, query).isMatch).toBe(false); // under 80% of the query found
    expect(matchVpdq([f(H1, 20)], compared)).toEqual({
      queryMatchPercent: 0,
      comparedMatchPercent: 0,
      isMatch: false,
    });
  });
});

describe('vPDQ of animated images', () => {
  it('hashes the first frame shown at or after each second, as a still decode of that frame would', async () => {
    const frames = await Promise.all(
      [0, 90, 180, 270, 0].map((angle, i) =>
        sharp(pdqImage('bridge-1-original.jpg'))
          .resize(160, 100, { fit: 'fill' })
          .rotate(angle, { background: '#000' })
          .resize(160, 100, { fit: 'fill' })
          .modulate({ brightness: 1 + i / 10 })
          .raw()
          .toBuffer(),
      ),
    );
    const gif = await sharp(Buffer.concat(frames), {
      raw: { width: 160, height: 500, channels: 3, pageHeight: 100 },
    })
      .gif({ delay: [400, 400, 400, 400, 400] })
      .toBuffer();
    const features = await vpdqFromAnimatedImage(gif);
    // Shown at 0, 0.4, 0.8, 1.2, 1.6 s: frames 0 and 3.
    expect(features.map((x) => [x.frameNumber, x.timestamp])).toEqual([
      [0, 0],
      [3, 1.2],
    ]);
    for (const x of features) {
      const { data, info } = await sharp(gif, { page: x.frameNumber })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect(x.hash).toBe(pdqFromPixels(data, info.width, info.height, info.channels).hash);
    }
    expect(pdqDistance(features[0]!.hash, features[1]!.hash)).toBeGreaterThan(64);
    expect((await vpdqFromAnimatedImage(gif, { secondsPerHash: 0.5 })).map((x) => x.frameNumber)).toEqual([
      0, 2, 3, 4,
    ]);
  });
});

describe('vPDQ of video through ffmpeg', () => {
  const full = makeVideo('full.mp4', 'testsrc2=size=640x360:rate=25:duration=8');

  it('hashes frame 0, 25, 50… (one a second at 25 fps) at their timestamps, like a PNG of the same frame', async () => {
    const features = await vpdqFromVideoFile(full);
    expect(features.map((x) => x.frameNumber)).toEqual([0, 25, 50, 75, 100, 125, 150, 175]);
    expect(features.map((x) => x.timestamp)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(features.every((x) => x.quality >= 50)).toBe(true);
    for (const x of [features[0]!, features[5]!]) {
      expect(pdqDistance(x.hash, await pngFrameHash(full, x.frameNumber))).toBeLessThanOrEqual(8);
    }
    const twice = await vpdqFromVideoFile(full, { secondsPerHash: 2 });
    expect(twice.map((x) => x.frameNumber)).toEqual([0, 50, 100, 150]);
  });

  it('matches a re-encoded clip of the video, and not a different video', async () => {
    const clip = join(dir, 'clip.mp4');
    execFileSync('ffmpeg', [
      '-y',
      '-v',
      'error',
      '-ss',
      '2',
      '-i',
      full,
      '-t',
      '4',
      '-vf',
      'scale=480:270',
      '-c:v',
      'libx264',
      '-crf',
      '30',
      clip,
    ]);
    const other = makeVideo('other.mp4', 'mandelbrot=size=640x360:rate=25', ['-t', '6']);
    const fullHash = await vpdqFromVideoFile(full);
    const clipMatch = matchVpdq(await vpdqFromVideoBytes(readFileSync(clip)), fullHash);
    expect(clipMatch.isMatch).toBe(true);
    expect(clipMatch.comparedMatchPercent).toBeLessThan(100);
    expect(matchVpdq(await vpdqFromVideoFile(other), fullHash).isMatch).toBe(false);
  });

  it('says so clearly when ffmpeg is not installed', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'no-such-dir');
    try {
      const err = await vpdqFromVideoFile(full).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VideoInputError);
      expect((err as VideoInputError).code).toBe('ffmpeg_missing');
      expect((err as Error).message).toMatch(/apt-get install ffmpeg/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('refuses a file without a video stream', async () => {
    const text = join(dir, 'not-video.txt');
    writeFileSync(text, 'hello');
    await expect(vpdqFromVideoFile(text)).rejects.toMatchObject({ code: 'no_video_stream' });
  });
});

describe('wild-sentinel vpdq', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the vpdq-hash-video file of a video, and compares two files', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    const logs: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => void logs.push(s));
    const video = makeVideo('cli.mp4', 'testsrc2=size=320x240:rate=10:duration=3');
    expect(await run([video])).toBe(0);
    const features = parseVpdqFile(out.join(''));
    expect(features.map((x) => x.frameNumber)).toEqual([0, 10, 20]);
    const file = join(dir, 'cli.txt');
    writeFileSync(file, out.join(''));
    expect(await run(['--match', file, file])).toBe(0);
    expect(logs).toEqual(['100.00,100.00,match']);
  });

  it('reports an unreadable file with its code', async () => {
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
    const text = join(dir, 'junk.bin');
    writeFileSync(text, 'junk');
    expect(await run([text])).toBe(1);
    expect(err[0]).toMatch(/junk\.bin: no_video_stream/);
    expect(await run([])).toBe(2);
  });
});
