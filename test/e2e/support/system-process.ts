// The whole Wild Sentinel in one process (API, bots, worker), configured from the environment like
// `wild-sentinel start`; crash tests start it, kill it with SIGKILL and start it again on the same data.
// WS_TEST_WORKFLOW_BUNDLE names a prebuilt workflow bundle, so a restart does not bundle again.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startSystem } from '../../../cli/system.ts';
import { loadConfig } from '../../../shared/config.ts';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const codePath = process.env.WS_TEST_WORKFLOW_BUNDLE;
const system = await startSystem(loadConfig(), codePath ? { workflowBundle: { codePath } } : {});
process.stdout.write(`SYSTEM_READY ${system.apiUrl}\n`);
