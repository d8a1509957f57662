// `wild-sentinel keywords quality` run as the lead runs it: the held-out split's tables and its baseline
// check, the evaluation-only real-style set, and a clear error for an unknown split.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../../bin/wild-sentinel.mjs', import.meta.url));
const quality = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, 'keywords', 'quality', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('wild-sentinel keywords quality', () => {
  it('reports the held-out split per language, species and obfuscation class, checked against the baseline', () => {
    const { code, out } = quality('--split', 'holdout');
    expect(code).toBe(0);
    expect(out).toMatch(/^held-out split .*never used for tuning/m);
    expect(out).toMatch(/^language +n +pos +prec +recall +FPR$/m);
    expect(out).toMatch(/^species +n +pos/m);
    expect(out).toMatch(/^african-elephant +\d+/m);
    expect(out).toMatch(/^obfuscation +n +pos/m);
    expect(out).toMatch(/^leet +\d+/m);
    expect(out).toMatch(/^ko +\d+/m);
    expect(out).toMatch(/baseline \(.*quality-baseline\.json\): no regression/);
    expect(out).not.toMatch(/development set/);
  });

  it('reports the real-style set on its own, by style', () => {
    const { code, out } = quality('--split', 'real-style');
    expect(code).toBe(0);
    expect(out).toMatch(/real-style posts .*evaluation only/);
    expect(out).toMatch(/^auction +\d+/m);
    expect(out).toMatch(/^overall +74 +46 /m);
    expect(out).not.toMatch(/held-out split/);
  });

  it('refuses an unknown split', () => {
    const { code, err } = quality('--split', 'test');
    expect(code).toBe(1);
    expect(err).toMatch(/--split must be one of dev, holdout, real-style/);
  });

  it('writes a baseline only from the held-out split', () => {
    const { code, err } = quality('my-listings.jsonl', '--write-baseline');
    expect(code).toBe(1);
    expect(err).toMatch(/--write-baseline measures the held-out split; it takes no FILE/);
  });
});
