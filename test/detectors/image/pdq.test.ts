import { readdirSync } from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../detectors/image/decode.ts';
import {
  PDQ_SHRINK_MIN_SIDE,
  pdqDihedralHashImage,
  pdqHashImage,
} from '../../../detectors/image/hash-image.ts';
import {
  DIHEDRAL_NAMES,
  type Dihedral,
  isPdqHash,
  jaroszWindowSize,
  pdqDihedralFromPixels,
  pdqDistance,
  pdqFromPixels,
  pdqToWords,
  wordsToPdq,
} from '../../../detectors/image/pdq.ts';
import { expectedPdq, PDQ_IMAGES, pdqImage } from './fixtures.ts';

const expected = expectedPdq();

// Both ways of hashing a file: the default (libvips decodes straight to PDQ's 64x64 samples) and the
// reference's full-size decode.
const MODES = [
  { mode: 'shrink-on-load (default)', options: {} },
  { mode: 'full-size decode (exact)', options: { exact: true } },
] as const;

describe.each(MODES)('PDQ conformance with the published reference hashes, $mode', ({ options }) => {
  it.each(expected)('$file is within 16 bits of the reference', async ({ file, hash }) => {
    const result = await pdqHashImage(pdqImage(file), undefined, options);
    expect(isPdqHash(result.hash)).toBe(true);
    expect(pdqDistance(result.hash, hash)).toBeLessThanOrEqual(16);
    if (file !== 'small.jpg') expect(result.quality).toBe(100);
  });

  const mods = readdirSync(PDQ_IMAGES).filter(
    (f) => f.startsWith('bridge-mod-') && f !== 'bridge-mod-aaa-orig.jpg',
  );
  it('finds the modified bridge photos in the fixtures', () => {
    expect(mods.length).toBeGreaterThanOrEqual(10);
  });
  it.each(mods)('%s stays within the match threshold (31) of the original', async (file) => {
    const original = await pdqHashImage(pdqImage('bridge-mod-aaa-orig.jpg'), undefined, options);
    const modified = await pdqHashImage(pdqImage(file), undefined, options);
    expect(pdqDistance(original.hash, modified.hash)).toBeLessThanOrEqual(31);
  });

  it('tells different photos apart', async () => {
    const bridge = await pdqHashImage(pdqImage('bridge-1-original.jpg'), undefined, options);
    const other = await pdqHashImage(pdqImage('c.png'), undefined, options);
    expect(pdqDistance(bridge.hash, other.hash)).toBeGreaterThan(64);
  });
});

describe('decoding less', () => {
  it('keeps the full-size decode within 10 bits of the reference (the bar Meta sets for a port)', async () => {
    for (const { file, hash } of expected) {
      const exact = await pdqHashImage(pdqImage(file), undefined, { exact: true });
      expect(pdqDistance(exact.hash, hash), file).toBeLessThanOrEqual(10);
    }
  });

  it('asks libvips for 64x64 samples of a large photo, and decodes a small one whole', async () => {
    const fill = { width: 64, height: 64, minSide: PDQ_SHRINK_MIN_SIDE };
    const large = await decodeImage(pdqImage('bridge-1-original.jpg'), undefined, { fill });
    expect([large.width, large.height]).toEqual([64, 64]);
    const wee = await decodeImage(pdqImage('wee.jpg'), undefined, { fill });
    expect([wee.width, wee.height]).toEqual([34, 42]);
    // ...so a small picture hashes exactly as the full-size path does.
    const fast = await pdqHashImage(pdqImage('wee.jpg'));
    expect(fast).toEqual(await pdqHashImage(pdqImage('wee.jpg'), undefined, { exact: true }));
  });

  it('stays within 16 bits of the full-size hash on every fixture, and within 10 of the reference when shrunk to 512', async () => {
    for (const file of readdirSync(PDQ_IMAGES)) {
      const fast = await pdqHashImage(pdqImage(file));
      const exact = await pdqHashImage(pdqImage(file), undefined, { exact: true });
      expect(pdqDistance(fast.hash, exact.hash), file).toBeLessThanOrEqual(16);
      expect(fast.quality, file).toBe(exact.quality);
    }
    for (const { file, hash } of expected.filter((e) => e.file.startsWith('bridge-'))) {
      const shrunk = await pdqHashImage(pdqImage(file), undefined, { maxSide: 512 });
      expect(pdqDistance(shrunk.hash, hash), file).toBeLessThanOrEqual(10);
    }
  });
});

