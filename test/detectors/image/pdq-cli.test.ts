import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/pdq.ts';
import { pdqHashImage } from '../../../detectors/image/hash-image.ts';
import { pdqDistance } from '../../../detectors/image/pdq.ts';
import { expectedPdq, PDQ_FIXTURES, PDQ_IMAGES, pdqImage } from './fixtures.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  return { out, err };
}

describe('wild-sentinel pdq', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints hash,quality,path per image like the reference tool', async () => {
    const { out } = capture();
    const files = ['bridge-1-original.jpg', 'wee.jpg'];
    expect(await run(files.map((f) => PDQ_IMAGES + f))).toBe(0);
    expect(out).toHaveLength(2);
    for (const [i, line] of out.entries()) {
      const [hash, quality, path] = line.split(',');
      expect(path).toBe(PDQ_IMAGES + files[i]);
      expect(Number(quality)).toBe(100);
      const reference = expectedPdq().find((e) => e.file === files[i])!.hash;
      expect(pdqDistance(hash!, reference)).toBeLessThanOrEqual(16);
    }
  });

  it('prints eight variants with --dihedral', async () => {
    const { out } = capture();
    expect(await run(['--dihedral', `${PDQ_IMAGES}bridge-1-original.jpg`])).toBe(0);
    expect(out.map((l) => l.split(',')[3])).toEqual([
      'original',
      'rotate90',
      'rotate180',
      'rotate270',
      'flipX',
      'flipY',
      'flipPlus1',
      'flipMinus1',
    ]);
  });

  it('decodes at full size with --exact, as the reference tool does', async () => {
    const { out } = capture();
    const file = `${PDQ_IMAGES}bridge-1-original.jpg`;
    expect(await run(['--exact', file])).toBe(0);
    expect(await run([file])).toBe(0);
    const [exact, fast] = out.map((l) => l.split(',')[0]!);
    expect(exact).toBe(
      (await pdqHashImage(pdqImage('bridge-1-original.jpg'), undefined, { exact: true })).hash,
    );
    expect(fast).toBe((await pdqHashImage(pdqImage('bridge-1-original.jpg'))).hash);
    // The two paths differ (the photo is large enough to be shrunk on load), both within tolerance.
    expect(exact).not.toBe(fast);
    const reference = expectedPdq().find((e) => e.file === 'bridge-1-original.jpg')!.hash;
    expect(pdqDistance(exact!, reference)).toBeLessThanOrEqual(10);
  });

  it('reports unreadable files on stderr, keeps going and exits 1', async () => {
    const { out, err } = capture();
    const code = await run([`${PDQ_FIXTURES}README.md`, `${PDQ_IMAGES}wee.jpg`]);
    expect(code).toBe(1);
    expect(out).toHaveLength(1);
    expect(err[0]).toMatch(/README\.md: unsupported_format/);
  });

  it('prints usage without images', async () => {
    const { err } = capture();
    expect(await run([])).toBe(2);
    expect(err[0]).toMatch(/usage/);
  });
});

describe('wild-sentinel pdq over many images', () => {
  afterEach(() => vi.restoreAllMocks());

  it('hashes in worker threads and prints in the order given, as on one thread', async () => {
    const names = readdirSync(PDQ_IMAGES);
    const paths = [...names, ...names].map((f) => PDQ_IMAGES + f);
    expect(paths.length).toBeGreaterThanOrEqual(16); // enough for the pool
    const pooled = capture();
    expect(await run(['--jobs', '2', ...paths])).toBe(0);
    const onePooled = [...pooled.out];
    vi.restoreAllMocks();
    const single = capture();
    expect(await run(['--jobs', '1', ...paths])).toBe(0);
    expect(onePooled.map((l) => l.split(',')[2])).toEqual(paths);
    expect(onePooled).toEqual(single.out);
  });

  it('rejects a bad --jobs value', async () => {
    const { err } = capture();
    expect(await run(['--jobs', '0', `${PDQ_IMAGES}wee.jpg`])).toBe(2);
    expect(err[0]).toMatch(/usage/);
  });
});
