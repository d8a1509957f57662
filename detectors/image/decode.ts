// Image decoding for hashing and OCR, with sharp (libvips). Untrusted bytes: every failure becomes an
// ImageInputError with a stable code, and the pixel count is capped before any pixel is decoded, so a
// decompression bomb is refused from its header instead of exhausting memory.
import sharp, { type Metadata } from 'sharp';
import { z } from 'zod';

export type ImageErrorCode =
  | 'empty'
  | 'too_large_bytes'
  | 'too_many_pixels'
  | 'unsupported_format'
  | 'corrupt'
  | 'truncated'
  | 'animated'
  | 'too_small'
  | 'timeout';

export class ImageInputError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImageInputError';
  }
}

export const decodeLimitsSchema = z.object({
  /** Bytes of encoded input accepted. */
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  /** width x height accepted, checked from the header (sharp's limitInputPixels). */
  maxPixels: z
    .number()
    .int()
    .positive()
    .default(50 * 1000 * 1000),
  /** Formats accepted (sharp's names). */
  formats: z.array(z.string()).default(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']),
  /** Seconds libvips may spend before the decode is abandoned. */
  timeoutSeconds: z.number().int().positive().default(10),
});
export type DecodeLimits = z.infer<typeof decodeLimitsSchema>;
export const DEFAULT_DECODE_LIMITS: DecodeLimits = decodeLimitsSchema.parse({});

export interface DecodedImage {
  /** Interleaved 8-bit sRGB pixels, 3 channels, alpha dropped (as the reference hashers do). */
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
  format: string;
  /** The colour space the file declared, e.g. srgb, cmyk, b-w. */
  space: string;
}

function classify(err: unknown): ImageInputError {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new ImageInputError('too_many_pixels', `image exceeds the pixel limit: ${message}`, {
      cause: err,
    });
  }
  if (/unsupported image format/i.test(message)) {
    return new ImageInputError('unsupported_format', 'not a supported image format', { cause: err });
  }
  if (/premature end|truncated|unexpected end|end of (data|file)|short read|read error/i.test(message)) {
    return new ImageInputError('truncated', `image data is truncated: ${message}`, { cause: err });
  }
  if (/timeout/i.test(message)) {
    return new ImageInputError('timeout', 'decoding took too long', { cause: err });
  }
  return new ImageInputError('corrupt', `image cannot be decoded: ${message}`, { cause: err });
}

function pipeline(input: Uint8Array, limits: DecodeLimits) {
  // failOn 'warning' turns libvips' "recovered" truncation into an error instead of a grey half-image.
  return sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'warning', pages: 1 }).timeout({
    seconds: limits.timeoutSeconds,
  });
}

/** Reads the header only: format, size, frames. Throws ImageInputError for anything unacceptable. */
export async function inspectImage(input: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS) {
  if (input.length === 0) throw new ImageInputError('empty', 'image is empty');
  if (input.length > limits.maxBytes) {
    throw new ImageInputError(
      'too_large_bytes',
      `image is ${input.length} bytes; the limit is ${limits.maxBytes}`,
    );
  }
  // Most photos are JPEGs, never animated: their frame header gives the size without a trip to libvips.
  const jpeg = jpegFrameHeader(input);
  let meta: Pick<Metadata, 'format' | 'width' | 'height' | 'space' | 'pages'>;
  try {
    meta = jpeg ?? (await sharp(input, { limitInputPixels: limits.maxPixels }).metadata());
  } catch (err) {
    throw classify(err);
  }
  const format = meta.format ?? 'unknown';
  if (!limits.formats.includes(format)) {
    throw new ImageInputError('unsupported_format', `image format "${format}" is not accepted`);
  }
  if (!meta.width || !meta.height) throw new ImageInputError('corrupt', 'image has no dimensions');
  if (meta.width * meta.height > limits.maxPixels) {
    throw new ImageInputError(
      'too_many_pixels',
      `image is ${meta.width}x${meta.height} pixels; the limit is ${limits.maxPixels} pixels`,
    );
  }
  if ((meta.pages ?? 1) > 1) {
    // A frame sequence is a different thing to match (vPDQ); hashing one frame would silently miss the rest.
    throw new ImageInputError(
      'animated',
      `image is animated (${meta.pages} frames); only still images are accepted`,
    );
  }
  return { format, width: meta.width, height: meta.height, space: meta.space ?? 'unknown' };
}

const JPEG_SPACES: Record<number, Metadata['space']> = { 1: 'b-w', 3: 'srgb', 4: 'cmyk' };

/**
 * A JPEG's size and colour space from its frame header (SOFn), read by walking the marker segments before
 * the first scan; null for anything else or anything unusual (libvips then reads the header instead).
 */
export function jpegFrameHeader(
  bytes: Uint8Array,
): { format: 'jpeg'; width: number; height: number; space: Metadata['space'] } | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 3 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // standalone markers carry no length
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2) return null;
    // SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 >= bytes.length || length < 8) return null;
      const height = (bytes[at + 5]! << 8) | bytes[at + 6]!;
      const width = (bytes[at + 7]! << 8) | bytes[at + 8]!;
      const space = JPEG_SPACES[bytes[at + 9]!];
      // A height of 0 is given later (DNL); unusual component counts go to libvips.
      return width > 0 && height > 0 && space ? { format: 'jpeg', width, height, space } : null;
    }
    if (marker === 0xda || marker === 0xd9) return null; // a scan or the end before any frame header
    at += 2 + length;
  }
  return null;
}

/**
 * Decodes to 8-bit sRGB. CMYK and greyscale are converted by libvips (CMYK through its ICC profile or
 * libvips' default CMYK profile), so a CMYK print scan hashes like its RGB original. EXIF orientation is
 * not applied: the reference hashers see the stored pixels, and so must we for hashes to agree.
 */
export async function decodeImage(
  input: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
  options: {
    maxSide?: number;
    /** Resize to exactly width x height, unless either side is under `minSide` (then decoded whole). */
    fill?: { width: number; height: number; minSide: number };
  } = {},
): Promise<DecodedImage> {
  const header = await inspectImage(input, limits);
  try {
    let p = pipeline(input, limits);
    const fill = options.fill;
    if (fill && header.width >= fill.minSide && header.height >= fill.minSide) {
      // Exactly this size, aspect ratio not kept. libvips decodes a JPEG at 1/2, 1/4 or 1/8 scale straight
      // from its DCT coefficients and reduces the rest of the way with a triangle (tent) filter.
      p = p.resize(fill.width, fill.height, { fit: 'fill', kernel: 'linear' });
    } else if (options.maxSide) {
      // libvips shrinks JPEGs while decoding, so this is much faster than decoding at full size.
      p = p.resize(options.maxSide, options.maxSide, {
        fit: 'inside',
        withoutEnlargement: true,
        kernel: 'linear',
      });
    }
    const { data, info } = await p
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected channel count ${info.channels}`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      channels: 3,
      format: header.format,
      space: header.space,
    };
  } catch (err) {
    throw err instanceof ImageInputError ? err : classify(err);
  }
}
