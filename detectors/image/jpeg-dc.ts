// The 1/8-scale luma of a progressive JPEG, from its DC scans alone.
//
// At 1/8 scale each 8x8 block becomes one pixel, and that pixel depends on the block's DC coefficient only.
// A progressive JPEG sends the DC coefficients of every block first, in a few small scans (about a fifth of
// the file), and the AC detail after. libjpeg still has to hold every block's 64 coefficients and read every
// scan, which makes a progressive photo about twice as slow to decode as a baseline one even at 1/8 scale.
// Reading the DC scans only is what PDQ needs: its 64x64 input is far coarser than 1/8 of a photo.
//
// The luma is JPEG's own Y channel: the Rec. 601 luma PDQ computes from RGB equals Y exactly, because RGB
// comes from YCbCr through the matrix whose first row that luma is. Anything this reader does not expect
// (baseline or arithmetic coding, 12-bit samples, CMYK or RGB components, odd sampling, a scan or marker out
// of place, a missing end) gives null, and the caller decodes with libvips, which reports what is wrong.
import { DEFAULT_DECODE_LIMITS } from './decode.ts';

export interface DcLuma {
  /** One byte per 8x8 block of the luma channel: ceil(width/8) x ceil(height/8), as libjpeg scales. */
  data: Uint8Array;
  width: number;
  height: number;
}

interface Component {
  id: number;
  h: number;
  v: number;
  quantTable: number;
  /** Blocks per line and lines of blocks in this component's padded (whole-MCU) grid. */
  blocksPerLine: number;
  blocksPerColumn: number;
  /** Blocks actually covering the picture (non-interleaved scans visit only these). */
  widthInBlocks: number;
  heightInBlocks: number;
  /** DC coefficients, kept for the luma component only. */
  dc: Int32Array | null;
  seenFirstScan: boolean;
}

interface Frame {
  width: number;
  height: number;
  components: Component[];
  mcusPerLine: number;
  mcusPerColumn: number;
}

interface HuffmanTable {
  /** For the next 9 bits: (code length << 8) | symbol, or 0 when the code is longer. */
  fast: Uint16Array;
  maxCode: Int32Array;
  valOffset: Int32Array;
  values: Uint8Array;
}

const FAST_BITS = 9;

class CorruptJpeg extends Error {}

/** Which pictures to read: at most `maxPixels` (width x height), at least `minSide` on either side. */
export interface DcLumaBounds {
  maxPixels: number;
  minSide: number;
}

const ANY_SIZE: DcLumaBounds = { maxPixels: DEFAULT_DECODE_LIMITS.maxPixels, minSide: 1 };

/** null unless `bytes` is a progressive JPEG this reader expects, within `bounds`. */
export function progressiveJpegDcLuma(bytes: Uint8Array, bounds: DcLumaBounds = ANY_SIZE): DcLuma | null {
  try {
    return readDcLuma(bytes, bounds);
  } catch (err) {
    if (err instanceof CorruptJpeg || err instanceof RangeError) return null;
    throw err;
  }
}

function readDcLuma(bytes: Uint8Array, bounds: DcLumaBounds): DcLuma | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const quant: number[] = [];
  const dcTables: (HuffmanTable | undefined)[] = [];
  let frame: Frame | undefined;
  let restartInterval = 0;
  let adobeTransform: number | undefined;
  let lumaQuant: number | undefined;
  let at = 2;
  for (;;) {
    if (at + 1 >= bytes.length || bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd9) break;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) return null;
    if (at + 3 >= bytes.length) return null;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const body = at + 4;
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return null;
    switch (marker) {
      case 0xc2:
        if (frame) return null;
        frame = readFrame(bytes, body, end);
        if (!frame || frame.width * frame.height > bounds.maxPixels) return null;
        if (Math.min(frame.width, frame.height) < bounds.minSide) return null;
        break;
      case 0xc4:
        readHuffmanTables(bytes, body, end, dcTables);
        break;
      case 0xdb:
        readQuantTables(bytes, body, end, quant);
        break;
      case 0xdd:
        if (length !== 4) return null;
        restartInterval = (bytes[body]! << 8) | bytes[body + 1]!;
        break;
      case 0xee:
        // Adobe: its colour transform flag says whether three components are YCbCr (1) or RGB (0).
        if (length >= 14 && String.fromCharCode(...bytes.subarray(body, body + 5)) === 'Adobe') {
          adobeTransform = bytes[body + 11];
        }
        break;
      case 0xda: {
        if (!frame) return null;
        if (lumaQuant === undefined) {
          if (!isYCbCrOrGrey(frame, adobeTransform)) return null;
          lumaQuant = quant[frame.components[0]!.quantTable];
          if (lumaQuant === undefined) return null;
        }
        const scanEnd = entropyEnd(buffer, end);
        readScan(bytes, body, end, scanEnd, frame, dcTables, restartInterval);
        at = scanEnd;
        continue;
      }
      default:
        // Other frame types (baseline, lossless, arithmetic coding) go to libvips; APPn and COM carry no pixels.
        if (marker >= 0xc0 && marker <= 0xcf) return null;
    }
    at = end;
  }
  if (!frame || lumaQuant === undefined) return null;
  const luma = frame.components[0]!;
  if (!luma.seenFirstScan || !luma.dc) return null;
  return lumaPlane(frame, luma, lumaQuant);
}

