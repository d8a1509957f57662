// No Docker engine runs here, so the compose file is checked as data: the services of the documented
// topology, each app service configured only with variables the config schema knows, and the scaling
// shape (replicated API behind a load balancer, replicated workers, one bots process).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../shared/config.ts';

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), {
  merge: true,
});
interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment: Record<string, string>;
  depends_on: Record<string, unknown> | string[];
  ports?: string[];
  expose?: string[];
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  configs?: { source: string; target: string }[];
}
const services = compose.services as Record<string, Service>;
const configs = compose.configs as Record<string, { content: string }>;
const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1] ?? Number.NaN);

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Temporal on PostgreSQL with its UI, and worker, API and bots separately', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'bots',
      'lb',
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

  it('replicates the API behind a load balancer that finds every replica', () => {
    const api = services.api!;
    expect(api.deploy?.replicas).toBeGreaterThanOrEqual(2);
    // Replicas cannot share a host port: only the load balancer publishes one.
    expect(api.ports).toBeUndefined();
    const port = String(api.environment.PORT);
    expect(api.expose).toEqual([port]);
    const lb = services.lb!;
    expect(lb.image).toMatch(/^caddy:2\.\d+/);
    expect(lb.depends_on).toEqual(['api']);
    expect(lb.ports).toEqual([`8080:${port}`]);
    expect(lb.configs).toEqual([{ source: 'lb-caddyfile', target: '/etc/caddy/Caddyfile' }]);
    const caddyfile = configs['lb-caddyfile']!.content;
    // Looked up in Docker's DNS again and again, so `--scale api=N` needs no reload; a replica that
    // refuses a connection is skipped.
    expect(caddyfile).toMatch(new RegExp(`dynamic a api ${port} \\{\\s*refresh \\d+s`));
    expect(caddyfile).toMatch(/lb_try_duration \d+s/);
  });

  it('replicates the worker, and keeps the bots to one process', () => {
    expect(services.worker!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(services.worker!.ports).toBeUndefined();
    // Telegram polling and the Discord gateway allow one connection per bot token.
    expect(services.bots!.deploy?.replicas).toBe(1);
  });

  it.each(['worker', 'api'])('gives %s longer to stop than `start` takes to drain (30 s)', (name) => {
    expect(seconds(services[name]!.stop_grace_period ?? '10s')).toBeGreaterThan(30);
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
