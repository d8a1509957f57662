// A listing's media URL (or a bot upload) may be a still photo, an animated image or a video: what it is
// comes from its bytes, not its name. Stills go on as before (PDQ); animations and videos are hashed
// frame by frame (vPDQ) under their own bounds, so that a long or hostile video costs a bounded time.
import { z } from 'zod';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, ImageInputError, inspectImage } from './decode.ts';
import { mediaKind, VideoInputError, vpdqFromMedia } from './frames.ts';
import {
  fetchImage,
  ImageIntakeError,
  type ImageSource,
  type IntakeOptions,
  intakeOptionsSchema,
} from './intake.ts';
import type { VpdqFeature } from './vpdq.ts';

/** Video containers a listing may link to (animated GIF/WebP/PNG already pass as images). */
export const VIDEO_CONTENT_TYPES = ['video/mp4', 'video/webm', 'video/quicktime', 'video/x-matroska'];

export const videoLimitsSchema = z.object({
  /** False: animated images and videos are refused as before (error `animated` / `content_type`). */
  enabled: z.boolean().default(true),
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  maxDurationSeconds: z.number().positive().default(300),
  /** Frames hashed at most (one per second): the rest of a longer video is not decoded. */
  maxFrames: z.number().int().positive().default(300),
  /** Download of one video. */
  fetchTimeoutMs: z.number().int().positive().default(20_000),
  /** Probe, decode and hashing of one video; past it ffmpeg is killed. */
  decodeTimeoutMs: z.number().int().positive().default(45_000),
  /** Videos screened per listing; the others are recorded as `too_many_videos`. */
  maxPerListing: z.number().int().min(0).default(2),
});
export type VideoScreeningLimits = z.input<typeof videoLimitsSchema>;

export type IntakenMedia =
  | { kind: 'still'; bytes: Uint8Array }
  | { kind: 'animated' | 'video'; frames: VpdqFeature[] }
  /** A video or animation that could not be screened (too long, no ffmpeg, ...): the caller records it. */
  | { kind: 'animated' | 'video'; error: { code: string; message: string } };

export class VideoScreeningError extends Error {
  constructor(
    readonly code: 'too_many_videos' | 'too_large_bytes',
    message: string,
  ) {
    super(message);
    this.name = 'VideoScreeningError';
  }
}

/**
 * Fetches (or takes) one medium and returns a still photo's bytes or a moving one's frames (or why they
 * could not be had). `videoBudget` counts the videos this listing may still screen; it is decremented
 * here. Throws ImageIntakeError or ImageInputError with stable codes when the medium cannot be had at all.
 */
export async function intakeMedia(
  source: ImageSource,
  options: {
    fetch?: IntakeOptions;
    decode?: DecodeLimits;
    video: z.infer<typeof videoLimitsSchema>;
    videoBudget: { left: number };
  },
): Promise<IntakenMedia> {
  const decode = options.decode ?? DEFAULT_DECODE_LIMITS;
  const video = options.video;
  let bytes: Uint8Array;
  let contentType: string | undefined;
  if (source.kind === 'url') {
    const fetchOptions = intakeOptionsSchema.parse(options.fetch ?? {});
    const fetched = await fetchImage(
      source.url,
      video.enabled
        ? {
            ...fetchOptions,
            contentTypes: [...fetchOptions.contentTypes, ...VIDEO_CONTENT_TYPES],
            maxBytes: Math.max(fetchOptions.maxBytes, video.maxBytes),
            timeoutMs: Math.max(fetchOptions.timeoutMs, video.fetchTimeoutMs),
          }
        : fetchOptions,
    );
    bytes = fetched.bytes;
    contentType = fetched.contentType;
  } else {
    bytes = source.bytes;
    contentType = source.contentType;
  }

  const kind = video.enabled ? await kindOf(bytes, contentType) : 'still';
  if (kind === 'still') {
    if (source.kind === 'url' && bytes.length > intakeOptionsSchema.parse(options.fetch ?? {}).maxBytes) {
      throw new ImageIntakeError('too_large', `image is over the fetch's byte limit`);
    }
    await inspectImage(bytes, decode);
    return { kind, bytes };
  }
  try {
    if (bytes.length > video.maxBytes) {
      throw new VideoScreeningError(
        'too_large_bytes',
        `video is ${bytes.length} bytes; the limit is ${video.maxBytes}`,
      );
    }
    if (options.videoBudget.left <= 0) {
      throw new VideoScreeningError(
        'too_many_videos',
        `only ${video.maxPerListing} video(s) per listing are screened`,
      );
    }
    options.videoBudget.left--;
    const frames = await vpdqFromMedia(bytes, {
      limits: decode,
      maxPixels: decode.maxPixels,
      maxDurationSeconds: video.maxDurationSeconds,
      maxFrames: video.maxFrames,
      timeoutMs: video.decodeTimeoutMs,
    });
    if (frames.length === 0) throw new VideoInputError('decode_failed', 'no frame could be decoded');
    return { kind, frames };
  } catch (err) {
    return { kind, error: mediaErrorOf(err) };
  }
}

/**
 * A video when the server (or the uploader) says so, or when nothing is said and the bytes are no picture;
 * otherwise a picture, animated or still: a broken JPEG stays an image error, not a video attempt.
 */
async function kindOf(bytes: Uint8Array, contentType: string | undefined): Promise<IntakenMedia['kind']> {
  if (contentType?.startsWith('video/')) return 'video';
  const kind = await mediaKind(bytes);
  return kind === 'video' && contentType !== undefined ? 'still' : kind;
}

/** The stable code and message of any error intakeMedia throws; unknown errors are `internal`. */
export function mediaErrorOf(err: unknown): { code: string; message: string } {
  if (
    err instanceof ImageInputError ||
    err instanceof ImageIntakeError ||
    err instanceof VideoInputError ||
    err instanceof VideoScreeningError
  ) {
    return { code: err.code, message: err.message };
  }
  return { code: 'internal', message: (err as Error).message };
}
