// Decode + PDQ in one call: what the CLI, the bank importer and listing analysis use.
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, decodeImage } from './decode.ts';
import { type PdqDihedralResult, type PdqResult, pdqDihedralFromPixels, pdqFromPixels } from './pdq.ts';

export async function pdqHashImage(
  input: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Promise<PdqResult> {
  const img = await decodeImage(input, limits);
  return pdqFromPixels(img.data, img.width, img.height, img.channels);
}

/** The image's hash and the hashes of its seven rotations/flips, from a single decode and DCT. */
export async function pdqDihedralHashImage(
  input: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Promise<PdqDihedralResult> {
  const img = await decodeImage(input, limits);
  return pdqDihedralFromPixels(img.data, img.width, img.height, img.channels);
}
