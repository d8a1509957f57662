import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SLA,
  mergeSla,
  parseDuration,
  parseSlaSpec,
  reviewDeadlineMs,
} from '../../workflows/review/sla.ts';

describe('review SLA', () => {
  it('parses durations and the REVIEW_SLA setting', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(() => parseDuration('soon')).toThrow(/invalid duration/);
    expect(parseSlaSpec('p1=2s, p3=1d ,reminder=3s,undo=5s,appeal=1m')).toEqual({
      reviewMs: { 1: 2000, 3: 86_400_000 },
      reminderMs: 3000,
      undoWindowMs: 5000,
      appealWindowMs: 60_000,
    });
    expect(() => parseSlaSpec('p4=1h')).toThrow(/unknown REVIEW_SLA key/);
    expect(parseSlaSpec(undefined)).toEqual({});
  });

  it('layers defaults, configuration and workflow input; clamps priorities', () => {
    const sla = mergeSla({ reviewMs: { 1: 10 }, reminderMs: 5 }, { reminderMs: 7 });
    expect(sla.reviewMs).toEqual({ ...DEFAULT_SLA.reviewMs, 1: 10 });
    expect(sla.reminderMs).toBe(7);
    expect(reviewDeadlineMs(sla, 0)).toBe(10);
    expect(reviewDeadlineMs(sla, 9)).toBe(DEFAULT_SLA.reviewMs[3]);
    expect(DEFAULT_SLA.reviewMs[1]).toBeLessThan(DEFAULT_SLA.reviewMs[2]);
  });
});
