// Signed share bundles: a body (origin, time, items with provenance and expiry) in canonical JSON, signed
// with the exporting deployment's Ed25519 key. Verification needs the origin's public key (share_peers).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CONTACT_KINDS } from './contacts.ts';

export const BUNDLE_FORMAT = 'wild-sentinel/share-bundle';
/** Items that carry something a receiver can use (and decides on: accept, quarantine or reject). */
export const CONTENT_TYPES = [
  'keyword-library',
  'image-hashes',
  'seller-signal',
  'photo-signal',
  'term-candidate',
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];
/** Items about other items: an origin withdrawing what it shared, a receiver's feedback to the origin. */
export const CONTROL_TYPES = ['withdrawal', 'feedback'] as const;
/**
 * The versioned union of item kinds. A new kind is added here (and to the schema below); deployments that
 * do not know it skip it and import the rest.
 */
export const ITEM_TYPES = [...CONTENT_TYPES, ...CONTROL_TYPES] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const originSchema = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/);
const isoTime = z.iso.datetime({ offset: true });
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const provenanceSchema = z.object({
  origin: originSchema,
  /** What the item was made from, e.g. "keyword-library 1.2.0", "image-bank IVORY", "removed cases". */
  source: z.string().min(1).max(200),
  /** Removed listings (and the platforms they were on) behind the item, where that applies. */
  removedListings: z.number().int().nonnegative().optional(),
  platforms: z.number().int().nonnegative().optional(),
  firstSeen: isoTime.optional(),
  lastSeen: isoTime.optional(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

const base = {
  id: z.string().min(1).max(200),
  createdAt: isoTime,
  expiresAt: isoTime,
  provenance: provenanceSchema,
};

export const itemSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('keyword-library'),
    payload: z.object({
      version: z.string().min(1).max(50),
      checksum: z.string().min(1).max(200),
      entryCount: z.number().int().nonnegative(),
      library: z.unknown(),
    }),
  }),
  z.object({
    ...base,
    type: z.literal('image-hashes'),
    payload: z.object({
      bank: z.string().min(1).max(100),
      format: z.enum(['hma', 'pdq-csv', 'pytx']),
      count: z.number().int().nonnegative(),
      content: z.string().max(50 * 1024 * 1024),
    }),
  }),
  z.object({
    ...base,
    type: z.literal('seller-signal'),
    payload: z.object({ kind: z.enum(CONTACT_KINDS), hash: hex64 }),
  }),
  // The PDQ hash of a removed listing's photo; importers link near-duplicates, not only equal hashes.
  z.object({
    ...base,
    type: z.literal('photo-signal'),
    payload: z.object({ pdq: hex64 }),
  }),
  // A candidate term the origin mined from its review outcomes: the term and its counts there. Never the
  // listings or reports it was found in (unknown keys such as examples are dropped when read).
  z.object({
    ...base,
    type: z.literal('term-candidate'),
    payload: z.object({
      language: z.string().regex(/^([a-z]{2,3}|und)$/),
      term: z.string().min(1).max(200),
      normalized: z.string().min(1).max(200),
      form: z.enum(['ngram', 'hashtag']),
      /** Log-likelihood G² at the origin. */
      score: z.number().finite().nonnegative(),
      positives: z.number().int().nonnegative(),
      missed: z.number().int().nonnegative(),
      negatives: z.number().int().nonnegative(),
      positiveDocs: z.number().int().nonnegative(),
      negativeDocs: z.number().int().nonnegative(),
      estimatedPrecision: z.number().min(0).max(1),
      /** 'accepted' when the origin's curators took it up, 'new' while it waits for them. */
      status: z.enum(['new', 'accepted']),
    }),
  }),
  // The origin takes back an item it shared (its takedown was undone, the hash left its bank, a newer
  // library version replaced it): every receiver stops using it.
  z.object({
    ...base,
    type: z.literal('withdrawal'),
    payload: z.object({
      itemId: z.string().min(1).max(200),
      itemType: z.string().min(1).max(100),
      reason: z.string().min(1).max(500),
    }),
  }),
  // A receiver tells an item's origin that the item was wrong for it (a false positive).
  z.object({
    ...base,
    type: z.literal('feedback'),
    payload: z.object({
      /** The origin of the item the feedback is about: the only deployment that records it. */
      to: originSchema,
      itemId: z.string().min(1).max(200),
      verdict: z.literal('false-positive'),
      note: z.string().max(1000).optional(),
    }),
  }),
]);
export type ShareItem = z.infer<typeof itemSchema>;

/**
 * A bundle served by the pull endpoint says whom it was made for and which slice of the origin's feed it
 * holds, inside the signature: a receiver checks both, so a bundle fetched by another peer, or an older
 * answer replayed, is refused. File bundles have no feed.
 */
export const feedSchema = z.object({
  audience: originSchema,
  since: z.number().int().nonnegative(),
  cursor: z.number().int().nonnegative(),
  more: z.boolean(),
});
export type Feed = z.infer<typeof feedSchema>;