describe('dihedral variants', () => {
  // Which fixture shows bridge-1 transformed the way each variant describes.
  const fixtureFor: Record<Dihedral, string> = {
    original: 'bridge-1-original.jpg',
    rotate90: 'bridge-2-rotate-90.jpg',
    rotate180: 'bridge-3-rotate-180.jpg',
    rotate270: 'bridge-4-rotate-270.jpg',
    flipX: 'bridge-5-flipx.jpg',
    flipY: 'bridge-6-flipy.jpg',
    flipPlus1: 'bridge-7-flip-plus-1.jpg',
    flipMinus1: 'bridge-8-flip-minus-1.jpg',
  };

  it('predicts the reference hash of each rotated or flipped file from the original alone', async () => {
    const { hashes, quality } = await pdqDihedralHashImage(pdqImage('bridge-1-original.jpg'));
    expect(quality).toBe(100);
    for (const name of DIHEDRAL_NAMES) {
      const reference = expected.find((e) => e.file === fixtureFor[name])!.hash;
      expect(pdqDistance(hashes[name], reference), name).toBeLessThanOrEqual(16);
      // ...and is far from every other variant's reference.
      for (const other of DIHEDRAL_NAMES.filter((n) => n !== name)) {
        const wrong = expected.find((e) => e.file === fixtureFor[other])!.hash;
        expect(pdqDistance(hashes[name], wrong), `${name} vs ${other}`).toBeGreaterThan(64);
      }
    }
  });

  it('agrees with hashing pixels that sharp rotated and mirrored', async () => {
    const base = sharp(pdqImage('wee.jpg')).resize(120, 90);
    const raw = async (s: Sharp) => {
      const { data, info } = await s.raw().toBuffer({ resolveWithObject: true });
      return pdqFromPixels(data, info.width, info.height, info.channels).hash;
    };
    const { data, info } = await base.clone().raw().toBuffer({ resolveWithObject: true });
    const { hashes } = pdqDihedralFromPixels(data, info.width, info.height, info.channels);
    const source = await base.clone().png().toBuffer();
    // The reference names turns counter-clockwise and flips by the axis they keep: flipX mirrors top to bottom.
    const cases: [Dihedral, Sharp][] = [
      ['rotate90', sharp(source).rotate(270)],
      ['rotate180', sharp(source).rotate(180)],
      ['rotate270', sharp(source).rotate(90)],
      ['flipX', sharp(source).flip()],
      ['flipY', sharp(source).flop()],
      ['flipPlus1', sharp(source).rotate(90).flip()],
      ['flipMinus1', sharp(source).rotate(90).flop()],
    ];
    for (const [name, transformed] of cases) expect(await raw(transformed), name).toBe(hashes[name]);
  });
});

describe('PDQ building blocks', () => {
  it('uses the reference window size', () => {
    expect(jaroszWindowSize(1600, 64)).toBe(13);
    expect(jaroszWindowSize(64, 64)).toBe(1);
    expect(jaroszWindowSize(100, 64)).toBe(1);
  });

  it('round-trips hashes through 32-bit words and counts differing bits', () => {
    const h = expected[0]!.hash;
    expect(wordsToPdq(pdqToWords(h))).toBe(h);
    expect(pdqDistance(h, h)).toBe(0);
    const flipped = (Number.parseInt(h[0]!, 16) ^ 0b1011).toString(16) + h.slice(1);
    expect(pdqDistance(h, flipped)).toBe(3);
    expect(() => pdqToWords('xyz')).toThrow(/not a PDQ hash/);
  });

  it('sets exactly half the bits for a textured picture', async () => {
    const { hash } = await pdqHashImage(pdqImage('bridge-1-original.jpg'));
    const bits = [...hash].reduce(
      (n, c) => n + Number.parseInt(c, 16).toString(2).replaceAll('0', '').length,
      0,
    );
    expect(bits).toBe(128);
  });

  it('gives quality 0 to a flat picture and an all-zero hash to one under 5 pixels', () => {
    const flat = new Uint8Array(100 * 100 * 3).fill(128);
    expect(pdqFromPixels(flat, 100, 100, 3).quality).toBe(0);
    const tiny = pdqFromPixels(new Uint8Array(4 * 4 * 3).fill(9), 4, 4, 3);
    expect(tiny).toEqual({ hash: '0'.repeat(64), quality: 0 });
  });
});
