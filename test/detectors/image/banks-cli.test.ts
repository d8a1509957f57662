import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/banks.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { PDQ_IMAGES } from './fixtures.ts';

describe('wild-sentinel banks', () => {
  let db: TestDatabase;
  const out: string[] = [];
  const err: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    vi.stubEnv('DATABASE_URL', db.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await db.drop();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    out.length = 0;
    err.length = 0;
  });
  const capture = () => {
    vi.spyOn(console, 'log').mockImplementation((l: string) => void out.push(l));
    vi.spyOn(console, 'error').mockImplementation((l: string) => void err.push(l));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
  };

  it('imports a python-threatexchange file, matches a photo and exports the bank as HMA JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-banks-'));
    const file = join(dir, 'signals.txt');
    // The reference hash of bridge-1, plus a line of another signal type.
    writeFileSync(
      file,
      'pdq f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22\nvideo_md5 d41d8cd98f00b204e9800998ecf8427e\n',
    );
    capture();
    expect(await run(['import', 'TX_SHARED', file, '--format', 'pytx', '--create'])).toBe(0);
    expect(out.join('\n')).toMatch(/imported 1 into TX_SHARED.*skipped other signal types: 1 video_md5/);

    out.length = 0;
    expect(await run(['match', `${PDQ_IMAGES}bridge-mod-high-contrast.jpg`])).toBe(0);
    expect(out.join('\n')).toMatch(/match\tTX_SHARED\titem=\d+\tdistance=\d+\toriginal/);

    out.length = 0;
    expect(await run(['export', 'TX_SHARED', '--format', 'hma'])).toBe(0);
    const bundle = JSON.parse(out.join(''));
    expect(bundle.content.map((c: { signals: { pdq: string } }) => c.signals.pdq)).toEqual([
      'f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22',
    ]);
  });

  it('refuses a file with bad lines and reports unknown banks clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-banks-'));
    const file = join(dir, 'bad.txt');
    writeFileSync(file, 'pdq nothex\n');
    capture();
    expect(await run(['import', 'TX_SHARED', file])).toBe(1);
    expect(err.join('\n')).toMatch(/line 1: not a PDQ hash/);
    expect(await run(['export', 'NO_SUCH_BANK'])).toBe(1);
    expect(err.join('\n')).toMatch(/not_found: no bank named NO_SUCH_BANK/);
    expect(await run(['frobnicate'])).toBe(2);
  });
});
