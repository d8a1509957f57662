import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig } from '../../shared/config.ts';
import { generateSigningKey } from '../../workflows/sharing/bundle.ts';

/** The problems loadConfig reports for env, as "VARIABLE: rule" lines. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}
const variables = (env: Record<string, string>) => problems(env).map((p) => p.split(':')[0]);
const HEX_KEY_32 = 'a3f1c9e07b2d4c8e9f6a1b3c5d7e9f0a1b2c3d4e5f60718293a4b5c6d7e8f901';

describe('configuration', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.PORT).toBe(8080);
    expect(config.SLACK_REVIEWERS).toEqual([]);
  });

  it('lists every invalid variable in one error without echoing values', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://secret-pw@db',
        LLM_BASE_URL: 'not a url',
        SLACK_BOT_TOKEN: 'xoxb-secret',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'LLM_BASE_URL',
      'PORT',
    ]);
    expect(error!.message).not.toContain('secret-pw');
    expect(error!.message).not.toContain('xoxb-secret');
  });

  it('parses lists and treats empty strings as unset', () => {
    const config = loadConfig({ SLACK_REVIEWERS: 'U1, U2,,U3', DATABASE_URL: '' });
    expect(config.SLACK_REVIEWERS).toEqual(['U1', 'U2', 'U3']);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('redacts secrets and database passwords for logging', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-123',
      LLM_API_KEY: 'sk-abc',
      DATABASE_URL: 'postgres://ws:hunter2@db:5432/ws',
    });
    const printed = JSON.stringify(redactConfig(config));
    expect(printed).not.toMatch(/xoxb-123|sk-abc|hunter2/);
    expect(printed).toContain('postgres://ws:***@db:5432/ws');
    expect(printed).toContain('"SLACK_BOT_TOKEN":"[set]"');
  });

  it('lists every problem at once, REVIEW_SLA entries included', () => {
    expect(variables({ PORT: 'abc', REVIEW_SLA: 'bogus' })).toEqual(['PORT', 'REVIEW_SLA']);
    expect(problems({ REVIEW_SLA: 'p1=banana,p9=1h,undo=0s,reminder=2s' })).toEqual([
      'REVIEW_SLA: p1: invalid duration "banana" (use e.g. 90s, 15m, 4h, 30d)',
      'REVIEW_SLA: unknown REVIEW_SLA key "p9" (p1, p2, p3, reminder, undo, appeal)',
      'REVIEW_SLA: undo: duration "0s" must be above 0 and at most 3650d',
    ]);
    expect(loadConfig({ REVIEW_SLA: 'p1=2s,reminder=2s' }).REVIEW_SLA).toBe('p1=2s,reminder=2s');
  });

  it('checks key lengths and key files without printing the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-config-'));
    const shortKeyFile = join(dir, 'short.key');
    writeFileSync(shortKeyFile, 'abcd\n');
    const notAKey = join(dir, 'not-a-key.pem');
    writeFileSync(notAKey, 'hello\n');
    const signingKey = join(dir, 'signing.pem');
    writeFileSync(signingKey, generateSigningKey().privateKeyPem);

    const shortKey = 'deadbeefdeadbeef';
    const error = problems({ COALITION_HASH_KEY: shortKey });
    expect(error).toEqual(['COALITION_HASH_KEY: must be at least 32 bytes (hex or base64)']);
    expect(error.join('\n')).not.toContain(shortKey);
    expect(variables({ COALITION_HASH_KEY_FILE: shortKeyFile })).toEqual(['COALITION_HASH_KEY_FILE']);
    expect(variables({ COALITION_HASH_KEY_FILE: join(dir, 'missing') })).toEqual(['COALITION_HASH_KEY_FILE']);
    expect(variables({ COALITION_HASH_KEY: HEX_KEY_32, COALITION_HASH_KEY_FILE: signingKey })).toContain(
      'COALITION_HASH_KEY_FILE',
    );
    expect(variables({ SHARE_SIGNING_KEY_FILE: notAKey })).toEqual(['SHARE_SIGNING_KEY_FILE']);
    expect(problems({ COALITION_HASH_KEY: HEX_KEY_32, SHARE_SIGNING_KEY_FILE: signingKey })).toEqual([]);
    expect(problems({ COALITION_HASH_KEY: Buffer.alloc(32, 7).toString('base64') })).toEqual([]);
  });

  it('checks the live share exchange: a name needs the signing key, an interval must be a duration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-config-share-'));
    const signingKey = join(dir, 'signing.pem');
    writeFileSync(signingKey, generateSigningKey().privateKeyPem);
    expect(variables({ SHARE_ORIGIN: 'ngo-a' })).toEqual(['SHARE_SIGNING_KEY_FILE']);
    expect(variables({ SHARE_ORIGIN: 'NGO A', SHARE_SIGNING_KEY_FILE: signingKey })).toEqual([
      'SHARE_ORIGIN',
    ]);
    expect(variables({ SHARE_FETCH_INTERVAL: 'soon' })).toEqual(['SHARE_FETCH_INTERVAL']);
    expect(variables({ SHARE_FEED_DAYS: '0' })).toEqual(['SHARE_FEED_DAYS']);
    const config = loadConfig({
      SHARE_ORIGIN: 'ngo-a',
      SHARE_SIGNING_KEY_FILE: signingKey,
      SHARE_FEED_BANKS: 'IVORY, PANGOLIN',
    });
    expect(config).toMatchObject({
      SHARE_FETCH_INTERVAL: '15m',
      SHARE_FEED_BANKS: ['IVORY', 'PANGOLIN'],
      SHARE_FEED_KEYWORDS: true,
      SHARE_FEED_CANDIDATES: false,
      SHARE_FEED_DAYS: 180,
    });
    expect(loadConfig({ SHARE_FEED_CANDIDATES: 'true' }).SHARE_FEED_CANDIDATES).toBe(true);
  });

  it('checks URLs, addresses, files and the LLM tuning variables', () => {
    expect(
      variables({
        SLACK_API_URL: 'file:///etc/passwd',
        PUBLIC_URL: 'javascript:alert(1)',
        TEMPORAL_ADDRESS: 'no-port',
        TEMPORAL_CLI_PATH: '/nonexistent/temporal',
        LLM_TIMEOUT_MS: 'soon',
        LLM_TEMPERATURE: '7',
        IMAGE_CLASSIFIER_MODEL: '/nonexistent/model.onnx',
        TEMPORAL_TASK_QUEUE: '   ',
      }).sort(),
    ).toEqual([
      'IMAGE_CLASSIFIER_LABELS',
      'IMAGE_CLASSIFIER_MODEL',
      'LLM_TEMPERATURE',
      'LLM_TIMEOUT_MS',
      'PUBLIC_URL',
      'SLACK_API_URL',
      'TEMPORAL_ADDRESS',
      'TEMPORAL_CLI_PATH',
      'TEMPORAL_TASK_QUEUE',
    ]);
    const ok = loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', LLM_TIMEOUT_MS: '1500' });
    expect(ok.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(ok.LLM_TIMEOUT_MS).toBe(1500);
  });

  it('stops `start` before anything runs, with every problem in one message', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ws-config-start-')), 'data');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'start'], {
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        PORT: 'abc',
        REVIEW_SLA: 'p1=banana',
        COALITION_HASH_KEY: 'c2hvcnQta2V5',
        SLACK_BOT_TOKEN: 'xoxb-never-printed',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Invalid configuration');
    for (const name of ['PORT', 'REVIEW_SLA', 'COALITION_HASH_KEY']) expect(run.stderr).toContain(`${name}:`);
    expect(run.stderr).not.toMatch(/c2hvcnQta2V5|xoxb-never-printed|\n\s+at /);
    // Nothing started: no database, no Temporal dev server state.
    expect(existsSync(dataDir)).toBe(false);
  });
});
