// Loads the WebAssembly inner loop of index lookups (wasm/mih-scan.as.ts, built by `npm run build:wasm`).
// Each index gets its own instance over its own memory, which holds its postings. Without the built
// module the index runs the same loop in JavaScript, about three times slower at a million hashes, and
// says so once in the log.
import { readFileSync } from 'node:fs';
import { log } from '../../shared/logger.ts';

// The parts of the WebAssembly API used here (Node's types leave them out without the DOM library).
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type ScanFn = (
  postingsAt: number,
  baseSlots: number,
  cellsAt: number,
  cellCount: number,
  queryAt: number,
  maxDistance: number,
  outAt: number,
  outCapacity: number,
) => number;
const { Module, Instance, Memory } = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: { scan: ScanFn } };
      Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
    };
  }
).WebAssembly;

export const WASM_PAGE = 65536;
/** wasm32 addresses 4 GiB; an index larger than that stays in JavaScript arrays. */
export const MAX_WASM_PAGES = 65536;

export interface MihScanner {
  memory: WasmMemory;
  scan: ScanFn;
}

let compiled: object | null | undefined;

function module(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = new Module(readFileSync(new URL('./wasm/mih-scan.wasm', import.meta.url)));
  } catch (error) {
    log.warn('index lookups run in JavaScript: wasm/mih-scan.wasm is not built (npm run build:wasm)', {
      error,
    });
    compiled = null;
  }
  return compiled;
}

/** A scanner over a fresh memory of `bytes` (rounded up to pages), or null without the module. */
export function createMihScanner(bytes: number): MihScanner | null {
  const m = module();
  const pages = Math.ceil(bytes / WASM_PAGE);
  if (!m || pages > MAX_WASM_PAGES) return null;
  const memory = new Memory({ initial: pages, maximum: MAX_WASM_PAGES });
  const { scan } = new Instance(m, { env: { memory } }).exports;
  return { memory, scan };
}
