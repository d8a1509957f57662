// Single listings under load, stored the way the batch route stores them (group commit). A benign listing
// that arrives while a write is in flight waits for it to finish and is then written with every other
// listing that waited, in one set-based write (ingest-batch.ts); on a quiet system a lone listing is
// written at once. Each caller still gets its answer only after its own listing is committed, and its own
// error if its listing alone fails. Flagged listings (about 2%) open their cases on the single path at once.
import { screenListing } from '../../detectors/screen.ts';
import type { Platform } from '../../shared/db/platforms.ts';
import type { ListingInput } from '../../shared/listing.ts';
import type { ScreeningDecision } from '../../shared/screening.ts';
import { ingestBatch } from './ingest-batch.ts';
import { type IngestDeps, type IngestResult, ingestListing } from './ingest-listing.ts';

type Sender = Pick<Platform, 'id' | 'benignStorage'>;
export type IngestOne = (platform: Sender, listing: ListingInput) => Promise<IngestResult>;

interface Waiting {
  listing: ListingInput;
  decision: ScreeningDecision;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

export interface GroupedIngestOptions {
  /** Group writes running at once: the rest of the pool stays free for flagged listings and reads. */
  maxInFlight?: number;
  /**
   * A write beyond the first starts only once the newest one has run this long (it may be waiting on a
   * lock). Until then listings keep gathering: one write at a time makes the largest groups, and measured
   * ~15% more listings/s than two (`npm run bench:api`).
   */
  stallMs?: number;
  /** Listings per group write. */
  maxGroup?: number;
}

export function groupedIngest(deps: IngestDeps, opts: GroupedIngestOptions = {}): IngestOne {
  const maxInFlight = opts.maxInFlight ?? 2;
  const maxGroup = opts.maxGroup ?? 250;
  const stallMs = opts.stallMs ?? 20;
  /**
   * Waiting listings per platform (and its storage choice, which may change meanwhile), platforms in turn:
   * a group holds one platform's listings.
   */
  const waiting = new Map<string, { platform: Sender; queue: Waiting[] }>();
  let inFlight = 0;
  /** When the newest write started, and whether a timer looks again once it may have stalled. */
  let lastStart = 0;
  let stallCheck = false;

  async function write(platform: Sender, group: Waiting[]): Promise<void> {
    try {
      const outcomes = await ingestBatch(
        deps,
        platform.id,
        group.map((w) => w.listing),
        { benignStorage: platform.benignStorage, screened: group.map((w) => w.decision) },
      );
      outcomes.forEach((o, i) => {
        if (o.ok) group[i]!.resolve(o.result);
        else group[i]!.reject(o.error);
      });
    } catch (err) {
      for (const w of group) w.reject(err);
    }
  }

  function pump(): void {
    while (inFlight < maxInFlight) {
      const next = waiting.entries().next();
      if (next.done) return;
      const running = performance.now() - lastStart;
      if (inFlight > 0 && running < stallMs) {
        if (!stallCheck) {
          stallCheck = true;
          setTimeout(() => {
            stallCheck = false;
            pump();
          }, stallMs - running);
        }
        return;
      }
      lastStart = performance.now();
      const [key, { platform, queue }] = next.value;
      const group = queue.splice(0, maxGroup);
      waiting.delete(key);
      if (queue.length > 0) waiting.set(key, { platform, queue }); // to the back: the next platform goes first
      inFlight += 1;
      void write(platform, group).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  return async (platform, listing) => {
    const decision = screenListing(listing, { platformId: platform.id }, await deps.policy());
    if (decision.verdict !== 'allow') return ingestListing(deps, platform.id, listing, decision);
    return new Promise<IngestResult>((resolve, reject) => {
      const key = `${platform.benignStorage}:${platform.id}`;
      const entry = waiting.get(key);
      if (entry) entry.queue.push({ listing, decision, resolve, reject });
      else waiting.set(key, { platform, queue: [{ listing, decision, resolve, reject }] });
      pump();
    });
  };
}
