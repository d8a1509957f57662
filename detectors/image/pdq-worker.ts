// One PDQ pool worker: decodes and hashes the images it is sent (pdq-pool.ts), several at once so that
// libvips keeps decoding while this thread hashes.
import { parentPort } from 'node:worker_threads';
import { ImageInputError } from './decode.ts';
import { pdqDihedralHashImage, pdqHashImage } from './hash-image.ts';
import type { PdqJob, PdqJobResult } from './pdq-pool.ts';

const port = parentPort;
if (!port) throw new Error('pdq-worker.ts runs as a worker thread (see pdq-pool.ts)');

port.on('message', async (job: PdqJob) => {
  let reply: PdqJobResult;
  try {
    const options = { exact: job.exact };
    reply = job.dihedral
      ? { id: job.id, ok: true, dihedral: await pdqDihedralHashImage(job.bytes, job.limits, options) }
      : { id: job.id, ok: true, single: await pdqHashImage(job.bytes, job.limits, options) };
  } catch (err) {
    reply = {
      id: job.id,
      ok: false,
      code: err instanceof ImageInputError ? err.code : undefined,
      message: err instanceof Error ? err.message : String(err),
    };
  }
  port.postMessage(reply);
});
