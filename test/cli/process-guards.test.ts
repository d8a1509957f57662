import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'test/cli/support/rejecting-process.ts', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('process guard', () => {
  it('logs an unhandled rejection and keeps the process running', () => {
    const guarded = run('--guarded');
    expect(guarded.status).toBe(0);
    expect(guarded.stdout).toBe('still alive\n');
    const logged = guarded.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'unhandled promise rejection; still serving',
        name: 'WebAPIRequestError',
        error: 'A request error occurred: connect ECONNREFUSED',
      }),
    ]);
  });

  it('is what stands between such a rejection and the end of the process', () => {
    const unguarded = run();
    expect(unguarded.status).not.toBe(0);
    expect(unguarded.stdout).toBe('');
  });
});
