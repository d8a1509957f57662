// A pool of worker threads that decode and hash images, so PDQ uses every core: the CLI's `pdq` over many
// files, and deep screening of listings' images. Each worker keeps several images in flight; the pool
// sends a job to the worker with the fewest. A worker that dies fails only its own jobs and is replaced.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, type ImageErrorCode, ImageInputError } from './decode.ts';
import { type PdqImageOptions, pdqDihedralHashImage, pdqHashImage } from './hash-image.ts';
import type { PdqDihedralResult, PdqResult } from './pdq.ts';

export interface PdqJob {
  id: number;
  bytes: Uint8Array;
  dihedral: boolean;
  exact: boolean;
  limits: DecodeLimits;
}

export type PdqJobResult =
  | { id: number; ok: true; single?: PdqResult; dihedral?: PdqDihedralResult }
  | { id: number; ok: false; code: ImageErrorCode | undefined; message: string };

/** What needs image hashes: the pool, or the same calls on this thread. */
export interface PdqHasher {
  hash(bytes: Uint8Array, options?: PdqImageOptions): Promise<PdqResult>;
  hashDihedral(bytes: Uint8Array, options?: PdqImageOptions): Promise<PdqDihedralResult>;
}

/** Hashing on the calling thread (libvips still decodes on its own threads). */
export function inThreadHasher(limits: DecodeLimits = DEFAULT_DECODE_LIMITS): PdqHasher {
  return {
    hash: (bytes, options) => pdqHashImage(bytes, limits, options),
    hashDihedral: (bytes, options) => pdqDihedralHashImage(bytes, limits, options),
  };
}

interface Pending {
  resolve(result: PdqJobResult): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  dead: boolean;
}

const ENTRY = new URL('./pdq-worker.mjs', import.meta.url);

export class PdqWorkerPool implements PdqHasher {
  readonly size: number;
  private readonly limits: DecodeLimits;
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: { size?: number; limits?: DecodeLimits } = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.limits = options.limits ?? DEFAULT_DECODE_LIMITS;
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  async hash(bytes: Uint8Array, options: PdqImageOptions = {}): Promise<PdqResult> {
    const r = await this.run(bytes, false, options);
    return r.single!;
  }

  async hashDihedral(bytes: Uint8Array, options: PdqImageOptions = {}): Promise<PdqDihedralResult> {
    const r = await this.run(bytes, true, options);
    return r.dihedral!;
  }

  /** Stops the workers; jobs still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private async run(bytes: Uint8Array, dihedral: boolean, options: PdqImageOptions) {
    if (this.closed) throw new Error('the PDQ worker pool is closed');
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    const job: PdqJob = { id, bytes, dihedral, exact: options.exact === true, limits: this.limits };
    const reply = await new Promise<PdqJobResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(job);
    });
    if (!reply.ok) {
      throw reply.code ? new ImageInputError(reply.code, reply.message) : new Error(reply.message);
    }
    return reply;
  }

  private spawn(): Slot {
    // Workers do not hold the process open: an idle pool in a long-running process costs nothing at exit.
    const worker = new Worker(ENTRY);
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), dead: false };
    worker.on('message', (reply: PdqJobResult) => {
      const p = slot.pending.get(reply.id);
      slot.pending.delete(reply.id);
      p?.resolve(reply);
    });
    // 'error' is followed by 'exit'; the first one fails the jobs and replaces the worker.
    const fail = (err: Error) => {
      if (slot.dead) return;
      slot.dead = true;
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      if (this.closed) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`PDQ worker exited with code ${code}`)));
    return slot;
  }
}
