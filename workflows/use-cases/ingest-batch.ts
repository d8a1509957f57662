// "Ingest a batch of listings": the batch route's use case. Every listing is screened in-process; the
// benign ones (about 98% of traffic) are stored together with set-based statements in one transaction,
// and the flagged ones go through ingestListing one by one, so they open their cases and start their
// workflows exactly as the single route does. The outcome per listing is what the single route would
// have answered had the listings been sent one after the other, in order:
// - an external id that appears twice in a batch is handled in rounds (its second occurrence after the
//   first), so versioning sees the same sequence as separate requests;
// - a listing that cannot be stored gets its own error, never the others' (if the set-based write fails,
//   its listings are retried one by one);
// - storage respects listing versioning: the database's triggers (0800_listing_versions.sql) number and
//   snapshot versions for multi-row writes as for single ones, and unchanged content keeps its version.
import type { Policy } from '../../detectors/policy/index.ts';
import { screenListing } from '../../detectors/screen.ts';
import type { BenignStorage } from '../../shared/db/platforms.ts';
import { inTransaction, type Queryable } from '../../shared/db/pool.ts';
import type { ListingInput } from '../../shared/listing.ts';
import { log } from '../../shared/logger.ts';
import type { ScreeningDecision } from '../../shared/screening.ts';
import { type LinkingSummary, linkListing } from '../sharing/linking.ts';
import { hashListingContacts } from '../sharing/signals.ts';
import {
  type IngestDeps,
  type IngestResult,
  ingestListing,
  needsDeepScreening,
  refreshCase,
  startDeepScreening,
} from './ingest-listing.ts';
import { recordListingEdit } from './listing-edits.ts';

export const MAX_BATCH_LISTINGS = 1000;

/**
 * How many flagged listings (each its own transaction and workflow start) are stored at once. Most of their
 * time is spent waiting for Temporal to accept the workflow start, so more at once is faster: 16 stored
 * 2%-flagged batches ~23% faster than 4 on the embedded default (`npm run bench:api`).
 */
const FLAGGED_CONCURRENCY = 16;

export type BatchOutcome = { ok: true; result: IngestResult } | { ok: false; error: unknown };

interface Item {
  index: number;
  listing: ListingInput;
  decision: ScreeningDecision;
}

/**
 * Ingests valid listings; answers one outcome per listing, in order. A thrown error is for the whole
 * batch only when the policy cannot be loaded (nothing was stored then).
 */
export async function ingestBatch(
  deps: IngestDeps,
  platformId: string,
  listings: readonly ListingInput[],
  options: {
    /** What the platform keeps of allowed listings (its benign_storage): full rows, or counts only. */
    benignStorage?: BenignStorage;
    /** The listings' decisions, when the caller has just screened them with deps.policy(). */
    screened?: readonly ScreeningDecision[];
  } = {},
): Promise<BatchOutcome[]> {
  const policy = await deps.policy();
  const outcomes: BatchOutcome[] = new Array(listings.length);
  for (const round of rounds(listings)) {
    const items = round.map((index) => {
      const listing = listings[index]!;
      const decision = options.screened?.[index] ?? screenListing(listing, { platformId }, policy);
      return { index, listing, decision };
    });
    const benign = items.filter((i) => i.decision.verdict === 'allow');
    const flagged = items.filter((i) => i.decision.verdict !== 'allow');
    const onePolicy = { ...deps, policy: async (): Promise<Policy> => policy };
    await Promise.all([
      storeBenign(onePolicy, platformId, benign, outcomes, options.benignStorage ?? 'full'),
      mapLimit(flagged, FLAGGED_CONCURRENCY, async (item) => {
        outcomes[item.index] = await single(onePolicy, platformId, item);
      }),
    ]);
  }
  return outcomes;
}

/** Indexes grouped so that no round holds an external id twice; occurrences keep their order. */
function rounds(listings: readonly ListingInput[]): number[][] {
  const seen = new Map<string, number>();
  const out: number[][] = [];
  listings.forEach((l, index) => {
    const n = seen.get(l.externalId) ?? 0;
    seen.set(l.externalId, n + 1);
    if (n === out.length) out.push([]);
    out[n]!.push(index);
  });
  return out;
}

async function single(deps: IngestDeps, platformId: string, item: Item): Promise<BatchOutcome> {
  try {
    return { ok: true, result: await ingestListing(deps, platformId, item.listing, item.decision) };
  } catch (error) {
    return { ok: false, error };
  }
}

async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}

const noLinks = (listingId: string): LinkingSummary => ({
  listingId,
  matches: [],
  lines: [],
  suggestedPriority: null,
});

interface StoredRow {
  item: Item;
  id: string;
  version: number;
  created: boolean;
  changed: boolean;
  editedCase?: string;
  ownCase: string | null;
  sellerLinks: LinkingSummary;
}

