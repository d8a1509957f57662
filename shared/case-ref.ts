// Case references people can read aloud or type on a phone ("WS-7K3F9"), beside the internal case id.
// A reference is the first 25 bits of the case id in Crockford base32 (no I, L, O or U, so nothing is
// misread), so it needs no storage and every part of the system derives the same one. 25 bits are short
// enough to say and can collide, so a lookup by reference may find more than one case: callers list them.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CASE_ID = /^case-([0-9a-f]{24})$/;
const LENGTH = 5;

export function isCaseId(text: string): boolean {
  return CASE_ID.test(text);
}

/** "WS-7K3F9" for a case id. */
export function caseRef(caseId: string): string {
  const hex = CASE_ID.exec(caseId)?.[1];
  if (!hex) throw new Error(`not a case id: ${caseId}`);
  let bits = Number.parseInt(hex.slice(0, 7), 16) >>> 3; // 28 bits -> the first 25
  let out = '';
  for (let i = 0; i < LENGTH; i += 1) {
    out = ALPHABET[bits & 31] + out;
    bits >>>= 5;
  }
  return `WS-${out}`;
}

/** How a case is named to people: the reference, then the internal id it abbreviates. */
export function caseLabel(caseId: string): string {
  return `${caseRef(caseId)} (${caseId})`;
}

/**
 * Reads a reference as people type it ("ws-7k3f9", "WS 7K3F9", "7K3F9", an O for a zero); undefined when it
 * is not one. Returns the canonical reference and the case-id prefix (6 hex digits) every match starts with.
 */
export function parseCaseRef(text: string): { ref: string; idPrefix: string } | undefined {
  const typed = text.trim().toUpperCase();
  // A bare 5-character body may itself start with "WS"; only a longer text carries the prefix.
  const body = (typed.length > LENGTH ? typed.replace(/^WS[\s-]*/, '') : typed)
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (body.length !== LENGTH) return undefined;
  let bits = 0;
  for (const c of body) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) return undefined;
    bits = bits * 32 + v;
  }
  return { ref: `WS-${body}`, idPrefix: `case-${(bits >>> 1).toString(16).padStart(6, '0')}` };
}
