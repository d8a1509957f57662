// Entry point of a PDQ pool worker: a worker thread does not inherit the parent's TypeScript loader, so
// it registers tsx itself before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./pdq-worker.ts');
