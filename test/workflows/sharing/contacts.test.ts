import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  extractContacts,
  listingContacts,
  normaliseEmail,
  normalisePhone,
} from '../../../workflows/sharing/contacts.ts';
import { CoalitionKey, loadCoalitionKey } from '../../../workflows/sharing/keyed-hash.ts';

const kinds = (text: string) =>
  extractContacts(text)
    .map((c) => `${c.kind}:${c.value}`)
    .sort();

describe('contact extraction and normalisation', () => {
  it('reads the same phone number written in different national and international forms', () => {
    expect(normalisePhone('+84 912 345 678')).toBe('912345678');
    expect(normalisePhone('0912-345-678')).toBe('912345678');
    expect(normalisePhone('0084 (912) 345.678')).toBe('912345678');
    expect(normalisePhone('12345')).toBeUndefined();
  });

  it('finds phones only with a cue, so prices and ids are not taken for numbers', () => {
    expect(kinds('Ivory bangle, price 15000000 VND, item 123456789')).toEqual([]);
    expect(kinds('Liên hệ Zalo 0912 345 678')).toEqual(['phone:912345678']);
    expect(kinds('WhatsApp me: 84912345678')).toEqual(['phone:912345678']);
    expect(kinds('order at https://wa.me/84912345678')).toEqual(['phone:912345678']);
    expect(kinds('电话 13812345678')).toEqual(['phone:812345678']);
  });

  it('extracts WeChat, LINE and Zalo ids, emails and payment handles', () => {
    expect(kinds('加微信: Ivory_King88 看货')).toEqual(['wechat:ivory_king88']);
    expect(kinds('WeChat ID tigerbone_shop')).toEqual(['wechat:tigerbone_shop']);
    expect(kinds('Line ID: @horn.th')).toEqual(['line:horn.th']);
    expect(kinds('shipping online, line of products')).toEqual([]);
    expect(kinds('zalo.me/shopnga')).toEqual(['zalo:shopnga']);
    expect(kinds('mail Ivory.Seller+x@GoogleMail.com')).toEqual(['email:ivoryseller@gmail.com']);
    expect(kinds('pay via paypal.me/HornTrader or venmo @scale-man, cashapp $Pango1, costs $500')).toEqual([
      'payment:cashapp:pango1',
      'payment:paypal:horntrader',
      'payment:venmo:scale-man',
    ]);
    expect(normaliseEmail('not-an-email')).toBeUndefined();
  });

  it("adds the seller's platform account", () => {
    expect(listingContacts({ platformId: 'shopa', title: 'x', sellerId: ' S1 ' })).toEqual([
      { kind: 'seller', value: 'shopa:s1' },
    ]);
  });
});

describe('keyed hashing', () => {
  it('gives equal hashes for equal identifiers under one key, and unrelated ones under another', () => {
    const key = new CoalitionKey(randomBytes(32));
    const other = new CoalitionKey(randomBytes(32));
    const a = key.hash({ kind: 'phone', value: '912345678' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(key.hash({ kind: 'phone', value: '912345678' })).toBe(a);
    expect(key.hash({ kind: 'wechat', value: '912345678' })).not.toBe(a);
    expect(other.hash({ kind: 'phone', value: '912345678' })).not.toBe(a);
    expect(JSON.stringify({ key })).toBe('{"key":"[coalition key]"}');
  });

  it('loads the key from the environment and refuses a short one', () => {
    const hex = randomBytes(32).toString('hex');
    expect(loadCoalitionKey({ COALITION_HASH_KEY: hex })).toBeInstanceOf(CoalitionKey);
    expect(loadCoalitionKey({})).toBeUndefined();
    expect(() => loadCoalitionKey({ COALITION_HASH_KEY: 'abcd' })).toThrow(/at least 32 bytes/);
  });
});
