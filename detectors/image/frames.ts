// Frames for vPDQ (vpdq.ts): one frame per `secondsPerHash` of an animated image (GIF, animated WebP,
// APNG, decoded by sharp) or of a video (decoded by ffmpeg, which must be installed: Debian's `ffmpeg`).
//
// Video follows vpdq-hash-video: frame n of the decoded stream is hashed when n is a multiple of
// floor(secondsPerHash x frame rate) (the stream's average rate, else its base rate), converted to RGB
// with swscale's area filter and hashed at full size, at timestamp n / rate. Animated images have a
// delay per frame instead of a rate: the first frame shown at or after each whole period is hashed.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, ImageInputError } from './decode.ts';
import { pdqFromPixels } from './pdq.ts';
import type { VpdqFeature } from './vpdq.ts';

export class VideoInputError extends Error {
  constructor(
    readonly code: 'ffmpeg_missing' | 'no_video_stream' | 'decode_failed' | 'too_many_pixels',
    message: string,
  ) {
    super(message);
    this.name = 'VideoInputError';
  }
}

function feature(frameNumber: number, timestamp: number, data: Uint8Array, width: number, height: number) {
  const { hash, quality } = pdqFromPixels(data, width, height, 3);
  return { frameNumber, quality, hash, timestamp } satisfies VpdqFeature;
}

/** vPDQ of an animated image (a still image gives its one frame). */
export async function vpdqFromAnimatedImage(
  input: Uint8Array,
  options: { limits?: DecodeLimits; secondsPerHash?: number } = {},
): Promise<VpdqFeature[]> {
  const limits = options.limits ?? DEFAULT_DECODE_LIMITS;
  const period = options.secondsPerHash ?? 1;
  let decoded: { data: Buffer; info: OutputInfo };
  let meta: Metadata;
  try {
    // limitInputPixels covers every frame stacked together, so a long animation is refused from its header.
    const image = sharp(input, { pages: -1, limitInputPixels: limits.maxPixels, failOn: 'warning' });
    meta = await image.metadata();
    decoded = await image
      .timeout({ seconds: limits.timeoutSeconds })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new ImageInputError('corrupt', `animated image cannot be decoded: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const pages = meta.pages ?? 1;
  const width = decoded.info.width;
  const height = meta.pageHeight ?? decoded.info.height / pages;
  const frameBytes = width * height * 3;
  const out: VpdqFeature[] = [];
  // In whole milliseconds, as the files store them, so that 5 x 200 ms is exactly one second.
  const periodMs = Math.round(period * 1000);
  let shownAt = 0;
  let nextDue = 0;
  for (let i = 0; i < pages; i++) {
    if (shownAt >= nextDue) {
      const data = decoded.data.subarray(i * frameBytes, (i + 1) * frameBytes);
      out.push(feature(i, shownAt / 1000, data, width, height));
      nextDue = (Math.floor(shownAt / periodMs) + 1) * periodMs;
    }
    shownAt += meta.delay?.[i] ?? 0;
  }
  return out;
}

function run(command: string, args: string[]): Promise<{ stdout: Buffer; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr, code: code ?? 1 }));
  });
}

function missing(err: unknown, tool: string): never {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new VideoInputError(
      'ffmpeg_missing',
      `${tool} is not installed: video hashing needs ffmpeg (Debian: apt-get install ffmpeg)`,
    );
  }
  throw err;
}

const rate = (r: string | undefined) => {
  const [num, den] = (r ?? '0/0').split('/').map(Number);
  return num && den ? num / den : 0;
};

/** vPDQ of a video file, through ffprobe and ffmpeg. */
export async function vpdqFromVideoFile(
  path: string,
  options: { secondsPerHash?: number; maxPixels?: number } = {},
): Promise<VpdqFeature[]> {
  const probe = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height,avg_frame_rate,r_frame_rate',
    '-of',
    'json',
    path,
  ]).catch((err) => missing(err, 'ffprobe'));
  const stream = (
    JSON.parse(probe.stdout.toString() || '{}') as {
      streams?: { width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string }[];
    }
  ).streams?.[0];
  if (probe.code !== 0 || !stream?.width || !stream.height) {
    throw new VideoInputError('no_video_stream', `no video stream: ${probe.stderr.trim().slice(0, 300)}`);
  }
  const { width, height } = stream;
  if (width * height > (options.maxPixels ?? DEFAULT_DECODE_LIMITS.maxPixels)) {
    throw new VideoInputError('too_many_pixels', `video frames are ${width}x${height}`);
  }
  const fps = rate(stream.avg_frame_rate) || rate(stream.r_frame_rate);
  if (fps <= 0) throw new VideoInputError('decode_failed', 'video frame rate is unknown');
  const every = Math.max(1, Math.trunc((options.secondsPerHash ?? 1) * fps));
  const out: VpdqFeature[] = [];
  const frameBytes = width * height * 3;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-nostdin',
        '-i',
        path,
        '-map',
        '0:v:0',
        '-sws_flags',
        'area',
        '-vf',
        `select=not(mod(n\\,${every}))`,
        '-fps_mode',
        'passthrough',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Frames are hashed as they arrive, so memory holds one frame, not the video.
    const frame = Buffer.alloc(frameBytes);
    let filled = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - at);
        chunk.copy(frame, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === frameBytes) {
          const frameNumber = out.length * every;
          out.push(feature(frameNumber, Math.fround(frameNumber / fps), frame, width, height));
          filled = 0;
        }
      }
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    child.on('error', (err) => {
      try {
        missing(err, 'ffmpeg');
      } catch (e) {
        reject(e);
      }
    });
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new VideoInputError('decode_failed', `ffmpeg failed: ${stderr.trim().slice(0, 300)}`));
    });
  });
  return out;
}

/** vPDQ of video bytes (an upload): written to a private temporary file for ffmpeg, then removed. */
export async function vpdqFromVideoBytes(
  bytes: Uint8Array,
  options: { secondsPerHash?: number; maxPixels?: number } = {},
): Promise<VpdqFeature[]> {
  const dir = await mkdtemp(join(tmpdir(), 'wild-sentinel-video-'));
  try {
    const path = join(dir, 'video');
    await writeFile(path, bytes, { mode: 0o600 });
    return await vpdqFromVideoFile(path, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
