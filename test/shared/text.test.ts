import { describe, expect, it } from 'vitest';
import { listingInputSchema } from '../../shared/listing.ts';
import { isSafeText, safeString, UNSAFE_TEXT_MESSAGE } from '../../shared/text.ts';

describe('safe text at the boundary', () => {
  it('accepts ordinary text, emoji and other scripts, and refuses NUL and lone surrogates', () => {
    for (const ok of ['ivory bangle', '象牙 🐘', 'tab\tand\nnewline', '']) expect(isSafeText(ok)).toBe(true);
    for (const bad of ['a\u0000b', '\ud800', 'x\udc00', '\ud83d', '\ude00\ud83d', 'end\ud800'])
      expect(isSafeText(bad)).toBe(false);
  });

  it('keeps the usual string rules chainable and reports the field', () => {
    const schema = safeString().min(2).max(5);
    expect(schema.safeParse('abc').success).toBe(true);
    expect(schema.safeParse('a').success).toBe(false);
    const nul = listingInputSchema.safeParse({
      externalId: 'L1',
      title: 'bangle',
      seller: { id: 'a\u0000' },
    });
    expect(nul.success).toBe(false);
    expect(nul.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['seller.id', UNSAFE_TEXT_MESSAGE],
    ]);
    const surrogate = listingInputSchema.safeParse({
      externalId: 'L1',
      title: 'bangle',
      imageUrls: ['https://img.example/\ud800.jpg'],
    });
    expect(surrogate.error!.issues.map((i) => i.path.join('.'))).toEqual(['imageUrls.0']);
  });
});
