// Compiling a full library takes about a second on a busy core (seconds on a slow one). A hot reload in a
// running API or worker must not stall the event loop that long, so the tables are built in a worker
// thread and transferred back; only the cheap assembly runs here. Should a worker fail to start, the
// library is compiled on this thread instead: a late reload beats none.
import { Worker } from 'node:worker_threads';
import type { Library } from '../../keywords/schema.ts';
import { log } from '../../shared/logger.ts';
import { assembleLibrary, type CompiledLibrary, type CompiledTables, compileLibrary } from './compile.ts';

/** Builds a library's tables in a worker thread. */
export function compileTablesInWorker(library: Library): Promise<CompiledTables> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./compile-worker.mjs', import.meta.url), { workerData: library });
    worker.once('message', (tables: CompiledTables) => {
      resolve(tables);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`library compiler thread exited with code ${code}`)));
  });
}

/** Compiles a library without blocking this thread's event loop. */
export async function compileLibraryOffThread(library: Library): Promise<CompiledLibrary> {
  try {
    return assembleLibrary(library, await compileTablesInWorker(library));
  } catch (error) {
    log.warn('keyword library compiler thread failed; compiling on the main thread', { error });
    return compileLibrary(library);
  }
}