function readFrame(bytes: Uint8Array, body: number, end: number): Frame | undefined {
  if (end - body < 6) return undefined;
  const precision = bytes[body]!;
  const height = (bytes[body + 1]! << 8) | bytes[body + 2]!;
  const width = (bytes[body + 3]! << 8) | bytes[body + 4]!;
  const count = bytes[body + 5]!;
  if (precision !== 8 || height === 0 || width === 0 || (count !== 1 && count !== 3)) return undefined;
  if (end - body < 6 + 3 * count) return undefined;
  const raw = Array.from({ length: count }, (_, i) => {
    const o = body + 6 + 3 * i;
    return { id: bytes[o]!, h: bytes[o + 1]! >> 4, v: bytes[o + 1]! & 15, quantTable: bytes[o + 2]! };
  });
  if (raw.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.quantTable > 3)) return undefined;
  const hMax = Math.max(...raw.map((c) => c.h));
  const vMax = Math.max(...raw.map((c) => c.v));
  // The luma plane is read at full block resolution only when luma is the most finely sampled channel.
  if (raw[0]!.h !== hMax || raw[0]!.v !== vMax) return undefined;
  const mcusPerLine = Math.ceil(width / (8 * hMax));
  const mcusPerColumn = Math.ceil(height / (8 * vMax));
  const components = raw.map((c, i): Component => {
    const blocksPerLine = mcusPerLine * c.h;
    const blocksPerColumn = mcusPerColumn * c.v;
    return {
      ...c,
      blocksPerLine,
      blocksPerColumn,
      widthInBlocks: Math.ceil(Math.ceil((width * c.h) / hMax) / 8),
      heightInBlocks: Math.ceil(Math.ceil((height * c.v) / vMax) / 8),
      dc: i === 0 ? new Int32Array(blocksPerLine * blocksPerColumn) : null,
      seenFirstScan: false,
    };
  });
  return { width, height, components, mcusPerLine, mcusPerColumn };
}

/** One component is grey; three are YCbCr unless an Adobe marker or R/G/B component ids say RGB. */
function isYCbCrOrGrey(frame: Frame, adobeTransform: number | undefined): boolean {
  if (frame.components.length === 1) return true;
  if (adobeTransform !== undefined) return adobeTransform === 1;
  const ids = frame.components.map((c) => c.id).join(',');
  return ids !== '82,71,66' && ids !== '114,103,98';
}

function readQuantTables(bytes: Uint8Array, body: number, end: number, quant: number[]): void {
  let p = body;
  while (p < end) {
    const precision = bytes[p]! >> 4;
    const id = bytes[p]! & 15;
    if (id > 3 || precision > 1) throw new CorruptJpeg();
    const size = precision ? 128 : 64;
    if (p + 1 + size > end) throw new CorruptJpeg();
    // Only the first entry (the DC quantiser) matters at 1/8 scale.
    quant[id] = precision ? (bytes[p + 1]! << 8) | bytes[p + 2]! : bytes[p + 1]!;
    p += 1 + size;
  }
}

