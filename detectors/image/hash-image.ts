// Decode + PDQ in one call: what the CLI, the bank importer and listing analysis use.
//
// By default a photo is not decoded at full size. PDQ low-passes the picture with a tent (Jarosz) filter
// and keeps 64x64 samples of it, so libvips is asked for those 64x64 samples directly: it decodes a JPEG
// at 1/8 scale from the DCT (shrink-on-load) and reduces the rest of the way with a triangle filter.
// On the published reference photos this lands within 12 bits of the reference hashes (the full-size
// path: within 8; the bar for a port: 16), and the modified photos stay within 16 bits of the original.
// `exact: true` hashes the full decoded image as the reference tools do.
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, decodeImage } from './decode.ts';
import { type PdqDihedralResult, type PdqResult, pdqDihedralFromPixels, pdqFromPixels } from './pdq.ts';

export interface PdqImageOptions {
  /** Hash the full decoded image, as the reference tools do (slower; for conformance checks). */
  exact?: boolean;
  /** Shrink so neither side exceeds this before hashing (the earlier reference's 512 px); implies exact filtering. */
  maxSide?: number;
}

/** Pictures smaller than this on either side are decoded whole: there is little to save, and PDQ would upsample. */
export const PDQ_SHRINK_MIN_SIDE = 128;
const PDQ_INPUT = { width: 64, height: 64, minSide: PDQ_SHRINK_MIN_SIDE };

function decodeForPdq(input: Uint8Array, limits: DecodeLimits, options: PdqImageOptions) {
  if (options.exact || options.maxSide) return decodeImage(input, limits, { maxSide: options.maxSide });
  return decodeImage(input, limits, { fill: PDQ_INPUT });
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