async function storeBenign(
  deps: IngestDeps,
  platformId: string,
  all: Item[],
  outcomes: BatchOutcome[],
  benignStorage: BenignStorage,
): Promise<void> {
  const items = benignStorage === 'counters' ? await countNew(deps, platformId, all, outcomes) : all;
  if (items.length === 0) return;
  let rows: StoredRow[];
  try {
    rows = await inTransaction(deps.pool, (tx) => writeBenign(tx, deps, platformId, items));
  } catch (err) {
    // One bad row fails a set-based statement for all; one by one, each listing gets its own outcome.
    log.warn('batch write failed; storing its listings one by one', { error: String(err), n: items.length });
    await mapLimit(items, FLAGGED_CONCURRENCY, async (item) => {
      outcomes[item.index] = await single(deps, platformId, item);
    });
    return;
  }
  // After the commit, as on the single route: refreshed cards read the new version.
  await mapLimit(rows, FLAGGED_CONCURRENCY, async (row) => {
    const { item } = row;
    try {
      if (row.editedCase) await refreshCase(deps.temporal, row.editedCase);
      if (needsDeepScreening(deps, item.listing, item.decision, row.sellerLinks)) {
        await startDeepScreening(deps, platformId, item.listing.externalId, {
          listingId: row.id,
          version: row.version,
          flagged: false,
        });
      }
      outcomes[item.index] = {
        ok: true,
        result: {
          listingId: row.id,
          created: row.created,
          version: row.version,
          stored: 'full',
          caseId: row.ownCase,
          decision: item.decision,
          sellerLinks: row.sellerLinks,
        },
      };
    } catch (error) {
      // Stored, but its deep screening could not start: the platform resends it, as after a single 500.
      outcomes[item.index] = { ok: false, error };
    }
  });
}

/**
 * Counts-only storage: the allowed listings the platform never sent before and that need no deep screening
 * are counted (one statement) and answered as counted; the rest are returned to be stored in full (a known
 * listing keeps its versions and its case, a photo is hashed from its stored row). Seller linking is given
 * up for the counted ones: nothing of them is kept to link.
 */
async function countNew(
  deps: IngestDeps,
  platformId: string,
  items: Item[],
  outcomes: BatchOutcome[],
): Promise<Item[]> {
  const candidates = items.filter((i) => !needsDeepScreening(deps, i.listing, i.decision, noLinks('')));
  if (candidates.length === 0) return items;
  const known = await deps.pool.query<{ external_id: string }>(
    'SELECT external_id FROM listings WHERE platform_id = $1 AND external_id = ANY($2::text[])',
    [platformId, candidates.map((i) => i.listing.externalId)],
  );
  const stored = new Set(known.rows.map((r) => r.external_id));
  const counted = new Set(candidates.filter((i) => !stored.has(i.listing.externalId)));
  if (counted.size === 0) return items;
  try {
    await deps.pool.query(
      `INSERT INTO screened_counts (day, platform_id, language, screened)
       SELECT (now() AT TIME ZONE 'UTC')::date, $1, language, count(*) FROM unnest($2::text[]) AS t(language)
       GROUP BY language
       ON CONFLICT (day, platform_id, language) DO UPDATE SET screened = screened_counts.screened + EXCLUDED.screened`,
      [platformId, [...counted].map((i) => i.listing.language ?? 'und')],
    );
  } catch (error) {
    for (const item of counted) outcomes[item.index] = { ok: false, error };
    return items.filter((i) => !counted.has(i));
  }
  for (const item of counted) {
    outcomes[item.index] = {
      ok: true,
      result: {
        listingId: null,
        created: false,
        version: null,
        stored: 'counted',
        caseId: null,
        decision: item.decision,
        sellerLinks: noLinks(''),
      },
    };
  }
  return items.filter((i) => !counted.has(i));
}

