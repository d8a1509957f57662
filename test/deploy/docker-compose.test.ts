// No Docker engine runs here, so the compose file is checked as data: the services of the documented
// topology, each app service configured only with variables the config schema knows.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../shared/config.ts';

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), {
  merge: true,
});
interface Service {
  build?: string;
  command?: string[];
  environment: Record<string, string>;
  depends_on: Record<string, unknown>;
}
const services = compose.services as Record<string, Service>;

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Temporal on PostgreSQL with its UI, and worker, API and bots separately', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'bots',
      'postgres',
      'temporal',
      'temporal-ui',
      'worker',
    ]);
    expect(services.temporal!.environment.DB).toBe('postgres12');
    expect(services.temporal!.environment.POSTGRES_SEEDS).toBe('postgres');
    expect(services['temporal-ui']!.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it.each(['worker', 'api', 'bots'])('%s runs its own role against the shared services', (name) => {
    const svc = services[name]!;
    expect(svc.build).toBe('.');
    expect(svc.command).toEqual(['start', '--role', name]);
    expect(svc.environment.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    expect(svc.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(Object.keys(svc.depends_on).sort()).toEqual(['postgres', 'temporal']);
    const known = Object.keys(configSchema.shape);
    for (const key of Object.keys(svc.environment)) expect(known).toContain(key);
  });

  it('takes secrets from the environment instead of writing them down', () => {
    const env = services.api!.environment as Record<string, string>;
    for (const key of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'TAKEDOWN_SIGNING_SECRET', 'LLM_API_KEY']) {
      expect(env[key]).toMatch(new RegExp(`^\\$\\{${key}[:?-]`));
    }
  });

  it('builds the image the services use, with the CLI as its entry point', () => {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/wild-sentinel\.mjs"\]/);
  });

  it('builds every WebAssembly module that build:wasm compiles, and ships it', () => {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const configs = [...String(pkg.scripts['build:wasm']).matchAll(/--config (\S+)\/asconfig\.json/g)];
    expect(configs.length).toBeGreaterThanOrEqual(2);
    for (const [, dir] of configs) {
      const out = JSON.parse(
        readFileSync(new URL(`../../${dir}/asconfig.json`, import.meta.url), 'utf8'),
      ).options.outFile.replace('./', '');
      expect(dockerfile).toContain(`COPY ${dir} ${dir}`);
      expect(dockerfile).toContain(`COPY --from=wasm /build/${dir}/${out} ${dir}/`);
    }
  });
});
