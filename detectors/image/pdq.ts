// PDQ perceptual hashing, following Meta's published algorithm (facebook/ThreatExchange, pdq/):
// RGB -> luminance, two passes of Jarosz box filters along rows and columns, decimation to 64x64, an
// image-domain quality metric, a 64->16 DCT (frequencies 1..16, DC skipped), and one bit per
// coefficient above the median. Pure: no I/O; decoding lives in decode.ts.

/** Images smaller than this on either side hash to all zeros with quality 0, as in the reference. */
export const MIN_HASHABLE_DIM = 5;
/** PDQ's documented match threshold (Hamming distance, inclusive). */
export const PDQ_MATCH_THRESHOLD = 31;
/** Hashes below this quality are unreliable; the reference tools drop them. */
export const PDQ_QUALITY_THRESHOLD = 50;

/**
 * The reference's names for the eight rotations/flips of a picture: rotations are counter-clockwise,
 * flipX mirrors top to bottom, flipY left to right, flipPlus1/flipMinus1 mirror about the diagonals.
 */
export const DIHEDRAL_NAMES = [
  'original',
  'rotate90',
  'rotate180',
  'rotate270',
  'flipX',
  'flipY',
  'flipPlus1',
  'flipMinus1',
] as const;
export type Dihedral = (typeof DIHEDRAL_NAMES)[number];

export interface PdqResult {
  /** 64 lowercase hex characters, the reference tools' text form. */
  hash: string;
  /** 0..100; below PDQ_QUALITY_THRESHOLD the hash says little about the picture. */
  quality: number;
}

export interface PdqDihedralResult {
  quality: number;
  hashes: Record<Dihedral, string>;
}

// Row i of the 16x64 DCT-II basis for frequency i+1 (the DC row is skipped by design).
const DCT = (() => {
  const m = new Float64Array(16 * 64);
  const scale = Math.sqrt(2 / 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) m[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
  }
  return m;
})();

// Scratch buffers reused from one image to the next (hashing is synchronous, so one set per thread
// suffices): a photo's worth of floats would otherwise be allocated, zeroed and collected per image.
let lumaScratch: Float32Array<ArrayBuffer> = new Float32Array(0);
let filterScratch: Float32Array<ArrayBuffer> = new Float32Array(0);
const img64Scratch = new Float32Array(64 * 64);
const dctRows = new Float64Array(16 * 64);
const sortScratch = new Float32Array(256);

function scratch(current: Float32Array<ArrayBuffer>, n: number): Float32Array<ArrayBuffer> {
  return current.length >= n ? current : new Float32Array(Math.max(n, current.length * 2));
}

/** Rec. 601 luma from interleaved 8-bit pixels; 1-2 channels are grey (+alpha), 3-4 are RGB (+alpha). */
export function lumaFromPixels(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
  out: Float32Array<ArrayBuffer> = new Float32Array(width * height),
): Float32Array<ArrayBuffer> {
  const n = width * height;
  if (data.length < n * channels)
    throw new RangeError('pixel buffer is shorter than width x height x channels');
  if (channels >= 3) {
    for (let p = 0, o = 0; p < n; p++, o += channels) {
      out[p] = 0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]!;
    }
  } else {
    for (let p = 0, o = 0; p < n; p++, o += channels) out[p] = data[o]!;
  }
  return out;
}

/** The reference's window: about twice the decimation stride, rounded up. */
export function jaroszWindowSize(oldDimension: number, newDimension: number): number {
  return Math.floor((oldDimension + 2 * newDimension - 1) / (2 * newDimension));
}

// A centred running-mean (box) filter over one strided vector; the window shrinks at both ends so the
// mean is over in-bounds samples only.
function box1D(
  input: Float32Array,
  output: Float32Array,
  offset: number,
  length: number,
  stride: number,
  window: number,
) {
  const half = Math.floor((window + 2) / 2);
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = length - window;
  const phase4 = half - 1;
  let li = offset;
  let ri = offset;
  let oi = offset;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < phase1; i++, ri += stride) {
    sum += input[ri]!;
    count++;
  }
  for (let i = 0; i < phase2; i++, ri += stride, oi += stride) {
    sum += input[ri]!;
    count++;
    output[oi] = sum / count;
  }
  for (let i = 0; i < phase3; i++, li += stride, ri += stride, oi += stride) {
    sum += input[ri]!;
    sum -= input[li]!;
    output[oi] = sum / count;
  }
  for (let i = 0; i < phase4; i++, li += stride, oi += stride) {
    sum -= input[li]!;
    count--;
    output[oi] = sum / count;
  }
}

