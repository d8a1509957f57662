// wild-sentinel start: runs the whole system in one process until Ctrl-C.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ConfigError, loadConfig, redactConfig } from '../../shared/config.ts';
import { log, setLogLevel } from '../../shared/logger.ts';
import { keepServingOnUnhandledRejection } from '../process-guards.ts';
import { ROLES, type Role, startSystem } from '../system.ts';

const SHUTDOWN_LIMIT_MS = 30_000;

export const USAGE = `usage: wild-sentinel start [--role worker|api|bots]...
Runs every part in this process unless roles are named (docker-compose runs one role per service).
Examples:
  wild-sentinel start
  wild-sentinel start --role api --role bots`;

/** What a person (or a supervisor's log) needs to know once the process serves. */
function readyLine(roles: readonly Role[], url: string): string {
  const parts = roles.length ? ` (${[...new Set(roles)].join(', ')})` : '';
  const where = !url
    ? ''
    : roles.length === 0 || roles.includes('api')
      ? ` API: ${url} (health: ${url}/healthz).`
      : ` Bots endpoint: ${url}.`;
  return `Wild Sentinel is running${parts}.${where} Ctrl-C stops it.`;
}

export async function run(args: string[]): Promise<number> {
  const roles: Role[] = [];
  for (let i = 0; i < args.length; i++) {
    const role = args[i] === '--role' ? args[++i] : undefined;
    if (!role || !(ROLES as readonly string[]).includes(role)) {
      console.error(USAGE);
      return 2;
    }
    roles.push(role as Role);
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  setLogLevel(config.LOG_LEVEL);
  keepServingOnUnhandledRejection();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  log.info('starting Wild Sentinel', { config: redactConfig(config) });
  const system = await startSystem(config, {
    ...(roles.length ? { roles } : {}),
    seedDemoPlatform: !config.DATABASE_URL,
  });
  console.log(readyLine(roles, system.apiUrl));

  const failure = await new Promise<Error | undefined>((resolve) => {
    process.once('SIGINT', () => resolve(undefined));
    process.once('SIGTERM', () => resolve(undefined));
    void system.failed.then(resolve);
  });
  if (failure) log.error('a part of the system stopped; shutting down', { error: failure });
  console.log('Shutting down… (Ctrl-C again to force)');
  const force = () => process.exit(130);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  // A hung query or server must not keep the process alive forever.
  setTimeout(() => {
    console.error(`Shutdown did not finish within ${SHUTDOWN_LIMIT_MS / 1000} s; exiting.`);
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS).unref();
  await system.stop();
  console.log('Stopped.');
  return failure ? 1 : 0;
}
