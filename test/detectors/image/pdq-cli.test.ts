import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/pdq.ts';
import { pdqDistance } from '../../../detectors/image/pdq.ts';
import { expectedPdq, PDQ_FIXTURES, PDQ_IMAGES } from './fixtures.ts';

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
