// Builds a share bundle from this deployment's stored data: a keyword-library version, image-hash banks
// (serialised with the image engineer's HMA format), and seller signals and photo hashes from removed
// listings, and candidate terms mined here (their counts only: no listing, example or report leaves).
import { createHash, type KeyObject } from 'node:crypto';
import { serializeBank } from '../../detectors/image/bank-formats.ts';
import { getBank, listItems } from '../../detectors/image/bank-store.ts';
import type { Queryable } from '../../shared/db/pool.ts';
import { shareableCandidates } from '../../shared/db/term-candidates.ts';
import { BUNDLE_FORMAT, type BundleBody, type ShareItem, type SignedBundle, signBundle } from './bundle.ts';
import { removedPhotoSignals } from './photos.ts';
import { removedSellerSignals } from './signals.ts';

export interface ExportOptions {
  origin: string;
  /** A published keyword-library version to include ('latest' for the newest). */
  keywordVersion?: string;
  /** Image-hash banks to include, by name. */
  banks?: string[];
  /** Include seller signals and photo hashes of listings removed since this time. */
  sellerSignalsSince?: Date;
  /** Include the candidate terms mined here that the curators have not dismissed. */
  termCandidates?: boolean;
  /** How long importers may use the items (default 180 days). */
  ttlDays?: number;
  now?: Date;
}

const DAY = 24 * 3600 * 1000;

export async function buildBundle(db: Queryable, o: ExportOptions): Promise<BundleBody> {
  const now = o.now ?? new Date();
  const createdAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + (o.ttlDays ?? 180) * DAY).toISOString();
  const items: ShareItem[] = [];

  if (o.keywordVersion) {
    const { rows } = await db.query(
      o.keywordVersion === 'latest'
        ? 'SELECT version, checksum, entry_count, library FROM keyword_library_versions ORDER BY published_at DESC LIMIT 1'
        : 'SELECT version, checksum, entry_count, library FROM keyword_library_versions WHERE version = $1',
      o.keywordVersion === 'latest' ? [] : [o.keywordVersion],
    );
    const v = rows[0];
    if (!v) throw new Error(`no keyword-library version ${o.keywordVersion}`);
    items.push({
      id: `keyword-library:${v.version}`,
      type: 'keyword-library',
      createdAt,
      expiresAt,
      provenance: { origin: o.origin, source: `keyword-library ${v.version}` },
      payload: {
        version: String(v.version),
        checksum: String(v.checksum),
        entryCount: Number(v.entry_count),
        library: v.library,
      },
    });
  }

  for (const name of o.banks ?? []) {
    const bank = await getBank(db, name);
    const bankItems = (await listItems(db, name)).filter((i) => i.enabled);
    items.push({
      id: `image-bank:${bank.name}`,
      type: 'image-hashes',
      createdAt,
      expiresAt,
      provenance: { origin: o.origin, source: `image-bank ${bank.name}` },
      payload: {
        bank: bank.name,
        format: 'hma',
        count: bankItems.length,
        content: serializeBank(bank, bankItems, 'hma'),
      },
    });
  }

  if (o.sellerSignalsSince) {
    for (const s of await removedSellerSignals(db, o.sellerSignalsSince)) {
      items.push({
        id: `seller-signal:${s.kind}:${s.hash}`,
        type: 'seller-signal',
        createdAt,
        expiresAt,
        provenance: {
          origin: o.origin,
          source: 'removed listings',
          removedListings: s.removedListings,
          platforms: s.platforms,
          firstSeen: s.firstSeen.toISOString(),
          lastSeen: s.lastSeen.toISOString(),
        },
        payload: { kind: s.kind, hash: s.hash },
      });
    }
    for (const p of await removedPhotoSignals(db, o.sellerSignalsSince)) {
      items.push({
        id: `photo-signal:${p.pdq}`,
        type: 'photo-signal',
        createdAt,
        expiresAt,
        provenance: {
          origin: o.origin,
          source: 'removed listings',
          removedListings: p.removedListings,
          platforms: p.platforms,
          firstSeen: p.firstSeen.toISOString(),
          lastSeen: p.lastSeen.toISOString(),
        },
        payload: { pdq: p.pdq },
      });
    }
  }
  if (o.termCandidates) {
    for (const c of await shareableCandidates(db)) {
      // Named by language and a digest of the folded form: stable across exports, and no spaces in the name.
      const digest = createHash('sha256').update(c.normalized).digest('hex').slice(0, 16);
      items.push({
        id: `term-candidate:${c.language}:${digest}`,
        type: 'term-candidate',
        createdAt,
        expiresAt,
        provenance: { origin: o.origin, source: 'candidate terms mined from review outcomes' },
        payload: {
          language: c.language,
          term: c.term,
          normalized: c.normalized,
          form: c.form,
          score: c.score,
          positives: c.positives,
          missed: c.missed,
          negatives: c.negatives,
          positiveDocs: c.positiveDocs,
          negativeDocs: c.negativeDocs,
          estimatedPrecision:
            Math.round((c.positives / Math.max(1, c.positives + c.negatives)) * 1000) / 1000,
          status: c.status,
        },
      });
    }
  }
  return { format: BUNDLE_FORMAT, version: 1, origin: o.origin, createdAt, items };
}

export async function exportSignedBundle(
  db: Queryable,
  o: ExportOptions,
  key: KeyObject,
): Promise<SignedBundle> {
  return signBundle(await buildBundle(db, o), key);
}
