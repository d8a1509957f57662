import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig } from '../../shared/config.ts';

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
});
