// The progress bar's rendering, on its own: what the scan CLI draws on a terminal.
import { describe, expect, it } from 'vitest';
import { formatDuration, progressBar, renderProgress } from '../../cli/progress.ts';

describe('renderProgress', () => {
  it('shows the bar, percentage, count, rate and time left for an input of known size', () => {
    const line = renderProgress(
      { items: 50_000, bytes: 5_000_000, totalBytes: 20_000_000, elapsedMs: 2_000 },
      120,
    );
    // 25% read in 2 s: 6 s left; 25,000 listings a second.
    expect(line).toBe(`[${'█'.repeat(10)}${'░'.repeat(30)}]  25%  50,000 listings  25,000/s  ETA 0:06`);
  });

  it('ends full, with no time left', () => {
    const line = renderProgress({ items: 10, bytes: 100, totalBytes: 100, elapsedMs: 1_000 });
    expect(line).toMatch(/^\[█{40}\] 100% {2}10 listings {2}10\/s {2}ETA 0:00$/);
  });

  it('shows count and rate only when the size is unknown (a pipe)', () => {
    expect(renderProgress({ items: 1_234_567, bytes: 1, elapsedMs: 10_000 })).toBe(
      '1,234,567 listings  123,457/s',
    );
  });

  it('fits narrow terminals, dropping the bar before the figures', () => {
    const state = { items: 1, bytes: 1, totalBytes: 3, elapsedMs: 1_000 };
    for (const columns of [80, 60, 50, 30, 10]) {
      expect(renderProgress(state, columns).length).toBeLessThanOrEqual(columns);
    }
    expect(renderProgress(state, 50)).toMatch(/^\[█+░+\] {2}33%/);
    expect(renderProgress(state, 36)).toMatch(/^33%/);
    expect(renderProgress({ items: 0, bytes: 0, totalBytes: 3, elapsedMs: 0 })).toContain('ETA --:--');
  });

  it('formats long durations with hours', () => {
    expect(formatDuration(59.6)).toBe('1:00');
    expect(formatDuration(3_725)).toBe('1:02:05');
  });
});

describe('progressBar', () => {
  it('redraws in place at most once per interval and erases itself', () => {
    const writes: string[] = [];
    let t = 0;
    const bar = progressBar(
      { write: (s: string) => writes.push(s), columns: 100 },
      { intervalMs: 100, now: () => t },
    );
    bar.update({ items: 1, bytes: 1, totalBytes: 10 });
    t = 50;
    bar.update({ items: 2, bytes: 2, totalBytes: 10 });
    t = 150;
    bar.update({ items: 3, bytes: 3, totalBytes: 10 });
    bar.clear();
    bar.clear();
    expect(writes).toHaveLength(3);
    expect(writes[0]!.startsWith('\r\x1b[K[')).toBe(true);
    expect(writes[1]).toContain('3 listings');
    expect(writes[2]).toBe('\r\x1b[K');
  });
});
