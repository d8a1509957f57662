// wild-sentinel model: train answers a bad row in one line naming file, line and field; a trained model
// evaluates against the rules alone; versions, activate and revert work on the database in one command.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/model.ts';
import { defaultModel } from '../../../detectors/text/scorer-model.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const dir = mkdtempSync(join(tmpdir(), 'ws-model-'));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  return {
    out,
    err,
    restore() {
      log.mockRestore();
      error.mockRestore();
    },
  };
}

describe('wild-sentinel model', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    vi.stubEnv('DATABASE_URL', db.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await db.drop();
  });

  it('train refuses a bad row with one line naming the file, line and field', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(
      file,
      '{"id":"a","language":"en","label":"illicit","title":"Ivory bangle","source":"me"}\n' +
        '{"id":"b","language":"en","label":"illicit","title":"Ivory comb"}\n',
    );
    const c = capture();
    try {
      expect(await run(['train', file, '--out', join(dir, 'never.json')])).toBe(1);
    } finally {
      c.restore();
    }
    expect(c.err).toEqual([
      `model train: ${file}:2: source: Invalid input: expected string, received undefined`,
    ]);
  });

  it('trains a model and evaluates it against the rules alone', async () => {
    const rows = join(dir, 'rows.jsonl');
    const lines = [];
    for (let i = 0; i < 12; i++) {
      lines.push({
        id: `i${i}`,
        language: 'en',
        label: 'illicit',
        title: `Ivory figure ${i}, DM for price`,
        source: 't',
      });
      lines.push({
        id: `l${i}`,
        language: 'en',
        label: 'legit',
        title: `Ivory butterfly ${i} needs a home`,
        source: 't',
      });
    }
    writeFileSync(rows, lines.map((l) => JSON.stringify(l)).join('\n'));
    const out = join(dir, 'model.json');
    const c = capture();
    try {
      expect(await run(['train', rows, '--out', out, '--version', 'cli-test'])).toBe(0);
      expect(await run(['evaluate', rows, '--model', out])).toBe(0);
    } finally {
      c.restore();
    }
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({
      version: 'cli-test',
      format: 'wild-sentinel/scorer-model',
    });
    expect(c.err.join('\n')).toMatch(/trained cli-test on 24 of 24 rows/);
    const report = c.out.join('\n');
    expect(report).toContain('rules alone:');
    expect(report).toContain('with scorer cli-test:');
  });

  it('activates the shipped model, lists it as active, and reverts to the rules alone', async () => {
    const shipped = defaultModel()!;
    const c = capture();
    try {
      expect(await run(['activate', 'default', '--by', 'alice'])).toBe(0);
      expect(await run(['versions'])).toBe(0);
      expect(await run(['revert', '--by', 'alice'])).toBe(0);
      expect(await run(['activate', 'no-such-version', '--by', 'alice'])).toBe(1);
    } finally {
      c.restore();
    }
    expect(c.out.find((l) => l.startsWith('* '))).toMatch(
      new RegExp(`^\\* ${shipped.version}\\tactivated\\t`),
    );
    expect(c.out).toContain('reverted to the keyword rules alone (no model)');
    expect(c.err.at(-1)).toMatch(/^model activate: no stored model no-such-version/);
  });
});