async function writeBenign(
  tx: Queryable,
  deps: IngestDeps,
  platformId: string,
  unsorted: Item[],
): Promise<StoredRow[]> {
  // One lock order (by external id) for every batch, so two overlapping batches cannot deadlock.
  const items = [...unsorted].sort((a, b) =>
    a.listing.externalId < b.listing.externalId ? -1 : a.listing.externalId > b.listing.externalId ? 1 : 0,
  );
  const ls = items.map((i) => i.listing);
  const written = await tx.query<{ id: string; external_id: string; version: number; created: boolean }>(
    `INSERT INTO listings (platform_id, external_id, url, title, description, price, currency, language,
                           seller_id, image_urls, raw)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[],
                              $8::text[], $9::text[], $10::jsonb[], $11::jsonb[])
     ON CONFLICT (platform_id, external_id) DO UPDATE SET
       url = EXCLUDED.url, title = EXCLUDED.title, description = EXCLUDED.description, price = EXCLUDED.price,
       currency = EXCLUDED.currency, language = EXCLUDED.language, seller_id = EXCLUDED.seller_id,
       image_urls = EXCLUDED.image_urls, raw = EXCLUDED.raw, updated_at = now()
     WHERE listings.raw IS DISTINCT FROM EXCLUDED.raw
     RETURNING id, external_id, current_version AS version, (xmax = 0) AS created`,
    [
      platformId,
      ls.map((l) => l.externalId),
      ls.map((l) => l.url ?? null),
      ls.map((l) => l.title),
      ls.map((l) => l.description),
      ls.map((l) => l.price ?? null),
      ls.map((l) => l.currency ?? null),
      ls.map((l) => l.language ?? null),
      ls.map((l) => l.seller?.id ?? null),
      ls.map((l) => JSON.stringify(l.imageUrls)),
      ls.map((l) => JSON.stringify(l)),
    ],
  );
  const byExternal = new Map<string, { id: string; version: number; created: boolean; changed: boolean }>();
  for (const r of written.rows) byExternal.set(r.external_id, { ...r, changed: true });
  const unchanged = ls.filter((l) => !byExternal.has(l.externalId)).map((l) => l.externalId);
  if (unchanged.length) {
    // Same content as the current version: nothing was written (the conflict rows are locked until commit).
    const same = await tx.query<{ id: string; external_id: string; version: number }>(
      `SELECT id, external_id, current_version AS version FROM listings
       WHERE platform_id = $1 AND external_id = ANY($2::text[])`,
      [platformId, unchanged],
    );
    for (const r of same.rows) byExternal.set(r.external_id, { ...r, created: false, changed: false });
  }
  const stored = items.map((item) => ({ item, ...byExternal.get(item.listing.externalId)! }));
  const ids = stored.map((s) => s.id);

  await tx.query(
    `INSERT INTO detections (listing_id, detector, verdict, score, clause, explanation, evidence, listing_version)
     SELECT listing_id, 'screening', verdict, score, clause, explanation, evidence, listing_version
     FROM unnest($1::bigint[], $2::text[], $3::real[], $4::text[], $5::text[], $6::jsonb[], $7::integer[])
       AS d(listing_id, verdict, score, clause, explanation, evidence, listing_version)`,
    [
      ids,
      stored.map((s) => s.item.decision.verdict),
      stored.map((s) => s.item.decision.score),
      stored.map((s) => s.item.decision.clause),
      stored.map((s) => s.item.decision.explanation),
      stored.map((s) => JSON.stringify(s.item.decision.evidence)),
      stored.map((s) => s.version),
    ],
  );

  // Cases of these listings (a benign version of a listing under review still belongs to its case).
  const cases = await tx.query<{ listing_id: string; id: string }>(
    'SELECT listing_id, id FROM cases WHERE listing_id = ANY($1::bigint[])',
    [ids],
  );
  const caseOf = new Map(cases.rows.map((r) => [r.listing_id, r.id]));
  const edited = new Map<string, string | undefined>();
  for (const s of stored) {
    if (s.changed && !s.created && caseOf.has(s.id)) {
      edited.set(
        s.id,
        await recordListingEdit(tx, {
          platformId,
          listingId: s.id,
          version: s.version,
          decision: s.item.decision,
        }),
      );
    }
  }

  // Seller linking: contact ids recorded in one statement; the full link query runs only for listings
  // that share a contact id with any other listing or shared signal, or have stored photos.
  if (deps.coalitionKey) {
    const key = deps.coalitionKey;
    const signals = stored.flatMap((s) =>
      hashListingContacts(key, {
        platformId,
        title: s.item.listing.title,
        description: s.item.listing.description,
        sellerId: s.item.listing.seller?.id,
      }).map((sig) => ({ id: s.id, ...sig })),
    );
    if (signals.length) {
      await tx.query(
        `INSERT INTO listing_contact_signals (listing_id, kind, hash)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
        [signals.map((s) => s.id), signals.map((s) => s.kind), signals.map((s) => s.hash)],
      );
    }
  }
  const candidates = await tx.query<{ id: string }>(
    `SELECT x.id::text AS id FROM unnest($1::bigint[]) AS x(id)
     WHERE EXISTS (SELECT 1 FROM listing_contact_signals m
                   JOIN listing_contact_signals o ON o.hash = m.hash AND o.listing_id <> m.listing_id
                   WHERE m.listing_id = x.id)
        OR EXISTS (SELECT 1 FROM listing_contact_signals m JOIN shared_items si ON si.hash = m.hash
                   WHERE m.listing_id = x.id)
        OR EXISTS (SELECT 1 FROM listing_photo_hashes p WHERE p.listing_id = x.id)`,
    [ids],
  );
  const links = new Map<string, LinkingSummary>();
  for (const { id } of candidates.rows) links.set(id, await linkListing(tx, id));

  return stored.map((s) => ({
    ...s,
    editedCase: edited.get(s.id),
    ownCase: caseOf.get(s.id) ?? null,
    sellerLinks: links.get(s.id) ?? noLinks(s.id),
  }));
}
