// The screener's quick check in WebAssembly (wasm/quick-check.as.ts, built by `npm run build:wasm`):
// "does this listing hold a wildlife term at all?", answered without leaving WebAssembly for the ~98% of
// listings that do not. The same check in JavaScript took about 30 ns per character of the benchmark
// corpus, this one 11 to 15 (bench/text.bench.ts). Without the built module, screening falls back to the
// JavaScript check, with one warning.
//
// Memory: the module exports the addresses of its fixed tables (character classes, folds, separators) and
// of the buffers for the two texts, which this file fills; the tables of the library being screened
// follow them, and a header tells the module where they are.
import fs from 'node:fs';
import { log } from '../../shared/logger.ts';
import type { CompiledLibrary } from './compile.ts';
import { charClass, displayOrder, foldAstral, foldCode, normalizerTables } from './normalize.ts';

/** No key pattern in either field: the listing is allowed. */
export const QUICK_NONE = 0;
/** A key pattern stands at word boundaries: screen the listing in full. */
export const QUICK_KEY = 1;
/** The WebAssembly check cannot tell (over-long text, full tables, no module): use the JavaScript one. */
export const QUICK_UNSURE = 2;
const VIETNAMESE = 3;
const BIDI_ORDER = 4;
const FOLD_UNKNOWN = 0x10000;
const COMPOSE_UNKNOWN = 0x1000000;
const NO_COMPOSITION = 0xffffffff;

/** Header slots, in the order configure() reads them. */
const HEADER_SLOTS = [
  'multiCount',
  'classOf',
  'dense',
  'denseIsU16',
  'denseClasses',
  'rootNext',
  'edgeStart',
  'edgeClass',
  'edgeTarget',
  'fail',
  'sparseMask',
  'outStart',
  'outPattern',
  'keyPattern',
  'patternLength',
  'patternFlags',
  'firstKeyState',
  'astralFull',
  'composeFull',
] as const;
type Slot = (typeof HEADER_SLOTS)[number];

// The parts of the WebAssembly API used here (Node's types leave them out without the DOM library).
interface WasmGlobal {
  readonly value: number;
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const { Module, Instance } = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: object };
    };
  }
).WebAssembly;

/** The module's exports: functions, and the addresses and capacities of its fixed layout. */
interface Exports {
  memory: WasmMemory;
  configure(): void;
  check(titleLength: number, descriptionLength: number, accented: number): number;
  TEXT_CAPACITY: WasmGlobal;
  MULTI_CAPACITY: WasmGlobal;
  MULTI_UNITS_CAPACITY: WasmGlobal;
  ASTRAL_SLOTS: WasmGlobal;
  ASTRAL_UNITS_CAPACITY: WasmGlobal;
  ASTRAL_TABLE: WasmGlobal;
  ASTRAL_UNITS: WasmGlobal;
  COMPOSE_SLOTS: WasmGlobal;
  COMPOSE_TABLE: WasmGlobal;
  CHAR_CLASS: WasmGlobal;
  SEPARATOR: WasmGlobal;
  LEET: WasmGlobal;
  HOMOGLYPH: WasmGlobal;
  FOLD_PLAIN: WasmGlobal;
  FOLD_ACCENTED: WasmGlobal;
  MULTI_START: WasmGlobal;
  MULTI_UNITS: WasmGlobal;
  SRC_TITLE: WasmGlobal;
  SRC_DESCRIPTION: WasmGlobal;
  HEADER: WasmGlobal;
  LIBRARY_BASE: WasmGlobal;
}

const MODULE_URL = new URL('./wasm/quick-check.wasm', import.meta.url);

const align = (n: number) => (n + 15) & ~15;

/**
 * Where key is, or the empty slot it would take, in an open-addressed table of (key, value) u32 pairs whose
 * slot count is a power of two (the module's lookup() searches the same way).
 */
