// Links as phones share them: words around the link, punctuation after it, Telegram's entities.
import { describe, expect, it } from 'vitest';
import { findLink } from '../../../workflows/use-cases/link-in-text.ts';

describe('findLink', () => {
  it.each([
    [
      'look at this https://shop.example/item/1002 ivory bangle',
      'https://shop.example/item/1002',
      'look at this ivory bangle',
    ],
    [
      'Check out this item on Shop! https://shop.example/item/7?ref=share',
      'https://shop.example/item/7?ref=share',
      'Check out this item on Shop!',
    ],
    ['https://shop.example/item/1002.', 'https://shop.example/item/1002', ''],
    [
      'Seen here: https://shop.example/item/9, selling fast!',
      'https://shop.example/item/9',
      'Seen here: selling fast!',
    ],
    ['(see https://shop.example/a_(b)) thanks', 'https://shop.example/a_(b)', '(see ) thanks'],
    [
      '看看这个https://shop.example/item/1002，象牙手镯',
      'https://shop.example/item/1002',
      '看看这个 ，象牙手镯',
    ],
    ['🐘 HTTPS://Shop.example/Item/1 🐘', 'HTTPS://Shop.example/Item/1', '🐘 🐘'],
    [
      'first https://a.example/1 then https://b.example/2',
      'https://a.example/1',
      'first then https://b.example/2',
    ],
    ['shop.example/item/1002', 'shop.example/item/1002', ''],
  ])('%s', (text, url, rest) => {
    expect(findLink(text)).toEqual({ url, rest });
  });

  it('finds nothing in words alone, and in strict mode no bare address', () => {
    expect(findLink('look at this!!')).toBeUndefined();
    expect(findLink('')).toBeUndefined();
    expect(findLink('shop.example/item/1002', [], { strict: true })).toBeUndefined();
    expect(findLink('thanks https://shop.example/1', [], { strict: true })).toEqual({
      url: 'https://shop.example/1',
      rest: 'thanks',
    });
  });

  it("takes Telegram's entities first: a url entity, or a word that links somewhere", () => {
    const text = 'wow 🐘 shop.example/item/5 cheap';
    // The emoji counts two UTF-16 units, as Telegram's offsets do.
    expect(findLink(text, [{ type: 'url', offset: 7, length: 19 }])).toEqual({
      url: 'shop.example/item/5',
      rest: 'wow 🐘 cheap',
    });
    expect(
      findLink('this bangle is ivory', [
        { type: 'text_link', offset: 5, length: 6, url: 'https://shop.example/x' },
      ]),
    ).toEqual({ url: 'https://shop.example/x', rest: 'this bangle is ivory' });
  });
});
