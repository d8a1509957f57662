// The coalition-wide key: every deployment hashes normalised contact identifiers with HMAC-SHA256 under the
// same secret, so equal identifiers give equal hashes across platforms while the raw values never leave.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeKeyText, MIN_COALITION_KEY_BYTES } from '../../shared/key-text.ts';
import type { Contact } from './contacts.ts';

export class CoalitionKey {
  readonly #key: Buffer;
  constructor(key: Buffer) {
    if (key.length < MIN_COALITION_KEY_BYTES)
      throw new Error(`the coalition hashing key must be at least ${MIN_COALITION_KEY_BYTES} bytes`);
    this.#key = key;
  }
  hash(contact: Contact): string {
    return createHmac('sha256', this.#key).update(`${contact.kind}\u0000${contact.value}`).digest('hex');
  }
  toJSON(): string {
    return '[coalition key]';
  }
}

/**
 * The key from COALITION_HASH_KEY (hex or base64) or from the file named by COALITION_HASH_KEY_FILE.
 * Undefined when neither is set: seller signals are then neither recorded nor shared.
 */
export function loadCoalitionKey(env: NodeJS.ProcessEnv = process.env): CoalitionKey | undefined {
  const text = env.COALITION_HASH_KEY_FILE
    ? readFileSync(env.COALITION_HASH_KEY_FILE, 'utf8').trim()
    : env.COALITION_HASH_KEY?.trim();
  if (!text) return undefined;
  return new CoalitionKey(decodeKeyText(text));
}
