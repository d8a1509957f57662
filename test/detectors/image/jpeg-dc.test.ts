// Reading a progressive JPEG's DC scans alone: each 1/8-scale luma pixel must be the mean luma of its 8x8
// block in the full decode (libvips), for every way the encoders at hand lay out a progressive file; files
// it does not expect go to libvips instead, and broken ones never crash it.
import { readFileSync } from 'node:fs';
import sharp, { type JpegOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageInputError } from '../../../detectors/image/decode.ts';
import { pdqHashImage } from '../../../detectors/image/hash-image.ts';
import { progressiveJpegDcLuma } from '../../../detectors/image/jpeg-dc.ts';
import { lumaFromPixels, pdqDistance } from '../../../detectors/image/pdq.ts';
import { pdqImage } from './fixtures.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/images/${name}`, import.meta.url));
const photo = pdqImage('bridge-1-original.jpg');

/** How far each whole 8x8 block's mean luma in libvips' full decode is from the DC-scan pixel. */
async function blockMeanErrors(jpeg: Uint8Array) {
  const dc = progressiveJpegDcLuma(jpeg);
  if (!dc) throw new Error('not read');
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  expect([dc.width, dc.height]).toEqual([Math.ceil(info.width / 8), Math.ceil(info.height / 8)]);
  const luma = lumaFromPixels(data, info.width, info.height, info.channels);
  const errors: number[] = [];
  for (let by = 0; by < Math.floor(info.height / 8); by++) {
    for (let bx = 0; bx < Math.floor(info.width / 8); bx++) {
      let sum = 0;
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) sum += luma[(by * 8 + y) * info.width + bx * 8 + x]!;
      }
      errors.push(Math.abs(sum / 64 - dc.data[by * dc.width + bx]!));
    }
  }
  return { mean: errors.reduce((a, b) => a + b, 0) / errors.length, max: Math.max(...errors) };
}

const encodings: [string, JpegOptions, boolean][] = [
  ['mozjpeg, 4:2:0', { progressive: true, mozjpeg: true }, false],
  ['libjpeg scans, 4:4:4, quality 95', { progressive: true, chromaSubsampling: '4:4:4', quality: 95 }, false],
  ['quality 30', { progressive: true, quality: 30 }, false],
  ['greyscale', { progressive: true, quality: 80 }, true],
];

describe('the DC scans of a progressive JPEG', () => {
  // Rounding in the full decode's inverse DCT and colour conversion keeps the two apart by a fraction of a
  // level; a block read out of place, a lost refinement bit or a wrong quantiser moves them by whole levels.
  it.each(encodings)('match the full decode block by block: %s, at an odd size', async (_, options, grey) => {
    let image = sharp(photo).resize(1237, 789, { fit: 'fill' });
    if (grey) image = image.greyscale();
    const { mean, max } = await blockMeanErrors(await image.jpeg(options).toBuffer());
    expect(mean).toBeLessThan(0.4);
    expect(max).toBeLessThan(3);
  });

  it.each([
    // Made with Pillow (libjpeg's scan script: DC sent in two halves, the second a refinement scan).
    ['progressive-restart-blocks.jpg', 'colour, 4:2:0, a restart every 7 MCUs'],
    ['progressive-grey-restart-rows.jpg', 'greyscale, a restart every 2 block rows'],
  ])('match the full decode across restart intervals and DC refinement: %s (%s)', async (file) => {
    const { mean, max } = await blockMeanErrors(fixture(file));
    expect(mean).toBeLessThan(0.4);
    expect(max).toBeLessThan(3);
  });

  it('are not read from baseline, CMYK, truncated or non-JPEG files', async () => {
    expect(progressiveJpegDcLuma(photo)).toBeNull(); // baseline
    const cmyk = await sharp(photo).toColourspace('cmyk').jpeg({ progressive: true }).toBuffer();
    expect(progressiveJpegDcLuma(cmyk)).toBeNull();
    const progressive = await sharp(photo).jpeg({ progressive: true }).toBuffer();
    expect(progressiveJpegDcLuma(progressive)).not.toBeNull();
    expect(progressiveJpegDcLuma(progressive.subarray(0, progressive.length - 2))).toBeNull();
    expect(progressiveJpegDcLuma(progressive.subarray(0, progressive.length >> 1))).toBeNull();
    expect(progressiveJpegDcLuma(pdqImage('c.png'))).toBeNull();
  });

  it('leave a truncated progressive photo to libvips, which refuses it as before', async () => {
    const progressive = await sharp(photo).jpeg({ progressive: true }).toBuffer();
    const cut = progressive.subarray(0, Math.floor(progressive.length * 0.6));
    await expect(pdqHashImage(cut)).rejects.toSatisfy(
      (err) => err instanceof ImageInputError && err.code === 'truncated',
    );
  });

  it('survive 300 corrupted copies without throwing or hanging', async () => {
    const progressive = fixture('progressive-restart-blocks.jpg');
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    let read = 0;
    for (let i = 0; i < 300; i++) {
      const copy = Uint8Array.from(progressive);
      // A few bytes anywhere, header included: lengths, table entries, scan parameters, entropy data.
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
        copy[Math.floor(random() * (i % 2 ? 700 : copy.length))] = Math.floor(random() * 256);
      }
      const result = progressiveJpegDcLuma(copy);
      if (result) {
        read += 1;
        expect(result.data.length).toBe(result.width * result.height);
      }
    }
    expect(read).toBeGreaterThan(0); // damage to AC scans alone leaves the DC scans readable
  });

  it('hash large progressive photos within 12 bits of the full-size decode', async () => {
    for (const file of ['bridge-2-rotate-90.jpg', 'bridge-5-flipx.jpg', 'bridge-8-flip-minus-1.jpg']) {
      expect(progressiveJpegDcLuma(pdqImage(file)), file).not.toBeNull();
      const fast = await pdqHashImage(pdqImage(file));
      const exact = await pdqHashImage(pdqImage(file), undefined, { exact: true });
      expect(pdqDistance(fast.hash, exact.hash), file).toBeLessThanOrEqual(12);
    }
  });
});
