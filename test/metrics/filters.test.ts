import { describe, expect, it } from 'vitest';
import { metricsFiltersSchema } from '../../shared/metrics/filters.ts';

const problems = (input: Record<string, string>) => {
  const r = metricsFiltersSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('metrics filters', () => {
  it('reads dates and date-times into a period', () => {
    const f = metricsFiltersSchema.parse({ from: '2026-03-01', to: '2026-03-02T12:00:00+02:00' });
    expect(f.from.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(f.to.toISOString()).toBe('2026-03-02T10:00:00.000Z');
  });

  it('bounds the period to sane years and names the field', () => {
    expect(problems({ from: '-271821-04-21', to: '-271820-04-21' })).toEqual([
      'from: must be a date like 2026-03-01 or a date-time like 2026-03-01T00:00:00Z',
      'to: must be a date like 2026-03-01 or a date-time like 2026-03-01T00:00:00Z',
    ]);
    expect(problems({ from: '1970-01-01', to: '1970-02-01' })[0]).toMatch(/^from: must lie between 2000/);
    expect(problems({ from: '2100-06-01', to: '9999-01-01' })).toEqual([
      'to: must lie between 2000-01-01 and 2101-01-01',
    ]);
    expect(problems({ from: '2026-02-30', to: '2026-03-31' })).toEqual(['from: is not a calendar date']);
    expect(problems({ from: '2026-03-02', to: '2026-03-01' })).toEqual(['to: "to" must be after "from"']);
    expect(problems({ from: '2001-01-01', to: '2020-01-01' })).toEqual([
      'to: the period is at most ten years',
    ]);
  });

  it('refuses NUL and lone surrogates in platform and species', () => {
    const period = { from: '2026-03-01', to: '2026-04-01' };
    expect(problems({ ...period, species: 'a\u0000b' })).toEqual([
      'species: must not contain NUL characters or unpaired surrogates',
    ]);
    expect(problems({ ...period, species: '\ud800' })).toHaveLength(1);
    expect(problems({ ...period, platform: 'shop\u0000' })[0]).toMatch(/^platform:/);
  });
});
