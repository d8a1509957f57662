// wild-sentinel start: runs the whole system in one process until Ctrl-C.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ConfigError, loadConfig, redactConfig } from '../../shared/config.ts';
import { log, setLogLevel } from '../../shared/logger.ts';
import { startSystem } from '../system.ts';

export async function run(_args: string[]): Promise<number> {
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
  Runtime.install({ logger: new DefaultLogger('WARN') });
  log.info('starting Wild Sentinel', { config: redactConfig(config) });
  const system = await startSystem(config, { seedDemoPlatform: !config.DATABASE_URL });
  console.log(
    `Wild Sentinel is running. API: ${system.apiUrl} (health: ${system.apiUrl}/healthz). Ctrl-C stops it.`,
  );

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('Shutting down… (Ctrl-C again to force)');
  const force = () => process.exit(130);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await system.stop();
  console.log('Stopped.');
  return 0;
}