// The same box filter down every column at once, sweeping rows in memory order (a strided walk per
// column is several times slower on large photos). Per column it adds and subtracts exactly the samples
// box1D would, in the same order, so results are identical.
function boxAlongColumns(
  input: Float32Array,
  output: Float32Array,
  rows: number,
  cols: number,
  window: number,
) {
  const half = Math.floor((window + 2) / 2);
  const sums = new Float64Array(cols);
  let ri = 0;
  let li = 0;
  let oi = 0;
  let count = 0;
  // Phase 1: accumulate the first rows.
  for (let i = 0; i < half - 1; i++, ri++, count++) {
    for (let c = 0, a = ri * cols; c < cols; c++) sums[c]! += input[a + c]!;
  }
  // Phase 2: growing window, one output row per input row added.
  for (let i = 0; i < window - half + 1; i++, ri++, oi++) {
    count++;
    for (let c = 0, a = ri * cols, o = oi * cols; c < cols; c++) {
      const sum = sums[c]! + input[a + c]!;
      sums[c] = sum;
      output[o + c] = sum / count;
    }
  }
  // Phase 3: full window sliding down; add, subtract and write in one pass over the row.
  for (let i = 0; i < rows - window; i++, ri++, li++, oi++) {
    for (let c = 0, a = ri * cols, b = li * cols, o = oi * cols; c < cols; c++) {
      const sum = sums[c]! + input[a + c]! - input[b + c]!;
      sums[c] = sum;
      output[o + c] = sum / count;
    }
  }
  // Phase 4: shrinking window at the bottom.
  for (let i = 0; i < half - 1; i++, li++, oi++) {
    count--;
    for (let c = 0, b = li * cols, o = oi * cols; c < cols; c++) {
      const sum = sums[c]! - input[b + c]!;
      sums[c] = sum;
      output[o + c] = sum / count;
    }
  }
}

/** Two-pass box filtering along rows then columns: a cheap approximation of a tent (Jarosz) filter. */
function jaroszFilter(buf1: Float32Array, buf2: Float32Array, rows: number, cols: number, passes: number) {
  const windowAlongRows = jaroszWindowSize(cols, 64);
  const windowAlongCols = jaroszWindowSize(rows, 64);
  for (let pass = 0; pass < passes; pass++) {
    for (let r = 0; r < rows; r++) box1D(buf1, buf2, r * cols, cols, 1, windowAlongRows);
    boxAlongColumns(buf2, buf1, rows, cols, windowAlongCols);
  }
}

function decimateTo64(buf: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
  for (let i = 0; i < 64; i++) {
    const ini = Math.floor(((i + 0.5) * rows) / 64);
    for (let j = 0; j < 64; j++) {
      const inj = Math.floor(((j + 0.5) * cols) / 64);
      out[i * 64 + j] = buf[ini * cols + inj]!;
    }
  }
  return out;
}

/** Sum of quantised gradients of the 64x64 image: flat or blank pictures score low. */
export function qualityMetric(img64: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++)
      sum += Math.abs(Math.trunc(((img64[i * 64 + j]! - img64[(i + 1) * 64 + j]!) * 100) / 255));
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++)
      sum += Math.abs(Math.trunc(((img64[i * 64 + j]! - img64[i * 64 + j + 1]!) * 100) / 255));
  }
  return Math.min(100, Math.trunc(sum / 90));
}

/** B = D A Dᵀ, keeping only the 16x16 low (non-DC) frequencies. */
function dct64To16(a: Float32Array): Float32Array {
  // T = D A, accumulated a row of A at a time so both inner operands are read in memory order.
  const t = dctRows;
  t.fill(0);
  for (let i = 0; i < 16; i++) {
    const ti = i * 64;
    for (let k = 0; k < 64; k++) {
      const d = DCT[ti + k]!;
      const ak = k * 64;
      for (let j = 0; j < 64; j++) t[ti + j]! += d * a[ak + j]!;
    }
  }
  // B = T Dᵀ: each coefficient is the dot product of two contiguous rows.
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    const ti = i * 64;
    for (let j = 0; j < 16; j++) {
      const dj = j * 64;
      let s = 0;
      for (let k = 0; k < 64; k++) s += t[ti + k]! * DCT[dj + k]!;
      b[i * 16 + j] = s;
    }
  }
  return b;
}

/** Luma (row-major) -> 16x16 DCT coefficients and quality. The luma buffer is used as scratch. */
export function pdqDctFromLuma(
  luma: Float32Array,
  width: number,
  height: number,
): { dct: Float32Array; quality: number } | null {
  if (width < MIN_HASHABLE_DIM || height < MIN_HASHABLE_DIM) return null;
  let img64: Float32Array;
  if (width === 64 && height === 64) {
    img64 = luma;
  } else {
    filterScratch = scratch(filterScratch, width * height);
    jaroszFilter(luma, filterScratch, height, width, 2);
    img64 = decimateTo64(luma, height, width, img64Scratch);
  }
  return { dct: dct64To16(img64), quality: qualityMetric(img64) };
}

