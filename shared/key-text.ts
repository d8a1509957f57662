// Secrets given as text in the environment or a file: hex or base64. Configuration checks their length
// with this before anything starts; the features that use them decode them the same way.

/** The shortest coalition hash key accepted (HMAC-SHA256 wants at least its output size). */
export const MIN_COALITION_KEY_BYTES = 32;

/** The key's bytes from its text form, hex or base64. */
export function decodeKeyText(text: string): Buffer {
  const t = text.trim();
  return /^[0-9a-f]+$/i.test(t) && t.length % 2 === 0 ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
}
