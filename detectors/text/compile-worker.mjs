// Worker thread entry for compile-off-thread.ts. Plain JavaScript because a worker does not inherit its
// parent's TypeScript loader: it registers tsx itself, then compiles and transfers the tables back.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { compileTables } = await import('./compile.ts');
const tables = compileTables(workerData);
const buffers = Object.values({ ...tables, ...tables.automaton })
  .filter((value) => ArrayBuffer.isView(value))
  .map((view) => view.buffer);
parentPort.postMessage(tables, buffers);
