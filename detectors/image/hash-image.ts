// Decode + PDQ in one call: what the CLI, the bank importer and listing analysis use.
// By default the full decoded image is hashed, exactly as the current reference does. `maxSide: 512`
// first shrinks large photos with libvips (as Meta's earlier reference did, for speed): on the fixture
// photos that stays within 10 bits of the reference hashes, Meta's bar for a correct port.
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, decodeImage } from './decode.ts';
import { type PdqDihedralResult, type PdqResult, pdqDihedralFromPixels, pdqFromPixels } from './pdq.ts';

export interface PdqImageOptions {
  /** Shrink so neither side exceeds this before hashing; full size when unset. */
  maxSide?: number;
}

export async function pdqHashImage(
  input: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
  options: PdqImageOptions = {},
): Promise<PdqResult> {
  const img = await decodeImage(input, limits, options);
  return pdqFromPixels(img.data, img.width, img.height, img.channels);
}

/** The image's hash and the hashes of its seven rotations/flips, from a single decode and DCT. */
export async function pdqDihedralHashImage(
  input: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
  options: PdqImageOptions = {},
): Promise<PdqDihedralResult> {
  const img = await decodeImage(input, limits, options);
  return pdqDihedralFromPixels(img.data, img.width, img.height, img.channels);
}