/** One bit per coefficient strictly above the median (the lower of the two middle values, as in Torben's). */
export function hashFromDct(dct: Float32Array): string {
  sortScratch.set(dct);
  const median = sortScratch.sort()[127]!;
  // Bit k lives in 16-bit word k>>4; the text form prints words 15..0, so bit 255 is the first hex digit's top bit.
  const words = new Uint16Array(16);
  for (let k = 0; k < 256; k++) if (dct[k]! > median) words[k >> 4]! |= 1 << (k & 15);
  let hex = '';
  for (let w = 15; w >= 0; w--) hex += words[w]!.toString(16).padStart(4, '0');
  return hex;
}

// The DCT of a flipped or rotated picture is a sign-changed and/or transposed copy of the original's:
// mirroring along an axis negates the basis functions of odd frequency (even index, since index i is
// frequency i+1), and a quarter turn is a transpose plus one mirror.
function transformDct(
  a: Float32Array,
  transpose: boolean,
  negate: (i: number, j: number) => boolean,
): Float32Array {
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const v = negate(i, j) ? -a[i * 16 + j]! : a[i * 16 + j]!;
      b[transpose ? j * 16 + i : i * 16 + j] = v;
    }
  }
  return b;
}

const even = (n: number) => (n & 1) === 0;
const DIHEDRAL_TRANSFORMS: Record<Dihedral, (a: Float32Array) => Float32Array> = {
  original: (a) => a,
  rotate90: (a) => transformDct(a, true, (_i, j) => even(j)),
  rotate180: (a) => transformDct(a, false, (i, j) => !even(i + j)),
  rotate270: (a) => transformDct(a, true, (i) => even(i)),
  flipX: (a) => transformDct(a, false, (i) => even(i)),
  flipY: (a) => transformDct(a, false, (_i, j) => even(j)),
  flipPlus1: (a) => transformDct(a, true, () => false),
  flipMinus1: (a) => transformDct(a, true, (i, j) => !even(i + j)),
};

/** Hash of the picture as it would look after each of the eight rotations/flips, from one DCT. */
export function dihedralHashesFromDct(dct: Float32Array): Record<Dihedral, string> {
  const out = {} as Record<Dihedral, string>;
  for (const name of DIHEDRAL_NAMES) out[name] = hashFromDct(DIHEDRAL_TRANSFORMS[name](dct));
  return out;
}

const ZERO_HASH = '0'.repeat(64);

function lumaInScratch(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
): Float32Array<ArrayBuffer> {
  lumaScratch = scratch(lumaScratch, width * height);
  return lumaFromPixels(data, width, height, channels, lumaScratch);
}

/** PDQ of raw interleaved pixels. */
export function pdqFromPixels(data: Uint8Array, width: number, height: number, channels: number): PdqResult {
  const r = pdqDctFromLuma(lumaInScratch(data, width, height, channels), width, height);
  return r ? { hash: hashFromDct(r.dct), quality: r.quality } : { hash: ZERO_HASH, quality: 0 };
}

/** PDQ of raw pixels with all eight dihedral hashes. */
export function pdqDihedralFromPixels(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
): PdqDihedralResult {
  const r = pdqDctFromLuma(lumaInScratch(data, width, height, channels), width, height);
  if (!r) {
    return {
      quality: 0,
      hashes: Object.fromEntries(DIHEDRAL_NAMES.map((n) => [n, ZERO_HASH])) as Record<Dihedral, string>,
    };
  }
  return { quality: r.quality, hashes: dihedralHashesFromDct(r.dct) };
}

// ---- hash text form and distance ----------------------------------------------------------------

const HEX64 = /^[0-9a-f]{64}$/;

/** True for a well-formed PDQ hash in text form (64 hex digits, either case). */
export function isPdqHash(value: string): boolean {
  return HEX64.test(value.toLowerCase());
}

/** Parses the text form into eight 32-bit words, most significant first. */
export function pdqToWords(hash: string, out = new Uint32Array(8)): Uint32Array {
  const h = hash.toLowerCase();
  if (!HEX64.test(h))
    throw new TypeError(`not a PDQ hash (64 hex digits): ${JSON.stringify(hash.slice(0, 80))}`);
  for (let w = 0; w < 8; w++) out[w] = Number.parseInt(h.slice(w * 8, w * 8 + 8), 16) >>> 0;
  return out;
}

export function wordsToPdq(words: Uint32Array, offset = 0): string {
  let hex = '';
  for (let w = 0; w < 8; w++) hex += words[offset + w]!.toString(16).padStart(8, '0');
  return hex;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance between two hashes in text form. */
export function pdqDistance(a: string, b: string): number {
  const wa = pdqToWords(a);
  const wb = pdqToWords(b);
  let d = 0;
  for (let w = 0; w < 8; w++) d += popcount32(wa[w]! ^ wb[w]!);
  return d;
}
