// Shrinking a grey plane with a triangle (tent) filter as wide as the shrink, the way libvips' reduce with
// its linear kernel does: what PDQ's 64x64 input is made with when libvips is not the decoder.

/** Resamples `data` (width x height, one byte per pixel) to outWidth x outHeight; only for shrinking. */
export function tentResample(
  data: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  const rows = new Float32Array(outWidth * height);
  const across = tentWeights(width, outWidth);
  for (let y = 0; y < height; y++) {
    const line = y * width;
    for (let x = 0; x < outWidth; x++) {
      const { start, weights } = across[x]!;
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k]! * data[line + start + k]!;
      rows[y * outWidth + x] = sum;
    }
  }
  const out = new Uint8Array(outWidth * outHeight);
  const down = tentWeights(height, outHeight);
  for (let y = 0; y < outHeight; y++) {
    const { start, weights } = down[y]!;
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k]! * rows[(start + k) * outWidth + x]!;
      out[y * outWidth + x] = Math.min(255, Math.max(0, Math.round(sum)));
    }
  }
  return out;
}

/** For each output sample: the first input sample it reads and the normalised tent weights. */
function tentWeights(size: number, outSize: number): { start: number; weights: Float32Array }[] {
  const scale = size / outSize;
  const radius = Math.max(1, scale);
  return Array.from({ length: outSize }, (_, i) => {
    const centre = (i + 0.5) * scale - 0.5;
    const start = Math.max(0, Math.ceil(centre - radius));
    const end = Math.min(size - 1, Math.floor(centre + radius));
    const weights = new Float32Array(end - start + 1);
    let total = 0;
    for (let k = start; k <= end; k++) {
      const w = Math.max(0, 1 - Math.abs(k - centre) / radius);
      weights[k - start] = w;
      total += w;
    }
    for (let k = 0; k < weights.length; k++) weights[k]! /= total;
    return { start, weights };
  });
}
