import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseLabel, caseRef, isCaseId, parseCaseRef } from '../../shared/case-ref.ts';
import { caseIdFor } from '../../shared/db/cases.ts';

const hexId = fc.stringMatching(/^[0-9a-f]{24}$/).map((h) => `case-${h}`);

describe('case references', () => {
  it('derives a short reference from the case id alone: first 25 bits in Crockford base32', () => {
    expect(caseRef('case-000000000000000000000000')).toBe('WS-00000');
    expect(caseRef('case-ffffffffffffffffffffffff')).toBe('WS-ZZZZZ');
    // 0x0842108 >>> 3 = 0x108421 = 00001 00001 00001 00001 00001
    expect(caseRef('case-084210800000000000000000')).toBe('WS-11111');
    const id = caseIdFor('shop', 'IV-42');
    expect(caseRef(id)).toBe(caseRef(id));
    expect(caseRef(id)).toMatch(/^WS-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(caseLabel(id)).toBe(`${caseRef(id)} (${id})`);
    expect(() => caseRef('WS-12345')).toThrow();
  });

  it('reads back what people type, and every id starts with the prefix its reference names', () => {
    fc.assert(
      fc.property(hexId, (id) => {
        const ref = caseRef(id);
        const parsed = parseCaseRef(ref);
        expect(parsed?.ref).toBe(ref);
        expect(id.startsWith(parsed!.idPrefix)).toBe(true);
        expect(parseCaseRef(` ${ref.toLowerCase().replace('-', ' ')} `)?.ref).toBe(ref);
        expect(parseCaseRef(ref.slice(3))?.ref).toBe(ref);
      }),
      { seed: 17, numRuns: 500 },
    );
  });

  it('forgives misread letters and refuses what is not a reference', () => {
    expect(parseCaseRef('ws-1O0Il')?.ref).toBe('WS-10011');
    expect(parseCaseRef('WSK3F9')).toBeUndefined(); // 6 characters, not a WS- prefix and a body
    expect(parseCaseRef('WSK3F')?.ref).toBe('WSK3F'.replace(/^/, 'WS-'));
    for (const bad of ['', 'WS-', 'WS-1234', 'WS-123456', 'WS-12U45', 'DROP TABLE', 'case-00'])
      expect(parseCaseRef(bad)).toBeUndefined();
    expect(isCaseId(caseIdFor('a', 'b'))).toBe(true);
    expect(isCaseId('WS-00000')).toBe(false);
  });
});
