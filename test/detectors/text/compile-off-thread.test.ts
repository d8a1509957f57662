import { describe, expect, it } from 'vitest';
import { compileLibrary, compileTables } from '../../../detectors/text/compile.ts';
import {
  compileLibraryOffThread,
  compileTablesInWorker,
} from '../../../detectors/text/compile-off-thread.ts';
import { screenWith } from '../../../detectors/text/index.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';

const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('compiling a library in a worker thread', () => {
  const library = loadLibraryFromDir();

  it('hands back the same tables as compiling here', async () => {
    const here = compileTables(library);
    const there = await compileTablesInWorker(library);
    expect(there.patterns).toEqual(here.patterns);
    expect(there.patternEntries).toEqual(here.patternEntries);
    expect(there.automaton.stateCount).toBe(here.automaton.stateCount);
    // Byte comparisons: a deep equality over millions of elements takes half a minute.
    expect(sameBytes(there.automaton.dense, here.automaton.dense)).toBe(true);
    expect(sameBytes(there.automaton.outPattern, here.automaton.outPattern)).toBe(true);
  });

  it('screens exactly like a library compiled on this thread', async () => {
    const offThread = await compileLibraryOffThread(library);
    const onThread = compileLibrary(library);
    const listings = [
      { title: 'Real ivory bangle', description: 'DM for price. WhatsApp +84 912 345 678' },
      { title: 'vòng ngà voi thật', description: 'inbox zalo giá tốt' },
      { title: '象牙手镯 出售', description: '微信 tusk888' },
      { title: 'Ivory lace wedding dress', description: 'size 10, worn once' },
    ];
    for (const listing of listings) {
      expect(screenWith(offThread, listing)).toEqual(screenWith(onThread, listing));
    }
    expect(screenWith(offThread, listings[0]!).verdict).toBe('block');
  });
});