const bundleHeader = {
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(1),
  origin: originSchema,
  createdAt: isoTime,
  feed: feedSchema.optional(),
};
export const bundleBodySchema = z.object({ ...bundleHeader, items: z.array(itemSchema).max(1_000_000) });
export type BundleBody = z.infer<typeof bundleBodySchema>;
/** What an importer reads: items are checked one by one, so one it cannot use does not sink the rest. */
const receivedBodySchema = z.object({ ...bundleHeader, items: z.array(z.unknown()).max(1_000_000) });

/** An item an importer could not use: of a type newer than this deployment, or malformed. */
export interface SkippedItem {
  index: number;
  itemId: string | null;
  type: string | null;
  reason: string;
}

function readItems(items: unknown[]): { items: ShareItem[]; skipped: SkippedItem[] } {
  const good: ShareItem[] = [];
  const skipped: SkippedItem[] = [];
  items.forEach((raw, index) => {
    const parsed = itemSchema.safeParse(raw);
    if (parsed.success) {
      good.push(parsed.data);
      return;
    }
    const { id, type } = (raw ?? {}) as { id?: unknown; type?: unknown };
    const known = (ITEM_TYPES as readonly unknown[]).includes(type);
    skipped.push({
      index,
      itemId: typeof id === 'string' ? id.slice(0, 200) : null,
      type: typeof type === 'string' ? type.slice(0, 100) : null,
      reason: known
        ? `malformed ${String(type)} item: ${parsed.error.issues[0]?.message ?? 'invalid'}`
        : `unknown item type ${JSON.stringify(type)} (a newer format than this deployment reads)`,
    });
  });
  return { items: good, skipped };
}

export const signedBundleSchema = z.object({
  body: z.unknown(),
  signature: z.object({
    alg: z.literal('ed25519'),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    value: z.string().regex(/^[A-Za-z0-9+/=]+$/),
  }),
});
export type SignedBundle = z.infer<typeof signedBundleSchema>;

/** JSON with object keys sorted at every level: the bytes that are hashed and signed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function keyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The deployment's signing key from SHARE_SIGNING_KEY_FILE (PKCS#8 PEM); never logged. */
export function loadSigningKey(env: NodeJS.ProcessEnv = process.env): KeyObject | undefined {
  const file = env.SHARE_SIGNING_KEY_FILE;
  return file ? createPrivateKey(readFileSync(file)) : undefined;
}

export function signBundle(body: BundleBody, privateKey: KeyObject): SignedBundle {
  return signBody(bundleBodySchema.parse(body), privateKey);
}

/** Signs a body as it is, unchecked (signBundle checks it first; tests sign what a newer version might send). */
export function signBody(body: unknown, privateKey: KeyObject): SignedBundle {
  const bytes = Buffer.from(canonicalJson(body));
  return {
    body,
    signature: {
      alg: 'ed25519',
      keyId: keyId(createPublicKey(privateKey)),
      value: sign(null, bytes, privateKey).toString('base64'),
    },
  };
}

export class ShareError extends Error {
  constructor(
    readonly code:
      | 'invalid_bundle'
      | 'unknown_origin'
      | 'bad_signature'
      | 'wrong_key'
      | 'not_found'
      | 'unexpected_feed',
    message: string,
  ) {
    super(message);
    this.name = 'ShareError';
  }
}

/** Reads the envelope's origin (unverified) so the importer can look up that origin's public key. */
export function claimedOrigin(input: unknown): string {
  const envelope = signedBundleSchema.safeParse(input);
  const origin = envelope.success
    ? originSchema.safeParse((envelope.data.body as { origin?: unknown })?.origin)
    : null;
  if (!origin?.success) throw new ShareError('invalid_bundle', 'not a signed share bundle');
  return origin.data;
}

/**
 * Verifies the signature over the canonical body with the origin's public key, then validates the body.
 * Returns the body with the items this deployment can use, those it skipped and why, and the bundle's id
 * (sha256 of the signed bytes).
 */
export function verifyBundle(
  input: unknown,
  publicKey: KeyObject,
): { id: string; body: BundleBody; skipped: SkippedItem[] } {
  const envelope = signedBundleSchema.safeParse(input);
  if (!envelope.success) throw new ShareError('invalid_bundle', 'not a signed share bundle');
  const { body, signature } = envelope.data;
  if (signature.keyId !== keyId(publicKey)) {
    throw new ShareError(
      'wrong_key',
      'the bundle is signed with a key this deployment does not trust for its origin',
    );
  }
  const bytes = Buffer.from(canonicalJson(body));
  if (!verify(null, bytes, publicKey, Buffer.from(signature.value, 'base64'))) {
    throw new ShareError(
      'bad_signature',
      'the bundle signature does not verify: it was altered or not signed by its origin',
    );
  }
  const parsed = receivedBodySchema.safeParse(body);
  if (!parsed.success) {
    throw new ShareError(
      'invalid_bundle',
      `invalid bundle body: ${parsed.error.issues[0]?.message ?? 'unknown'}`,
    );
  }
  const { items, skipped } = readItems(parsed.data.items);
  return { id: createHash('sha256').update(bytes).digest('hex'), body: { ...parsed.data, items }, skipped };
}
