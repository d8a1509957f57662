// A worker-only Wild Sentinel process, configured from the environment like a production worker; the
// restart test starts it, then kills it with SIGKILL in the middle of a takedown.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startSystem } from '../../../cli/system.ts';
import { loadConfig } from '../../../shared/config.ts';

Runtime.install({ logger: new DefaultLogger('ERROR') });
await startSystem(loadConfig(), { roles: ['worker'] });
process.stdout.write('WORKER_READY\n');
