// Builds the workflow bundle that `start` would build on its first run (workflows/bundle-cache.ts), so the
// first start is fast: run by scripts/setup.sh and the Docker image build.
import { cachedWorkflowBundle } from '../workflows/bundle-cache.ts';

const bundle = await cachedWorkflowBundle();
console.log('codePath' in bundle ? `workflow bundle: ${bundle.codePath}` : 'workflow bundle kept in memory');
