// Bundles the workflow code (webpack, through Temporal's bundler) in a child process, so that webpack, its
// loaders and the native SWC compiler never enter the system process: a thread would free webpack's heap
// but leave SWC's native library and its allocations mapped for the life of the process.
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

// Webpack's per-module report is noise in `start`'s log; warnings and errors still show.
const { code } = await bundleWorkflowCode({
  workflowsPath: process.argv[2],
  logger: new DefaultLogger('WARN'),
});
process.send(code, () => process.disconnect());
