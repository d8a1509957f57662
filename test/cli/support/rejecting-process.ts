// A process that leaves one promise rejection unhandled, then reports whether it is still alive.
// With --guarded it installs the guard `start` installs; without, Node's default applies.
import { keepServingOnUnhandledRejection } from '../../../cli/process-guards.ts';

if (process.argv.includes('--guarded')) keepServingOnUnhandledRejection();
class WebAPIRequestError extends Error {
  override name = 'WebAPIRequestError';
}
void Promise.reject(new WebAPIRequestError('A request error occurred: connect ECONNREFUSED'));
setTimeout(() => process.stdout.write('still alive\n'), 200);
