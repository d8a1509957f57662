import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  decodeImage,
  ImageInputError,
  inspectImage,
  jpegFrameHeader,
} from '../../../detectors/image/decode.ts';
import { pdqHashImage } from '../../../detectors/image/hash-image.ts';
import { pdqDistance } from '../../../detectors/image/pdq.ts';
import { pdqImage } from './fixtures.ts';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ImageInputError);
    expect((err as Error).message.length).toBeGreaterThan(10);
    return (err as ImageInputError).code;
  }
  return 'no error';
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A 100-byte PNG that claims to be 60000 x 60000 pixels (3.6 gigapixels). */
function pngBomb(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(60000, 0);
  ihdr.writeUInt32BE(60000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('bad image input gives clear errors', () => {
  const jpeg = pdqImage('bridge-1-original.jpg');

  it('refuses empty and oversized input before decoding', async () => {
    expect(await codeOf(pdqHashImage(new Uint8Array(0)))).toBe('empty');
    expect(
      await codeOf(
        decodeImage(jpeg, { maxBytes: 1000, maxPixels: 1e8, formats: ['jpeg'], timeoutSeconds: 5 }),
      ),
    ).toBe('too_large_bytes');
  });

  it('refuses bytes that are not an image, and formats outside the allowlist (SVG)', async () => {
    expect(await codeOf(pdqHashImage(Buffer.from('<html>not an image</html>')))).toBe('unsupported_format');
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    expect(await codeOf(pdqHashImage(svg))).toBe('unsupported_format');
  });

  it('reports a truncated JPEG as truncated', async () => {
    expect(await codeOf(pdqHashImage(jpeg.subarray(0, Math.floor(jpeg.length / 2))))).toBe('truncated');
  });

  it('reports a JPEG with garbage in its data as corrupt or truncated', async () => {
    const broken = Buffer.from(jpeg);
    for (let i = 2000; i < broken.length; i += 97) broken[i] = 0xff;
    expect(['corrupt', 'truncated']).toContain(await codeOf(pdqHashImage(broken)));
  });

  it('refuses a decompression bomb from its header, without allocating its pixels', async () => {
    const before = process.memoryUsage().rss;
    expect(await codeOf(pdqHashImage(pngBomb()))).toBe('too_many_pixels');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    // The same check applies to real images above a configured limit.
    const limits = { maxBytes: 1e8, maxPixels: 1_000_000, formats: ['jpeg'], timeoutSeconds: 5 };
    expect(await codeOf(decodeImage(jpeg, limits))).toBe('too_many_pixels');
  });

  it('refuses animated images', async () => {
    const frame = (colour: string) =>
      sharp({ create: { width: 32, height: 32, channels: 3, background: colour } })
        .png()
        .toBuffer();
    const gif = await sharp([await frame('red'), await frame('blue')], { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    expect(await codeOf(pdqHashImage(gif))).toBe('animated');
  });

  it('converts CMYK to sRGB, so a CMYK copy matches its RGB original', async () => {
    const cmyk = await sharp(jpeg).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    expect((await inspectImage(cmyk)).space).toBe('cmyk');
    const [a, b] = await Promise.all([pdqHashImage(jpeg), pdqHashImage(cmyk)]);
    expect(pdqDistance(a.hash, b.hash)).toBeLessThanOrEqual(31);
  });

  it('hashes greyscale and alpha images', async () => {
    const grey = await sharp(jpeg).greyscale().png().toBuffer();
    const alpha = await sharp(jpeg).ensureAlpha(0.5).png().toBuffer();
    const base = await pdqHashImage(jpeg);
    expect(pdqDistance(base.hash, (await pdqHashImage(grey)).hash)).toBeLessThanOrEqual(16);
    expect(pdqDistance(base.hash, (await pdqHashImage(alpha)).hash)).toBeLessThanOrEqual(16);
  });
});

describe("a JPEG's size read from its frame header (no trip to libvips)", () => {
  const jpeg = pdqImage('bridge-1-original.jpg');

  it('agrees with libvips on baseline, progressive, greyscale, CMYK and EXIF-carrying JPEGs', async () => {
    const variants = [
      jpeg,
      pdqImage('bridge-2-rotate-90.jpg'),
      pdqImage('wee.jpg'),
      await sharp(jpeg).jpeg({ progressive: true }).toBuffer(),
      await sharp(jpeg).greyscale().jpeg().toBuffer(),
      await sharp(jpeg).toColourspace('cmyk').jpeg().toBuffer(),
      await sharp(jpeg)
        .withExif({ IFD0: { Copyright: 'x'.repeat(3000) } })
        .jpeg()
        .toBuffer(),
    ];
    for (const bytes of variants) {
      const meta = await sharp(bytes).metadata();
      expect(jpegFrameHeader(bytes)).toEqual({
        format: 'jpeg',
        width: meta.width,
        height: meta.height,
        space: meta.space,
      });
    }
  });

  it('leaves anything else to libvips: other formats, a header cut short, a bad segment length', async () => {
    expect(jpegFrameHeader(await sharp(jpeg).png().toBuffer())).toBeNull();
    expect(jpegFrameHeader(jpeg.subarray(0, 30))).toBeNull();
    expect(jpegFrameHeader(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0, 0, 0, 0]))).toBeNull();
    expect(jpegFrameHeader(new Uint8Array(0))).toBeNull();
    // Cut inside its header, the JPEG is still refused clearly.
    expect(await codeOf(pdqHashImage(jpeg.subarray(0, 30)))).not.toBe('no error');
  });
});
