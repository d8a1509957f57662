// The metrics and report commands against a real database: filters by name in any case, an unknown one is a
// one-line usage error (exit code 2), and the report's --to includes its day and --explain shows the queries.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as metrics } from '../../../cli/commands/metrics.ts';
import { run as report } from '../../../cli/commands/report.ts';
import { addListing, addPlatform } from '../../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

describe('wild-sentinel metrics and report', () => {
  let db: TestDatabase;
  let dir: string;
  const out: string[] = [];
  const err: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'ws-report-'));
    vi.stubEnv('DATABASE_URL', db.url);
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
    await addPlatform(db.pool, 'shopa');
    await db.pool.query("UPDATE platforms SET name = 'Shop A' WHERE id = 'shopa'");
    // On the last day of the period, late in the day.
    await addListing(db.pool, {
      platform: 'shopa',
      externalId: 'p1',
      title: 'pangolin scales',
      receivedAt: new Date('2026-12-07T23:30:00Z'),
      verdict: 'review',
      evidence: [{ term: 'pangolin scales', kind: 'product', species: 'pangolin' }],
    });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('accepts platform and species names in any case, and counts the --to day', async () => {
    const args = [
      '--from',
      '2026-12-01',
      '--to',
      '2026-12-07',
      '--platform',
      'shop a',
      '--species',
      'Pangolin',
    ];
    expect(await metrics(args)).toBe(0);
    const m = JSON.parse(out.at(-1)!);
    expect(m.filters).toMatchObject({ platform: 'shopa', species: 'pangolin' });
    expect(m.totals.flagged).toBe(1);
  });

  it('refuses a filter that names nothing with one line and exit code 2, never zeros', async () => {
    const printed = out.length;
    expect(await metrics(['--from', '2026-12-01', '--to', '2026-12-07', '--species', 'unicorn'])).toBe(2);
    expect(err.at(-1)).toMatch(/^species: no species "unicorn"/);
    expect(await report(['--from', '2026-12-01', '--to', '2026-12-07', '--platform', 'Shop Z'])).toBe(2);
    expect(err.at(-1)).toBe('platform: no platform "Shop Z"; known: shopa (Shop A)');
    expect(out.length).toBe(printed);
  });

  it('writes a report that includes its last day and, with --explain, the queries', async () => {
    const file = join(dir, 'r.md');
    const args = ['--from', '2026-12-01', '--to', '2026-12-07', '--format', 'md', '--explain', '--out', file];
    expect(await report(args)).toBe(0);
    const md = readFileSync(file, 'utf8');
    expect(md).toContain('2026-12-01 to 2026-12-07 (both included)');
    expect(md).toContain('| Listings flagged | 1 | 0 | +1 (new) | 1 |');
    expect(md).toContain('## Queries');
  });
});
