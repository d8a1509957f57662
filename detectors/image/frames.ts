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
    readonly code:
      | 'ffmpeg_missing'
      | 'no_video_stream'
      | 'decode_failed'
      | 'too_many_pixels'
      | 'too_long'
      | 'timeout',
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

function run(
  command: string,
  args: string[],
  timeoutMs?: number,
): Promise<{ stdout: Buffer; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    // `timeout` makes Node kill the child (SIGTERM) when it runs too long; it then closes with no code.
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
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

export interface VideoLimits {
  secondsPerHash?: number;
  maxPixels?: number;
  /** Longer videos are refused from their header (`too_long`); decoding also stops there. */
  maxDurationSeconds?: number;
  /** At most this many frames are hashed; the rest of the video is not decoded. */
  maxFrames?: number;
  /** ffprobe and ffmpeg together; past it ffmpeg is killed (`timeout`). */
  timeoutMs?: number;
}

/** vPDQ of a video file, through ffprobe and ffmpeg. Unbounded unless limits are given (the CLI's case). */
export async function vpdqFromVideoFile(path: string, options: VideoLimits = {}): Promise<VpdqFeature[]> {
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  const probe = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height,avg_frame_rate,r_frame_rate,duration:format=duration',
      '-of',
      'json',
      path,
    ],
    options.timeoutMs,
  ).catch((err) => missing(err, 'ffprobe'));
  if (deadline !== undefined && Date.now() >= deadline) {
    throw new VideoInputError('timeout', `video probe took over ${options.timeoutMs} ms`);
  }
  const probed = JSON.parse(probe.stdout.toString() || '{}') as {
    streams?: {
      width?: number;
      height?: number;
      avg_frame_rate?: string;
      r_frame_rate?: string;
      duration?: string;
    }[];
    format?: { duration?: string };
  };
  const stream = probed.streams?.[0];
  if (probe.code !== 0 || !stream?.width || !stream.height) {
    throw new VideoInputError('no_video_stream', `no video stream: ${probe.stderr.trim().slice(0, 300)}`);
  }
  const { width, height } = stream;
  if (width * height > (options.maxPixels ?? DEFAULT_DECODE_LIMITS.maxPixels)) {
    throw new VideoInputError('too_many_pixels', `video frames are ${width}x${height}`);
  }
  const fps = rate(stream.avg_frame_rate) || rate(stream.r_frame_rate);
  if (fps <= 0) throw new VideoInputError('decode_failed', 'video frame rate is unknown');
  const duration = Number(stream.duration ?? probed.format?.duration);
  if (options.maxDurationSeconds !== undefined && duration > options.maxDurationSeconds) {
    throw new VideoInputError(
      'too_long',
      `video lasts ${duration.toFixed(1)} s; the limit is ${options.maxDurationSeconds} s`,
    );
  }
  const every = Math.max(1, Math.trunc((options.secondsPerHash ?? 1) * fps));
  const out: VpdqFeature[] = [];
  const frameBytes = width * height * 3;
  const maxFrames = options.maxFrames ?? Number.POSITIVE_INFINITY;
  // A header can lie about the duration: decoding stops at the limit whatever it says.
  const cap = options.maxDurationSeconds === undefined ? [] : ['-t', String(options.maxDurationSeconds)];
  const remainingMs = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
  if (remainingMs !== undefined && remainingMs <= 0)
    throw new VideoInputError('timeout', 'video probe took too long');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-nostdin',
        ...cap,
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
    let stopped: 'enough' | 'timeout' | undefined;
    const timer =
      remainingMs === undefined
        ? undefined
        : setTimeout(() => {
            stopped = 'timeout';
            child.kill('SIGKILL');
          }, remainingMs);
    child.stdout.on('data', (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length && stopped === undefined) {
        const n = Math.min(frameBytes - filled, chunk.length - at);
        chunk.copy(frame, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === frameBytes) {
          const frameNumber = out.length * every;
          out.push(feature(frameNumber, Math.fround(frameNumber / fps), frame, width, height));
          filled = 0;
          if (out.length >= maxFrames) {
            stopped = 'enough';
            child.kill('SIGKILL');
          }
        }
      }
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      try {
        missing(err, 'ffmpeg');
      } catch (e) {
        reject(e);
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (stopped === 'timeout') {
        reject(new VideoInputError('timeout', `video decoding took over ${options.timeoutMs} ms`));
      } else if (code === 0 || stopped === 'enough') resolve();
      else reject(new VideoInputError('decode_failed', `ffmpeg failed: ${stderr.trim().slice(0, 300)}`));
    });
  });
  return out;
}

/** vPDQ of video bytes (an upload): written to a private temporary file for ffmpeg, then removed. */
export async function vpdqFromVideoBytes(
  bytes: Uint8Array,
  options: VideoLimits = {},
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

const IMAGE_FORMATS = new Set(['gif', 'webp', 'png', 'jpeg', 'tiff', 'avif', 'heif']);

/** What a file is, from its own bytes (not its name): a still picture, an animation, or else video. */
export async function mediaKind(bytes: Uint8Array): Promise<'still' | 'animated' | 'video'> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    return 'video';
  }
  if (!IMAGE_FORMATS.has(meta.format ?? '')) return 'video';
  return (meta.pages ?? 1) > 1 ? 'animated' : 'still';
}

/** vPDQ of an animated image or a video, by what the bytes are; a still picture gives its one frame. */
export async function vpdqFromMedia(
  bytes: Uint8Array,
  options: VideoLimits & { limits?: DecodeLimits } = {},
): Promise<VpdqFeature[]> {
  if ((await mediaKind(bytes)) !== 'video') {
    const frames = await vpdqFromAnimatedImage(bytes, options);
    return options.maxFrames === undefined ? frames : frames.slice(0, options.maxFrames);
  }
  return vpdqFromVideoBytes(bytes, options);
}
