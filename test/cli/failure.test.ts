// What a failed command says: one short line, the right exit code, the fix where it is known.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../cli/failure.ts';
import { ConfigError } from '../../shared/config.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('describeFailure', () => {
  it('answers a wrong option with the usage and exit code 2', () => {
    const err = thrown(() => parseArgs({ args: ['--nope'], options: {}, strict: true }));
    expect(describeFailure(err, 'usage: wild-sentinel x')).toEqual({
      message: expect.stringMatching(/^Unknown option '--nope'.*\nusage: wild-sentinel x$/s),
      exitCode: 2,
    });
  });

  it('names a missing file, an existing id and an unreachable database', () => {
    expect(
      describeFailure(Object.assign(new Error('ENOENT: open'), { code: 'ENOENT', path: 'b.json' })),
    ).toEqual({
      message: 'no such file: b.json',
      exitCode: 1,
    });
    const duplicate = Object.assign(new Error('duplicate key'), {
      code: '23505',
      detail: 'Key (id)=(shopa) already exists.',
    });
    expect(describeFailure(duplicate).message).toBe('already exists: Key (id)=(shopa) already exists.');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(describeFailure(refused).message).toMatch(/check DATABASE_URL/);
  });

  it('keeps a message that quotes a megabyte of input to one short line', () => {
    const huge = new Error(`bad bundle: ${'x'.repeat(1_000_000)}\nmore`);
    const { message, exitCode } = describeFailure(huge);
    expect(exitCode).toBe(1);
    expect(message.length).toBeLessThan(320);
    expect(message).not.toContain('\n');
  });

  it('passes a configuration error through whole, as a usage problem', () => {
    const err = new ConfigError(['PORT: expected a number', 'REVIEW_SLA: bad entry']);
    expect(describeFailure(err)).toEqual({ message: err.message, exitCode: 2 });
  });
});
