import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseListingImages } from '../../../detectors/image/analyse.ts';
import { ImageInputError } from '../../../detectors/image/decode.ts';
import { inThreadHasher, PdqWorkerPool } from '../../../detectors/image/pdq-pool.ts';
import { PDQ_FIXTURES, PDQ_IMAGES, pdqImage } from './fixtures.ts';

const pool = new PdqWorkerPool({ size: 2 });
afterAll(() => pool.close());
const local = inThreadHasher();
const files = readdirSync(PDQ_IMAGES);

describe('PDQ worker pool', () => {
  it('gives every fixture the hash this thread gives it, by default and with exact decoding', async () => {
    for (const exact of [false, true]) {
      const pooled = await Promise.all(files.map((f) => pool.hash(pdqImage(f), { exact })));
      for (const [i, f] of files.entries()) {
        expect(pooled[i], f).toEqual(await local.hash(pdqImage(f), { exact }));
      }
    }
  });

  it('returns the eight dihedral hashes', async () => {
    const bytes = pdqImage('bridge-1-original.jpg');
    expect(await pool.hashDihedral(bytes)).toEqual(await local.hashDihedral(bytes));
  });

  it('fails a bad image with the same error code, and keeps serving', async () => {
    const err = await pool.hash(readFileSync(`${PDQ_FIXTURES}README.md`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageInputError);
    expect((err as ImageInputError).code).toBe('unsupported_format');
    expect((await pool.hash(pdqImage('wee.jpg'))).quality).toBe(100);
  });

  it("hashes a listing's images for deep screening, as this thread would", async () => {
    const images = [{ kind: 'upload' as const, bytes: pdqImage('bridge-2-rotate-90.jpg'), name: 'a.jpg' }];
    const pooled = await analyseListingImages(images, { hasher: pool });
    const here = await analyseListingImages(images, {});
    expect(pooled.images[0]!.pdq).toMatch(/^[0-9a-f]{64}$/);
    expect(pooled.images).toEqual(here.images);
  });

  it('refuses work once closed', async () => {
    const closing = new PdqWorkerPool({ size: 1 });
    await closing.close();
    await expect(closing.hash(pdqImage('wee.jpg'))).rejects.toThrow(/closed/);
  });
});
