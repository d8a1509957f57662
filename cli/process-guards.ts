// The last line of defence of a long-running process. Node ends the process on a promise rejection that
// nothing handles; for a server that means one bad request or one unreachable API stops the API, the
// worker and the bots together. Every rejection should be handled where it arises (the lint forbids
// floating promises); one that still escapes is logged and the process keeps serving: a rejected promise
// leaves no half-done synchronous state behind, unlike an uncaught exception, which still ends it.
import { log } from '../shared/logger.ts';

let installed = false;

export function keepServingOnUnhandledRejection(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    log.error('unhandled promise rejection; still serving', { error, name: error.name });
    log.debug('unhandled promise rejection stack', { stack: error.stack });
  });
}
