// Every command explains itself: `--help` prints its usage with examples (exit 0), and a wrong argument
// gets a short answer with the usage (exit 2), never a stack trace.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
const COMMANDS = readdirSync(fileURLToPath(new URL('../../cli/commands/', import.meta.url)))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));
const dataDir = mkdtempSync(join(tmpdir(), 'ws-cli-help-'));
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'error' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, out: stdout + stderr }),
    );
  });
}

const STACK_FRAME = /^\s+at .+[:(]/m;

describe('the command line', () => {
  it('lists its commands', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(0);
    for (const c of COMMANDS) expect(out).toContain(c);
  });

  it.each(COMMANDS)('%s --help prints its usage and examples', { timeout: 60_000 }, async (command) => {
    const { code, out } = await cli([command, '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^usage: wild-sentinel ${command}\\b`));
    expect(out).toContain('Examples:');
  });

  it.each(COMMANDS)(
    '%s with a wrong argument answers in a few lines, exit 2',
    { timeout: 60_000 },
    async (command) => {
      const { code, out } = await cli([command, '--no-such-option']);
      expect(code).toBe(2);
      expect(out).toContain(`usage: wild-sentinel ${command}`);
      expect(out).not.toMatch(STACK_FRAME);
    },
  );

  it('answers an unknown command with the list, exit 2', async () => {
    const { code, out } = await cli(['frobnicate']);
    expect(code).toBe(2);
    expect(out).toContain('unknown command "frobnicate"');
  });
});