function readHuffmanTables(
  bytes: Uint8Array,
  body: number,
  end: number,
  dcTables: (HuffmanTable | undefined)[],
): void {
  let p = body;
  while (p < end) {
    const tableClass = bytes[p]! >> 4;
    const id = bytes[p]! & 15;
    if (tableClass > 1 || id > 3 || p + 17 > end) throw new CorruptJpeg();
    const counts = bytes.subarray(p + 1, p + 17);
    let total = 0;
    for (const c of counts) total += c;
    if (p + 17 + total > end) throw new CorruptJpeg();
    const values = bytes.slice(p + 17, p + 17 + total);
    if (tableClass === 0) dcTables[id] = huffmanTable(counts, values);
    p += 17 + total;
  }
}

/** Canonical Huffman decoding tables (JPEG Annex C/F): a 9-bit lookup, then maxCode per length. */
function huffmanTable(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const fast = new Uint16Array(1 << FAST_BITS);
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(18);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1]!;
    valOffset[length] = k - code;
    for (let i = 0; i < n; i++, k++, code++) {
      if (length <= FAST_BITS) {
        const shift = FAST_BITS - length;
        for (let fill = 0; fill < 1 << shift; fill++) {
          fast[(code << shift) | fill] = (length << 8) | values[k]!;
        }
      }
    }
    maxCode[length] = n ? code - 1 : -1;
    if (code > 1 << length) throw new CorruptJpeg();
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff; // sentinel: a code longer than 16 bits is corrupt
  return { fast, maxCode, valOffset, values };
}

/** Where a scan's entropy-coded data ends: the first marker that is neither a stuffed 0xFF nor a restart. */
function entropyEnd(bytes: Buffer, from: number): number {
  let p = from;
  for (;;) {
    p = bytes.indexOf(0xff, p); // memchr: several times faster than a loop over the bytes
    if (p < 0 || p + 1 >= bytes.length) throw new CorruptJpeg(); // no end of image: truncated
    const next = bytes[p + 1]!;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) p += 2;
    else if (next === 0xff) p += 1;
    else return p;
  }
}

/** Bits of entropy-coded data, most significant first, with 0xFF00 unstuffed and markers not crossed. */
class BitReader {
  private acc = 0;
  private count = 0;
  /** Zero bits fed after a marker or the end: reading into them means the data ran out. */
  private padding = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private pos: number,
    private readonly end: number,
  ) {}

  private fill(): void {
    while (this.count <= 24) {
      let byte = 0;
      const atMarker = this.bytes[this.pos] === 0xff && this.bytes[this.pos + 1] !== 0x00;
      if (this.pos < this.end && !atMarker) {
        byte = this.bytes[this.pos]!;
        this.pos += byte === 0xff ? 2 : 1;
      } else {
        this.padding += 8;
      }
      this.acc = (this.acc << 8) | byte; // int32: the top bits fall off, reads mask what they need
      this.count += 8;
    }
  }

  private consume(n: number): void {
    this.count -= n;
    if (this.count < this.padding) throw new CorruptJpeg();
  }

  bit(): number {
    if (this.count < 1) this.fill();
    const value = (this.acc >>> (this.count - 1)) & 1;
    this.consume(1);
    return value;
  }

  /** A DC difference: a Huffman-coded bit count, then that many bits, sign-extended (JPEG F.2.2.1). */
  dcDifference(table: HuffmanTable): number {
    const size = this.decode(table);
    if (size === 0) return 0;
    if (size > 11) throw new CorruptJpeg();
    if (this.count < size) this.fill();
    const raw = (this.acc >>> (this.count - size)) & ((1 << size) - 1);
    this.consume(size);
    return raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw;
  }

  private decode(table: HuffmanTable): number {
    if (this.count < 16) this.fill();
    const peek = (this.acc >>> (this.count - FAST_BITS)) & ((1 << FAST_BITS) - 1);
    const hit = table.fast[peek]!;
    if (hit) {
      this.consume(hit >> 8);
      return hit & 0xff;
    }
    let length = FAST_BITS + 1;
    let code = (this.acc >>> (this.count - length)) & ((1 << length) - 1);
    while (code > table.maxCode[length]!) {
      length += 1;
      if (length > 16) throw new CorruptJpeg();
      code = (this.acc >>> (this.count - length)) & ((1 << length) - 1);
    }
    this.consume(length);
    return table.values[code + table.valOffset[length]!]!;
  }

  /**
   * At a restart interval's end: only the last byte's fill bits may be left, then the RSTn marker comes.
   * (libjpeg warns about anything else, and libvips refuses the image on that warning.)
   */
  restart(expected: number): void {
    const marker = 0xd0 + (expected & 7);
    if (
      this.count - this.padding >= 8 ||
      this.bytes[this.pos] !== 0xff ||
      this.bytes[this.pos + 1] !== marker
    ) {
      throw new CorruptJpeg();
    }
    this.pos += 2;
    this.acc = 0;
    this.count = 0;
    this.padding = 0;
  }
}

