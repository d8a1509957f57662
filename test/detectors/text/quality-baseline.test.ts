// Issue 15 item 6: the held-out split (never tuned on) is held to its stored baseline, so a change that
// loses recall or raises the false-positive rate beyond the stated tolerance fails here; and the
// evaluation-only real-style set keeps its shape. `wild-sentinel keywords quality --write-baseline`
// refreshes the baseline after improvements are merged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileLibrary } from '../../../detectors/text/compile.ts';
import { screenWith } from '../../../detectors/text/index.ts';
import { evaluate, HOLDOUT_PATH, readDevSet, readRealStyleSet } from '../../../detectors/text/quality.ts';
import {
  baselineOf,
  compareToBaseline,
  holdoutChecksum,
  readBaseline,
  TOLERANCE,
} from '../../../detectors/text/quality-baseline.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';

const lib = compileLibrary(loadLibraryFromDir());
const holdout = readDevSet(HOLDOUT_PATH);
const report = evaluate(holdout, (r) => screenWith(lib, { title: r.title, description: r.description }));

describe('held-out split', () => {
  it('labels every row with language, species (or none), obfuscation class and author, in 20 languages', () => {
    expect(holdout.length).toBeGreaterThanOrEqual(250);
    expect(new Set(holdout.map((r) => r.id)).size).toBe(holdout.length);
    expect(new Set(holdout.map((r) => r.language)).size).toBeGreaterThanOrEqual(20);
    for (const r of holdout) {
      expect(r.species, r.id).not.toBeUndefined();
      expect(r.obfuscation, r.id).toBeDefined();
      expect(r.writtenBy, r.id).toBeDefined();
    }
  });

  it('shares no listing with the development set it could have been tuned on', () => {
    const dev = new Set(readDevSet().map((r) => `${r.title}\n${r.description}`.toLowerCase()));
    for (const r of holdout) expect(dev.has(`${r.title}\n${r.description}`.toLowerCase()), r.id).toBe(false);
  });

  it('does not regress against quality-baseline.json beyond the tolerance', () => {
    const { regressions, improvements } = compareToBaseline(report, readBaseline(), holdoutChecksum());
    if (improvements.length > 0)
      console.log(`improved (refresh the baseline to keep):\n${improvements.join('\n')}`);
    expect(regressions).toEqual([]);
  });
});

describe('baseline comparison', () => {
  const sha = holdoutChecksum();
  const baseline = baselineOf(report, '1.0.0', sha);
  const lang = Object.keys(report.byLanguage).find((l) => report.byLanguage[l]!.truePositives >= 2)!;
  /** The report with one language's counts changed, its recall and FPR recomputed. */
  const withLanguage = (change: { truePositives?: number; falsePositives?: number }) => {
    const m = { ...report.byLanguage[lang]!, ...change };
    m.recall = m.truePositives / m.positives;
    m.falsePositiveRate = m.negatives === 0 ? 0 : m.falsePositives / m.negatives;
    return { ...report, byLanguage: { ...report.byLanguage, [lang]: m } };
  };

  it('tolerates one listing lost in a language, not two', () => {
    const tp = report.byLanguage[lang]!.truePositives;
    expect(TOLERANCE.groupListings).toBe(1);
    expect(compareToBaseline(withLanguage({ truePositives: tp - 1 }), baseline, sha).regressions).toEqual([]);
    expect(compareToBaseline(withLanguage({ truePositives: tp - 2 }), baseline, sha).regressions).toEqual([
      expect.stringMatching(new RegExp(`^language ${lang}: recall .* \\(2 more missed`)),
    ]);
  });

  it('fails on two more false positives in a language, and on a lost language', () => {
    const fp = report.byLanguage[lang]!.falsePositives;
    expect(compareToBaseline(withLanguage({ falsePositives: fp + 2 }), baseline, sha).regressions).toEqual([
      expect.stringMatching(new RegExp(`^language ${lang}: FPR .* \\(2 more flagged`)),
    ]);
    const { [lang]: _dropped, ...rest } = report.byLanguage;
    expect(compareToBaseline({ ...report, byLanguage: rest }, baseline, sha).regressions).toEqual([
      `language ${lang}: no longer measured`,
    ]);
  });

  it('holds the overall figures to 1% of the listings (at least one)', () => {
    const overall = report.overall;
    const slack = Math.max(1, Math.floor(0.01 * overall.positives));
    const worse = { ...report, overall: { ...overall, truePositives: overall.truePositives - slack - 1 } };
    expect(compareToBaseline(worse, baseline, sha).regressions[0]).toMatch(/^overall: recall/);
  });

  it('refuses a baseline measured on other rows', () => {
    const { regressions } = compareToBaseline(report, { ...baseline, holdoutSha256: '0'.repeat(64) }, sha);
    expect(regressions).toEqual([expect.stringMatching(/holdout\.jsonl changed/)]);
  });

  it('reports gains as improvements, not regressions', () => {
    const tp = report.byLanguage[lang]!.truePositives;
    const older = baselineOf(withLanguage({ truePositives: tp - 1 }), '1.0.0', sha);
    const { regressions, improvements } = compareToBaseline(report, older, sha);
    expect(regressions).toEqual([]);
    expect(improvements).toEqual([expect.stringMatching(new RegExp(`^language ${lang}: recall`))]);
  });
});

describe('real-style set (evaluation only)', () => {
  const rows = readRealStyleSet();
  it('has at least 60 labelled posts in the auction, social, live-animal and debate styles', () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    const styles = new Set(rows.map((r) => r.style));
    for (const s of ['auction', 'social-hashtag', 'live-animal', 'debate']) expect(styles).toContain(s);
    expect(rows.filter((r) => r.label === 'illicit').length).toBeGreaterThanOrEqual(30);
    expect(rows.filter((r) => r.label === 'legit').length).toBeGreaterThanOrEqual(20);
  });

  it('is named and documented as evaluation-only', () => {
    const readme = readFileSync(new URL('../../fixtures/text/README.md', import.meta.url), 'utf8');
    expect(readme).toMatch(/real-style-eval-only\.jsonl[^\n]*evaluation only/i);
  });
});
