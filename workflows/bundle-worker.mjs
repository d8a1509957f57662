// Bundles the workflow code (webpack, through Temporal's bundler) in a worker thread, so that webpack and
// its loaders are freed with the thread instead of staying in the system process's heap.
import { parentPort, workerData } from 'node:worker_threads';
import { bundleWorkflowCode } from '@temporalio/worker';

const { code } = await bundleWorkflowCode({ workflowsPath: workerData.workflowsPath });
parentPort.postMessage(code);
