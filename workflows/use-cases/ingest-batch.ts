// "Ingest a batch of listings": the batch route's use case. Every listing is screened in-process; the
// benign ones (about 98% of traffic) are stored together by one call of ingest_benign_listings (migration
// 0950: one round trip, its own transaction; seller linking reads after it, only where it can link), and
// the flagged ones go through ingestListing one by one, so they open their cases exactly as the single
// route does. The batch route leaves the workflows its listings need (case reviews, deep screening of
// photos) to the outbox of workflow starts and answers once they are recorded; the single route, which
// stores its listings here too, starts them before answering. The outcome per listing is what the single
// route would have answered had the listings been sent one after the other, in order:
// - an external id that appears twice in a batch is handled in rounds (its second occurrence after the
//   first), so versioning sees the same sequence as separate requests;
// - a listing that cannot be stored gets its own error, never the others' (if the set-based write fails,
//   its listings are retried one by one);
// - storage respects listing versioning: the database's triggers (0800_listing_versions.sql) number and
//   snapshot versions for multi-row writes as for single ones, and unchanged content keeps its version.
import type { Policy } from '../../detectors/policy/index.ts';
import { screenListing } from '../../detectors/screen.ts';
import { forEachLimit } from '../../shared/concurrency.ts';
import type { BenignStorage } from '../../shared/db/platforms.ts';
import { inTransaction } from '../../shared/db/pool.ts';
import type { ListingInput } from '../../shared/listing.ts';
import { log } from '../../shared/logger.ts';
import type { ScreeningDecision } from '../../shared/screening.ts';
import { type LinkingSummary, linkListing } from '../sharing/linking.ts';
import { hashListingContacts } from '../sharing/signals.ts';
import { type OwedStart, recordOwedStarts } from '../workflow-starts.ts';
import {
  deepScreeningStart,
  type IngestDeps,
  type IngestResult,
  ingestListing,
  needsDeepScreening,
  refreshCase,
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
    /** Answer once cases are committed; their workflows start after, from deps.starts (the batch route). */
    deferStarts?: boolean;
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
      storeBenign(
        onePolicy,
        platformId,
        benign,
        outcomes,
        options.benignStorage ?? 'full',
        options.deferStarts ?? false,
      ),
      forEachLimit(flagged, FLAGGED_CONCURRENCY, async (item) => {
        outcomes[item.index] = await single(onePolicy, platformId, item, options.deferStarts);
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

async function single(
  deps: IngestDeps,
  platformId: string,
  item: Item,
  deferStart = false,
): Promise<BatchOutcome> {
  try {
    return {
      ok: true,
      result: await ingestListing(deps, platformId, item.listing, item.decision, { deferStart }),
    };
  } catch (error) {
    return { ok: false, error };
  }
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
  /** The case whose card must be redrawn: this listing's, when the edit was recorded against it. */
  editedCase?: string;
  ownCase: string | null;
  /** Whether seller linking can find anything (linkListing, after the commit, says what). */
  linkCandidate: boolean;
}

async function storeBenign(
  deps: IngestDeps,
  platformId: string,
  all: Item[],
  outcomes: BatchOutcome[],
  benignStorage: BenignStorage,
  deferStarts: boolean,
): Promise<void> {
  const items = benignStorage === 'counters' ? await countNew(deps, platformId, all, outcomes) : all;
  if (items.length === 0) return;
  let rows: StoredRow[];
  try {
    rows = await writeBenign(deps, platformId, items);
  } catch (err) {
    // One bad row fails a set-based statement for all; one by one, each listing gets its own outcome.
    log.warn('batch write failed; storing its listings one by one', { error: String(err), n: items.length });
    await forEachLimit(items, FLAGGED_CONCURRENCY, async (item) => {
      outcomes[item.index] = await single(deps, platformId, item);
    });
    return;
  }
  // After the commit, as on the single route: refreshed cards read the new version.
  const screenings: { item: Item; start: OwedStart }[] = [];
  await forEachLimit(rows, FLAGGED_CONCURRENCY, async (row) => {
    const { item } = row;
    try {
      if (row.editedCase) await refreshCase(deps.temporal, row.editedCase);
      const sellerLinks = row.linkCandidate ? await linkListing(deps.pool, row.id) : noLinks(row.id);
      if (needsDeepScreening(deps, item.listing, item.decision, sellerLinks)) {
        screenings.push({
          item,
          start: deepScreeningStart(deps, platformId, item.listing.externalId, {
            listingId: row.id,
            version: row.version,
            flagged: false,
          }),
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
          sellerLinks,
        },
      };
    } catch (error) {
      outcomes[item.index] = { ok: false, error };
    }
  });
  await startScreenings(deps, screenings, outcomes, deferStarts);
}

/**
 * Deep screening of stored allowed listings (photos, a seller with history): recorded as owed for the
 * dispatcher in one statement (a batch), or started one by one before the answer. A listing whose
 * screening could neither be recorded nor started gets an error: the platform resends it, as after a 500.
 */
async function startScreenings(
  deps: IngestDeps,
  screenings: readonly { item: Item; start: OwedStart }[],
  outcomes: BatchOutcome[],
  deferStarts: boolean,
): Promise<void> {
  if (screenings.length === 0) return;
  if (deferStarts && deps.starts) {
    try {
      await recordOwedStarts(
        deps.pool,
        screenings.map((s) => s.start),
        0,
      );
      deps.starts.poke();
    } catch (error) {
      for (const { item } of screenings) outcomes[item.index] = { ok: false, error };
    }
    return;
  }
  await forEachLimit(screenings, FLAGGED_CONCURRENCY, async ({ item, start }) => {
    try {
      const { workflowType, ...options } = start;
      await deps.temporal.workflow.start(workflowType, options);
    } catch (error) {
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

/** SQLSTATE of ingest_benign_listings (migration 0950) when a changed listing in the group has a case. */
const EDIT_OF_LISTING_WITH_CASE = 'WS001';

/**
 * Stores allowed listings with one call of ingest_benign_listings, which is its own transaction. A group
 * holding the edit of a listing under review is written again inside a transaction that records the edit
 * against the case (rare: most allowed listings have no case).
 */
async function writeBenign(deps: IngestDeps, platformId: string, unsorted: Item[]): Promise<StoredRow[]> {
  // One lock order (by external id) for every group, so two overlapping groups cannot deadlock.
  const items = [...unsorted].sort((a, b) =>
    a.listing.externalId < b.listing.externalId ? -1 : a.listing.externalId > b.listing.externalId ? 1 : 0,
  );
  const params = groupWriteParams(deps, platformId, items);
  try {
    return storedRows(items, (await deps.pool.query<GroupWriteRow>(GROUP_WRITE, [...params, false])).rows);
  } catch (err) {
    if ((err as { code?: string }).code !== EDIT_OF_LISTING_WITH_CASE) throw err;
  }
  return inTransaction(deps.pool, async (tx) => {
    const rows = storedRows(items, (await tx.query<GroupWriteRow>(GROUP_WRITE, [...params, true])).rows);
    for (const row of rows) {
      if (row.changed && !row.created && row.ownCase) {
        row.editedCase = await recordListingEdit(tx, {
          platformId,
          listingId: row.id,
          version: row.version,
          decision: row.item.decision,
        });
      }
    }
    return rows;
  });
}

const GROUP_WRITE = `SELECT * FROM ingest_benign_listings(${Array.from({ length: 20 }, (_, i) => `$${i + 1}`).join(', ')})`;

interface GroupWriteRow {
  r_external_id: string;
  r_id: string;
  r_version: number;
  r_created: boolean;
  r_changed: boolean;
  r_case_id: string | null;
  r_link_candidate: boolean;
}

/** The function's parameters but the last (whether edits are allowed), in its order. */
function groupWriteParams(deps: IngestDeps, platformId: string, items: Item[]): unknown[] {
  const ls = items.map((i) => i.listing);
  // Hashed contact ids (with a coalition key), for seller linking.
  const signals = deps.coalitionKey
    ? items.flatMap((i) =>
        hashListingContacts(deps.coalitionKey!, {
          platformId,
          title: i.listing.title,
          description: i.listing.description,
          sellerId: i.listing.seller?.id,
        }).map((sig) => ({ externalId: i.listing.externalId, ...sig })),
      )
    : [];
  return [
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
    items.map((i) => i.decision.verdict),
    items.map((i) => i.decision.score),
    items.map((i) => i.decision.clause),
    items.map((i) => i.decision.explanation),
    items.map((i) => JSON.stringify(i.decision.evidence)),
    signals.map((s) => s.externalId),
    signals.map((s) => s.kind),
    signals.map((s) => s.hash),
  ];
}

function storedRows(items: Item[], rows: GroupWriteRow[]): StoredRow[] {
  const byExternal = new Map(rows.map((r) => [r.r_external_id, r]));
  return items.map((item) => {
    const r = byExternal.get(item.listing.externalId)!;
    return {
      item,
      id: r.r_id,
      version: r.r_version,
      created: r.r_created,
      changed: r.r_changed,
      ownCase: r.r_case_id,
      linkCandidate: r.r_link_candidate,
    };
  });
}
