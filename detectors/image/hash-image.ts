// Decode + PDQ in one call: what the CLI, the bank importer and listing analysis use.
//
// By default a photo is not decoded at full size. PDQ low-passes the picture with a tent (Jarosz) filter
// and keeps 64x64 samples of it, so libvips is asked for those 64x64 samples directly: it decodes a JPEG
// at 1/8 scale from the DCT (shrink-on-load) and reduces the rest of the way with a triangle filter.
// On the published reference photos this lands within 12 bits of the reference hashes (the full-size
// path: within 8; the bar for a port: 16), and the modified photos stay within 16 bits of the original.
// A large progressive JPEG is not given to libvips at all: its DC scans alone are its 1/8-scale luma
// (jpeg-dc.ts), which PDQ filters down to 64x64 itself.
// `exact: true` hashes the full decoded image as the reference tools do.
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, decodeImage } from './decode.ts';
import { progressiveJpegDcLuma } from './jpeg-dc.ts';
import { type PdqDihedralResult, type PdqResult, pdqDihedralFromPixels, pdqFromPixels } from './pdq.ts';
import { tentResample } from './tent-resample.ts';

export interface PdqImageOptions {
  /** Hash the full decoded image, as the reference tools do (slower; for conformance checks). */
  exact?: boolean;
  /** Shrink so neither side exceeds this before hashing (the earlier reference's 512 px); implies exact filtering. */
  maxSide?: number;
}

/** Pictures smaller than this on either side are decoded whole: there is little to save, and PDQ would upsample. */
export const PDQ_SHRINK_MIN_SIDE = 128;
const PDQ_INPUT = { width: 64, height: 64, minSide: PDQ_SHRINK_MIN_SIDE };

/** Both sides at least this: the 1/8-scale luma still has PDQ's 64 samples a side (libvips would shrink by 8). */
export const PDQ_DC_MIN_SIDE = 8 * 64;

type Pixels = { data: Uint8Array; width: number; height: number; channels: number };

async function decodeForPdq(
  input: Uint8Array,
  limits: DecodeLimits,
  options: PdqImageOptions,
): Promise<Pixels> {
  if (options.exact || options.maxSide) return decodeImage(input, limits, { maxSide: options.maxSide });
  const dc = dcLuma(input, limits);
  if (dc) {
    const { width, height } = PDQ_INPUT;
    return { data: tentResample(dc.data, dc.width, dc.height, width, height), width, height, channels: 1 };
  }
  return decodeImage(input, limits, { fill: PDQ_INPUT });
}

/** The DC-scan luma of a large progressive JPEG within the limits; null sends it through libvips. */
function dcLuma(input: Uint8Array, limits: DecodeLimits) {
  if (!limits.formats.includes('jpeg') || input.length > limits.maxBytes) return null;
  // Null over the pixel limit too: libvips' path reports it.
  return progressiveJpegDcLuma(input, { maxPixels: limits.maxPixels, minSide: PDQ_DC_MIN_SIDE });
}

export async function pdqHashImage(
  input: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
  options: PdqImageOptions = {},
): Promise<PdqResult> {
  const img = await decodeForPdq(input, limits, options);
  return pdqFromPixels(img.data, img.width, img.height, img.channels);
}

/** The image's hash and the hashes of its seven rotations/flips, from a single decode and DCT. */
export async function pdqDihedralHashImage(
  input: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
  options: PdqImageOptions = {},
): Promise<PdqDihedralResult> {
  const img = await decodeForPdq(input, limits, options);
  return pdqDihedralFromPixels(img.data, img.width, img.height, img.channels);
}