function hashSlot(table: Uint32Array, key: number): number {
  const slots = table.length / 2;
  let slot = Math.imul(key, 0x9e3779b1) >>> (Math.clz32(slots) + 1); // Fibonacci hashing
  while (table[2 * slot] !== 0 && table[2 * slot] !== key) slot = (slot + 1) & (slots - 1);
  return slot;
}
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export class WasmQuickCheck {
  private readonly exports: Exports;
  /** Header values (addresses and counts), written by writeHeader(). */
  private readonly header = new Map<Slot, number>();
  private readonly at: (name: keyof Exports) => number;
  private readonly textCapacity: number;
  private readonly titleAt: number;
  private readonly descriptionAt: number;
  private library: CompiledLibrary | undefined;
  private syncedMulti = 0;
  /** Entries in the astral table, and units used in its pool (offset 0 holds " "). */
  private astralEntries = 0;
  private astralUnits = 1;
  private compositions = 0;
  private buffer!: Buffer;
  private units16!: Uint16Array;
  private foldPlain!: Int32Array;
  private foldAccented!: Int32Array;

  constructor(bytes: Uint8Array) {
    this.exports = new Instance(new Module(bytes), {}).exports as unknown as Exports;
    this.at = (name) => (this.exports[name] as WasmGlobal).value;
    this.textCapacity = this.at('TEXT_CAPACITY');
    this.titleAt = this.at('SRC_TITLE');
    this.descriptionAt = this.at('SRC_DESCRIPTION');
    this.ensureMemory(this.at('LIBRARY_BASE'));
    const u8 = this.bytes();
    u8.set(charClass, this.at('CHAR_CLASS'));
    u8.set(bytesOf(normalizerTables.separator), this.at('SEPARATOR'));
    u8.set(bytesOf(normalizerTables.leet), this.at('LEET'));
    u8.set(bytesOf(normalizerTables.homoglyph), this.at('HOMOGLYPH'));
    // The fold tables as JavaScript has filled them so far; check() asks for the rest as it meets them.
    u8.set(bytesOf(normalizerTables.foldPlain), this.at('FOLD_PLAIN'));
    u8.set(bytesOf(normalizerTables.foldAccented), this.at('FOLD_ACCENTED'));
    this.units16[this.at('ASTRAL_UNITS') >> 1] = 0x20;
    this.syncMulti();
  }

  private ensureMemory(bytes: number): void {
    const missing = Math.ceil((bytes - this.exports.memory.buffer.byteLength) / 65_536);
    if (missing > 0) this.exports.memory.grow(missing);
    this.views();
  }

  /** Views over the memory (growing it detaches the old ones). */
  private views(): void {
    const memory = this.exports.memory.buffer;
    if (this.buffer?.buffer === memory) return;
    this.buffer = Buffer.from(memory);
    this.units16 = new Uint16Array(memory);
    this.foldPlain = new Int32Array(memory, this.at('FOLD_PLAIN'), 65_536);
    this.foldAccented = new Int32Array(memory, this.at('FOLD_ACCENTED'), 65_536);
  }

  private bytes(): Uint8Array {
    this.views();
    return new Uint8Array(this.exports.memory.buffer);
  }

  private writeHeader(): void {
    const header = new Int32Array(this.exports.memory.buffer, this.at('HEADER'), HEADER_SLOTS.length);
    HEADER_SLOTS.forEach((slot, k) => {
      header[k] = this.header.get(slot) ?? 0;
    });
    this.exports.configure();
  }

  /** Copies multi-unit folds found since the last call (the module falls back on ones it lacks). */
  private syncMulti(): void {
    const { multi } = normalizerTables;
    const capacity = this.at('MULTI_CAPACITY');
    const poolCapacity = this.at('MULTI_UNITS_CAPACITY');
    const memory = this.exports.memory.buffer;
    const starts = new Int32Array(memory, this.at('MULTI_START'), capacity + 1);
    const pool = new Uint16Array(memory, this.at('MULTI_UNITS'), poolCapacity);
    let k = this.syncedMulti;
    for (; k < multi.length && k < capacity; k++) {
      const s = multi[k]!;
      if (starts[k]! + s.length > poolCapacity) break;
      for (let i = 0; i < s.length; i++) pool[starts[k]! + i] = s.charCodeAt(i);
      starts[k + 1] = starts[k]! + s.length;
    }
    this.syncedMulti = k;
    this.header.set('multiCount', k);
    this.writeHeader();
  }

  /** Copies a library's automaton and pattern tables in, unless they are the ones loaded. */
  private load(lib: CompiledLibrary): void {
    if (this.library === lib) return;
    const t = lib.automaton.tables;
    const tables: [Slot, ArrayBufferView][] = [
      ['classOf', t.classOf],
      ['dense', t.dense],
      ['rootNext', t.rootNext],
      ['edgeStart', t.edgeStart],
      ['edgeClass', t.edgeClass],
      ['edgeTarget', t.edgeTarget],
      ['fail', t.fail],
      ['sparseMask', t.sparseMask],
      ['outStart', t.outStart],
      ['outPattern', t.outPattern],
      ['keyPattern', t.keyPattern],
      ['patternLength', t.patternLength],
      ['patternFlags', lib.patternFlags],
    ];
    let next = this.at('LIBRARY_BASE');
    for (const [slot, table] of tables) {
      this.header.set(slot, next);
      next = align(next + table.byteLength);
    }
    this.ensureMemory(next);
    const u8 = this.bytes();
    for (const [slot, table] of tables) u8.set(bytesOf(table), this.header.get(slot)!);
    this.header.set('denseIsU16', t.dense instanceof Uint16Array ? 1 : 0);
    this.header.set('denseClasses', t.denseClasses);
    this.header.set('firstKeyState', t.firstKeyState);
    this.library = lib;
    this.writeHeader();
  }

  /** Bytes of WebAssembly memory: fixed tables, text buffers and a copy of the library's tables. */
  get memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }

  /** Copies s to byte address `at`, followed by a 0 (the module reads one unit ahead). */
  private writeText(s: string, at: number): void {
    const units = this.units16;
    const first = at >> 1;
    // A native copy costs about as much as a hundred charCodeAt calls before it copies anything.
    if (s.length < 96) for (let i = 0; i < s.length; i++) units[first + i] = s.charCodeAt(i);
    else this.buffer.write(s, at, 'utf16le');
    units[first + s.length] = 0;
  }

  /** Fills the module's fold tables for every character of s they have no entry for yet. */
  private fillFolds(s: string, accented: boolean): void {
    const table = accented ? this.foldAccented : this.foldPlain;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 && table[c] === normalizerTables.UNKNOWN) table[c] = foldCode(c, accented);
      const low = s.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        this.addAstral(((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000);
        i++;
      }
    }
  }

  /** One of the module's hash tables: (key, value) u32 pairs. */
  private hashTable(address: 'COMPOSE_TABLE' | 'ASTRAL_TABLE', slots: 'COMPOSE_SLOTS' | 'ASTRAL_SLOTS') {
    return new Uint32Array(this.exports.memory.buffer, this.at(address), 2 * this.at(slots));
  }

  /** Adds NFC's composition of unit and combining mark to the composition table. */
  private addComposition(unit: number, mark: number): void {
    const table = this.hashTable('COMPOSE_TABLE', 'COMPOSE_SLOTS');
    const key = ((unit << 16) | mark) >>> 0;
    const slot = hashSlot(table, key);
    if (table[2 * slot] === key) return;
    // Half the slots at most (two u32s each), so every search meets an empty slot soon.
    if (this.compositions + 1 > table.length / 4) {
      this.header.set('composeFull', 1);
      this.writeHeader();
      return;
    }
    const composed = String.fromCharCode(unit, mark).normalize('NFC');
    table[2 * slot] = key;
    table[2 * slot + 1] = composed.length === 1 ? composed.charCodeAt(0) : NO_COMPOSITION;
    this.compositions++;
  }

  /** Adds a supplementary character's fold to the astral table. */
  private addAstral(cp: number): void {
    const table = this.hashTable('ASTRAL_TABLE', 'ASTRAL_SLOTS');
    const slot = hashSlot(table, cp);
    if (table[2 * slot] === cp) return;
    const folded = foldAstral(cp);
    if (folded.length > 255) return; // too long to pack: the module hands such text to JavaScript
    // Half the slots at most (two u32s each), so every search meets an empty slot soon.
    if (
      this.astralEntries + 1 > table.length / 4 ||
      this.astralUnits + folded.length > this.at('ASTRAL_UNITS_CAPACITY')
    ) {
      this.header.set('astralFull', 1);
      this.writeHeader();
      return;
    }
    const pool = this.at('ASTRAL_UNITS') >> 1;
    for (let k = 0; k < folded.length; k++) this.units16[pool + this.astralUnits + k] = folded.charCodeAt(k);
    table[2 * slot] = cp;
    table[2 * slot + 1] = (this.astralUnits << 8) | folded.length;
    this.astralUnits += folded.length;
    this.astralEntries++;
  }

  check(lib: CompiledLibrary, title: string, description: string, accented: boolean): number {
    if (title.length > this.textCapacity || description.length > this.textCapacity) return QUICK_UNSURE;
    let reordered = false;
    this.load(lib);
    this.views();
    this.writeText(title, this.titleAt);
    this.writeText(description, this.descriptionAt);
    let mode = accented;
    // Fill plain folds, switch to accented mode, fill accented folds, learn a few compositions; a text
    // that needs more is left to JavaScript this time (the tables keep what was learnt).
    for (let attempt = 0; attempt < 8; attempt++) {
      const result = this.exports.check(title.length, description.length, mode ? 1 : 0);
      if (result === QUICK_NONE || result === QUICK_KEY) return result;
      if (result === VIETNAMESE) mode = true;
      else if (result === BIDI_ORDER && !reordered) {
        // Bidirectional controls: both fields in display order, as normalizeInto reads them.
        title = displayOrder(title).text;
        description = displayOrder(description).text;
        reordered = true;
        this.writeText(title, this.titleAt);
        this.writeText(description, this.descriptionAt);
      } else if (result >= COMPOSE_UNKNOWN) {
        const pair = result - COMPOSE_UNKNOWN;
        this.addComposition(pair >> 7, 0x300 + (pair & 0x7f));
      } else if (result >= FOLD_UNKNOWN) {
        this.fillFolds(title, mode);
        this.fillFolds(description, mode);
        this.syncMulti();
      } else return QUICK_UNSURE;
    }
    return QUICK_UNSURE;
  }
}

let instance: WasmQuickCheck | null | undefined;

/** The WebAssembly quick check, or null (with one warning) when the module has not been built. */
export function wasmQuickCheck(): WasmQuickCheck | null {
  if (instance === undefined) {
    try {
      instance = new WasmQuickCheck(fs.readFileSync(MODULE_URL));
    } catch (err) {
      log.warn('text screening runs without its WebAssembly quick check (run `npm run build:wasm`)', {
        module: MODULE_URL.pathname,
        error: err,
      });
      instance = null;
    }
  }
  return instance;
}

/**
 * Whether a listing may hold a wildlife term: QUICK_NONE means certainly not (same answer as the
 * JavaScript quick check), QUICK_KEY means screen it in full, QUICK_UNSURE means ask the JavaScript check.
 */
export function quickCheck(
  lib: CompiledLibrary,
  title: string,
  description: string,
  accented: boolean,
): number {
  return wasmQuickCheck()?.check(lib, title, description, accented) ?? QUICK_UNSURE;
}
