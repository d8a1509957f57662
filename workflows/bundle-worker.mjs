// Bundles the workflow code (webpack, through Temporal's bundler) in a worker thread, so that webpack and
// its loaders are freed with the thread instead of staying in the system process's heap.
import { parentPort, workerData } from 'node:worker_threads';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

// Webpack's per-module report is noise in `start`'s log; warnings and errors still show.
const { code } = await bundleWorkflowCode({
  workflowsPath: workerData.workflowsPath,
  logger: new DefaultLogger('WARN'),
});
parentPort.postMessage(code);