function readScan(
  bytes: Uint8Array,
  body: number,
  headerEnd: number,
  dataEnd: number,
  frame: Frame,
  dcTables: (HuffmanTable | undefined)[],
  restartInterval: number,
): void {
  const count = bytes[body]!;
  if (count < 1 || count > 4 || body + 1 + 2 * count + 3 > headerEnd) throw new CorruptJpeg();
  const members: { component: Component; table: HuffmanTable | undefined }[] = [];
  for (let i = 0; i < count; i++) {
    const id = bytes[body + 1 + 2 * i]!;
    const component = frame.components.find((c) => c.id === id);
    if (!component) throw new CorruptJpeg();
    members.push({ component, table: dcTables[bytes[body + 2 + 2 * i]! >> 4] });
  }
  const o = body + 1 + 2 * count;
  const spectralStart = bytes[o]!;
  const spectralEnd = bytes[o + 1]!;
  const high = bytes[o + 2]! >> 4;
  const low = bytes[o + 2]! & 15;
  if (spectralStart !== 0) return; // AC detail: not needed at 1/8 scale
  if (spectralEnd !== 0 || low > 13) throw new CorruptJpeg();
  const first = high === 0;
  for (const m of members) {
    if (first) {
      if (m.component.seenFirstScan || !m.table) throw new CorruptJpeg();
      m.component.seenFirstScan = true;
    } else if (!m.component.seenFirstScan) {
      throw new CorruptJpeg();
    }
  }
  const reader = new BitReader(bytes, headerEnd, dataEnd);
  const predictions = new Int32Array(count);
  const refineBit = 1 << low;
  let unit = 0;
  let restarts = 0;
  // Restart intervals count MCUs (single blocks in a one-component scan); each resets the predictions.
  const startUnit = () => {
    if (restartInterval && unit > 0 && unit % restartInterval === 0) {
      reader.restart(restarts++);
      predictions.fill(0);
    }
    unit += 1;
  };
  if (count === 1) {
    // Non-interleaved: the component's own blocks in raster order, without the MCU padding.
    const { component, table } = members[0]!;
    const dc = component.dc;
    for (let row = 0; row < component.heightInBlocks; row++) {
      const rowStart = row * component.blocksPerLine;
      for (let col = 0; col < component.widthInBlocks; col++) {
        startUnit();
        if (first) {
          predictions[0]! += reader.dcDifference(table!);
          if (dc) dc[rowStart + col] = predictions[0]! << low;
        } else if (reader.bit() && dc) {
          dc[rowStart + col]! |= refineBit;
        }
      }
    }
    return;
  }
  for (let mcuRow = 0; mcuRow < frame.mcusPerColumn; mcuRow++) {
    for (let mcuCol = 0; mcuCol < frame.mcusPerLine; mcuCol++) {
      startUnit();
      for (let i = 0; i < count; i++) {
        const { component, table } = members[i]!;
        const { h, v, blocksPerLine, dc } = component;
        for (let y = 0; y < v; y++) {
          const rowStart = (mcuRow * v + y) * blocksPerLine + mcuCol * h;
          for (let x = 0; x < h; x++) {
            if (first) {
              predictions[i]! += reader.dcDifference(table!);
              if (dc) dc[rowStart + x] = predictions[i]! << low;
            } else if (reader.bit() && dc) {
              dc[rowStart + x]! |= refineBit;
            }
          }
        }
      }
    }
  }
}

/** libjpeg's 1x1 inverse DCT: dequantise, divide by 8 rounding half up, level shift, clamp. */
function lumaPlane(frame: Frame, luma: Component, dcQuant: number): DcLuma {
  const width = Math.ceil(frame.width / 8);
  const height = Math.ceil(frame.height / 8);
  const data = new Uint8Array(width * height);
  const dc = luma.dc!;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = ((dc[y * luma.blocksPerLine + x]! * dcQuant + 4) >> 3) + 128;
      data[y * width + x] = Math.min(255, Math.max(0, value));
    }
  }
  return { data, width, height };
}
