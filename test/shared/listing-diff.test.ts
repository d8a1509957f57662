import { describe, expect, it } from 'vitest';
import { changedExcerpt, listingChanges } from '../../shared/listing-diff.ts';

describe('listing diff', () => {
  it('cuts long text to the part that changed, with some context', () => {
    const before = `${'a'.repeat(300)} IVORY ${'b'.repeat(300)}`;
    const after = `${'a'.repeat(300)} xyz ${'b'.repeat(300)}`;
    const d = changedExcerpt(before, after);
    expect(d.before).toBe(`…${'a'.repeat(19)} IVORY ${'b'.repeat(19)}…`);
    expect(d.after).toBe(`…${'a'.repeat(19)} xyz ${'b'.repeat(19)}…`);
    expect(changedExcerpt('short', 'other')).toEqual({ before: 'short', after: 'other' });
    // An appended word: everything before it is common.
    expect(changedExcerpt('ivory', 'ivory cup')).toEqual({ before: 'ivory', after: 'ivory cup' });
  });

  it('names the fields a reviewer sees, and nothing when they are equal', () => {
    const v = {
      title: 'Ivory',
      description: 'd',
      price: 300,
      currency: 'USD',
      imageUrls: ['https://a/1.jpg'],
    };
    expect(listingChanges(v, { ...v })).toEqual([]);
    expect(listingChanges(v, { ...v, price: null, imageUrls: ['https://a/2.jpg'], sellerId: 's2' })).toEqual([
      { field: 'price', before: '300 USD', after: 'not given' },
      { field: 'seller', before: 'unknown', after: 's2' },
      { field: 'photos', before: '1 photo(s)', after: '1 photo(s), replaced' },
    ]);
  });
});
