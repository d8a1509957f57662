// The quality floor on the labelled development set (test/fixtures/text/dev-set.jsonl).
import { describe, expect, it } from 'vitest';
import { compileLibrary } from '../../../detectors/text/compile.ts';
import { screenWith } from '../../../detectors/text/index.ts';
import { evaluate, formatReport, readDevSet } from '../../../detectors/text/quality.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';

const rows = readDevSet();
const lib = compileLibrary(loadLibraryFromDir());

describe('development set', () => {
  it('has at least 400 listings in at least 10 languages, at least 40% hard negatives', () => {
    expect(rows.length).toBeGreaterThanOrEqual(400);
    expect(new Set(rows.map((r) => r.language)).size).toBeGreaterThanOrEqual(10);
    expect(rows.filter((r) => r.hardNegative).length / rows.length).toBeGreaterThanOrEqual(0.4);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it('holds recall >= 0.95 and false-positive rate <= 0.05', () => {
    const report = evaluate(rows, (r) => screenWith(lib, { title: r.title, description: r.description }));
    console.log(formatReport(report));
    expect(report.overall.recall).toBeGreaterThanOrEqual(0.95);
    expect(report.overall.falsePositiveRate).toBeLessThanOrEqual(0.05);
  });
});
