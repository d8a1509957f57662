// Runs the real CLI in a child process, as a platform engineer would.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../../bin/wild-sentinel.mjs', import.meta.url));

function scan(input: Buffer | string) {
  const r = spawnSync(process.execPath, [bin, 'scan', '-'], { input, encoding: 'utf8', timeout: 60_000 });
  return {
    code: r.status,
    out: r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
    err: r.stderr,
  };
}

describe('wild-sentinel scan', () => {
  it('writes one verdict per listing line', () => {
    const { code, out, err } = scan(
      [
        JSON.stringify({ id: 'a', title: 'Real ivory bangle', description: 'DM for price' }),
        JSON.stringify({ id: 'b', title: 'Ivory linen curtains 2 panels', price: 30, currency: 'USD' }),
      ].join('\n'),
    );
    expect(code).toBe(0);
    expect(out.map((o) => [o.id, o.verdict])).toEqual([
      ['a', 'block'],
      ['b', 'allow'],
    ]);
    expect(Object.keys(out[0])).toEqual(['id', 'verdict', 'score', 'species', 'evidence']);
    expect(out[0].evidence[0]).toEqual({
      term: 'real ivory',
      kind: 'product',
      field: 'title',
      start: 0,
      end: 10,
    });
    expect(err).toMatch(/scanned 2 listings/);
  });

  it('reports invalid lines with their number, skips them and exits non-zero', () => {
    const input = Buffer.concat([
      Buffer.from(`${JSON.stringify({ id: 'ok', title: 'hello' })}\n`),
      Buffer.from('not json\n'),
      Buffer.from(`${JSON.stringify({ title: 'missing id' })}\n`),
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x7d, 0x0a]),
      Buffer.from(`${JSON.stringify({ id: 'c', title: 'bell \u0007' })}\n`),
      Buffer.from(`${JSON.stringify({ id: 'long', title: 'x', description: 'y'.repeat(20_001) })}\n`),
    ]);
    const { code, out, err } = scan(input);
    expect(code).toBe(1);
    expect(out.map((o) => o.id)).toEqual(['ok']);
    expect(err).toMatch(/line 2: invalid JSON/);
    expect(err).toMatch(/line 3: id/);
    expect(err).toMatch(/line 4: invalid UTF-8/);
    expect(err).toMatch(/line 5: title: must not contain control characters/);
    expect(err).toMatch(/line 6: description: longer than 20000/);
  });
});
