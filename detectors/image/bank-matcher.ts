// Matching against the hash banks: an in-memory PdqHashIndex of every enabled item, bank settings
// applied at query time (threshold, quality floor, negative banks), and incremental sync from the
// database change log. Each worker holds one BankMatcher; `sync()` reads only the changes since its last
// call (a small indexed query), so there are no full reloads and no reload storms across workers.
import type { Queryable } from '../../shared/db/pool.ts';
import { type Bank, type BankItem, ITEM_COLUMNS, itemFromRow } from './bank-store.ts';
import { PdqHashIndex } from './hash-index.ts';
import { type Dihedral, pdqToWords } from './pdq.ts';
import { matchVpdq, type VpdqFeature } from './vpdq.ts';

export interface BankMatch {
  bank: string;
  bankKind: 'positive' | 'negative';
  itemId: number;
  pdq: string;
  distance: number;
  /** Which rotation/flip of the query matched ('original' for the picture as posted). */
  variant: Dihedral;
  threshold: number;
  species: string | null;
  product: string | null;
  metadata: Record<string, unknown>;
  /** For a video or animated image: the frame that matched best. */
  frame?: { frameNumber: number; timestamp: number };
  /**
   * For a match with a bank's video entry (vPDQ): the shares of frames found each way. `pdq` is then the
   * entry's first frame hash and `distance` the bank's threshold (vPDQ has no single distance).
   */
  video?: { queryMatchPercent: number; comparedMatchPercent: number; frames: number };
}

export interface BankMatchResult {
  /** Matches in positive banks that stand. */
  matches: BankMatch[];
  /** Positive matches withdrawn because the picture also matched a negative bank. */
  suppressed: BankMatch[];
  /** The negative-bank matches that did the withdrawing. */
  negative: BankMatch[];
  /** Positive matches withdrawn because their bank item is in flood quarantine. */
  quarantined: BankMatch[];
  /** Banks skipped because the query's quality is under their floor. */
  skippedForQuality: string[];
}

export interface MatchQuery {
  /** At least the original; the other variants find rotated or mirrored reposts. */
  hashes: Partial<Record<Dihedral, string>>;
  quality: number;
}

export interface FloodOptions {
  /** More matches than this within windowMs quarantines the item (in this worker). */
  limit: number;
  windowMs: number;
  /** Called once per quarantine, e.g. to disable the item with a reason and alert a lead. */
  onQuarantine?: (event: {
    itemId: number;
    bank: string;
    pdq: string;
    matches: number;
    windowMs: number;
  }) => void;
}

interface IndexedItem {
  bankId: number;
  pdq: string;
  species: string | null;
  product: string | null;
  metadata: Record<string, unknown>;
}

const emptyResult = (): BankMatchResult => ({
  matches: [],
  suppressed: [],
  negative: [],
  quarantined: [],
  skippedForQuality: [],
});

/** The closest match per item, closest first. */
function closestPerItem(list: readonly BankMatch[]): BankMatch[] {
  const best = new Map<number, BankMatch>();
  for (const m of list) {
    const previous = best.get(m.itemId);
    if (!previous || m.distance < previous.distance) best.set(m.itemId, m);
  }
  return [...best.values()].sort((a, b) => a.distance - b.distance || a.itemId - b.itemId);
}

export class BankMatcher {
  readonly index = new PdqHashIndex();
  private readonly items = new Map<number, IndexedItem>();
  /** Video entries (vPDQ) are compared frame set to frame set, as ThreatExchange's brute-force matcher does. */
  private readonly videos = new Map<number, IndexedItem & { frames: VpdqFeature[] }>();
  private banks = new Map<number, Bank>();
  private cursor: string | null = null;
  private syncedAt = 0;

  /**
   * `maxSyncGapMs`: a matcher that has not synced for this long reloads in full instead, because the
   * change log it would need may have been pruned (pruneBankChanges keeps more than this by default).
   */
  constructor(private readonly options: { maxSyncGapMs?: number; flood?: FloodOptions } = {}) {}

  // Flood quarantine: recent match times per item, and the items withdrawn for matching too often.
  private readonly recentHits = new Map<number, number[]>();
  private readonly quarantine = new Set<number>();

  /** Items this worker has put in flood quarantine. */
  get quarantinedItems(): number[] {
    return [...this.quarantine];
  }

  /** Lets a quarantined item match again (a reviewer found its matches genuine). */
  releaseQuarantine(itemId: number): void {
    this.quarantine.delete(itemId);
    this.recentHits.delete(itemId);
  }

  /** Photo and video entries held. */
  get size(): number {
    return this.items.size + this.videos.size;
  }

  /** Loads everything once, then remembers where the change log stands. */
  async load(db: Queryable): Promise<void> {
    // The watermark is taken first: anything committed after it is replayed by the next sync (idempotent).
    this.cursor = await snapshotXmin(db);
    this.syncedAt = Date.now();
    await this.reloadBanks(db);
    const { rows } = await db.query<BankItem>(`SELECT ${ITEM_COLUMNS} FROM image_hash_items WHERE enabled`);
    this.index.clear();
    this.items.clear();
    this.videos.clear();
    for (const row of rows) this.put(itemFromRow(row));
    this.index.compact();
  }

  /**
   * Applies the changes of every transaction that finished since the last call. Reading by
   * transaction id window [previous xmin, current xmin) never skips a transaction that was still open
   * last time, unlike reading by sequence number. Returns how many items and banks changed.
   */
  async sync(db: Queryable): Promise<{ items: number; banks: number }> {
    const maxGap = this.options.maxSyncGapMs ?? 24 * 3600_000;
    if (this.cursor === null || Date.now() - this.syncedAt > maxGap) {
      await this.load(db);
      return { items: this.size, banks: this.banks.size };
    }
    const next = await snapshotXmin(db);
    const { rows } = await db.query<{ item_id: string | null; bank_id: number | null }>(
      `SELECT DISTINCT item_id, bank_id FROM image_hash_changes WHERE xid >= $1::xid8 AND xid < $2::xid8`,
      [this.cursor, next],
    );
    const itemIds = [...new Set(rows.filter((r) => r.item_id !== null).map((r) => Number(r.item_id)))];
    const bankChanges = rows.filter((r) => r.bank_id !== null).length;
    if (bankChanges > 0) await this.reloadBanks(db);
    if (itemIds.length > 0) {
      const { rows: current } = await db.query<BankItem>(
        `SELECT ${ITEM_COLUMNS} FROM image_hash_items WHERE id = ANY($1::bigint[])`,
        [itemIds],
      );
      const byId = new Map(current.map((r) => [r.id, itemFromRow(r)]));
      for (const id of itemIds) {
        const row = byId.get(id);
        if (row?.enabled) this.put(row);
        else this.drop(id);
      }
    }
    this.cursor = next;
    this.syncedAt = Date.now();
    return { items: itemIds.length, banks: bankChanges };
  }

  /** Looks the picture's hashes up in every enabled bank, applying each bank's own rules. */
  match(query: MatchQuery): BankMatchResult {
    const enabled = [...this.banks.values()].filter((b) => b.enabled);
    const result: BankMatchResult = {
      matches: [],
      suppressed: [],
      negative: [],
      quarantined: [],
      skippedForQuality: [],
    };
    if (enabled.length === 0) return result;
    result.skippedForQuality = enabled.filter((b) => query.quality < b.qualityFloor).map((b) => b.name);
    const maxThreshold = Math.max(...enabled.map((b) => b.matchThreshold));
    const best = new Map<number, BankMatch>();
    for (const [variant, hash] of Object.entries(query.hashes) as [Dihedral, string][]) {
      for (const hit of this.index.search(pdqToWords(hash), maxThreshold)) {
        const item = this.items.get(hit.id);
        const bank = item && this.banks.get(item.bankId);
        if (!item || !bank?.enabled) continue;
        if (hit.distance > bank.matchThreshold || query.quality < bank.qualityFloor) continue;
        const previous = best.get(hit.id);
        if (previous && previous.distance <= hit.distance) continue;
        best.set(hit.id, {
          bank: bank.name,
          bankKind: bank.kind,
          itemId: hit.id,
          pdq: item.pdq,
          distance: hit.distance,
          variant,
          threshold: bank.matchThreshold,
          species: item.species,
          product: item.product,
          metadata: item.metadata,
        });
      }
    }
    const all = [...best.values()].sort((a, b) => a.distance - b.distance || a.itemId - b.itemId);
    return this.settle(result, all);
  }

  /**
   * Sorts ordered matches into the result. A negative bank holds known look-alikes (stock photos, legal
   * replicas): a hit there withdraws the positive matches, which stay visible as `suppressed` for reviewers
   * and tuning; a positive item matching too often is quarantined.
   */
  private settle(result: BankMatchResult, all: BankMatch[]): BankMatchResult {
    result.negative = all.filter((m) => m.bankKind === 'negative');
    const positive = all.filter((m) => m.bankKind === 'positive');
    if (result.negative.length > 0) result.suppressed = positive;
    else {
      for (const m of positive) {
        if (this.isFlooding(m)) result.quarantined.push(m);
        else result.matches.push(m);
      }
    }
    return result;
  }

  /**
   * Looks every frame of a video or animated image (its vPDQ) up in the photo banks: a bank photo seen in
   * any frame matches. Each item is reported once, with its closest frame; a frame that also matches a
   * negative bank withdraws that frame's positive matches, as for a still picture.
   */
  matchFrames(frames: readonly VpdqFeature[]): BankMatchResult {
    const merged = emptyResult();
    const seen = new Set<string>();
    for (const f of frames) {
      if (seen.has(f.hash)) continue; // a still scene repeats its hash: look it up once
      seen.add(f.hash);
      const r = this.match({ hashes: { original: f.hash }, quality: f.quality });
      const frame = { frameNumber: f.frameNumber, timestamp: f.timestamp };
      for (const key of ['matches', 'suppressed', 'negative', 'quarantined'] as const) {
        merged[key].push(...r[key].map((m) => ({ ...m, frame })));
      }
    }
    const closest = closestPerItem;
    // An item matched by one frame and withdrawn in another still matched: it stays a match.
    merged.matches = closest(merged.matches);
    const matched = new Set(merged.matches.map((m) => m.itemId));
    merged.suppressed = closest(merged.suppressed).filter((m) => !matched.has(m.itemId));
    merged.negative = closest(merged.negative);
    merged.quarantined = closest(merged.quarantined).filter((m) => !matched.has(m.itemId));
    return merged;
  }

  /**
   * Compares a video's (or animated image's) frames with the banks' video entries by vPDQ's rules, each
   * bank's threshold as the frame distance and its quality floor as the frame quality (ThreatExchange's
   * defaults are 31 and 50, the banks' defaults too). A negative video entry withdraws the positive ones.
   */
  matchVideoEntries(frames: readonly VpdqFeature[]): BankMatchResult {
    const result = emptyResult();
    const all: BankMatch[] = [];
    for (const [itemId, item] of this.videos) {
      const bank = this.banks.get(item.bankId);
      if (!bank?.enabled) continue;
      const m = matchVpdq(frames, item.frames, { distance: bank.matchThreshold, quality: bank.qualityFloor });
      if (!m.isMatch) continue;
      all.push({
        bank: bank.name,
        bankKind: bank.kind,
        itemId,
        pdq: item.pdq,
        distance: bank.matchThreshold,
        variant: 'original',
        threshold: bank.matchThreshold,
        species: item.species,
        product: item.product,
        metadata: item.metadata,
        video: {
          queryMatchPercent: Number(m.queryMatchPercent.toFixed(1)),
          comparedMatchPercent: Number(m.comparedMatchPercent.toFixed(1)),
          frames: item.frames.length,
        },
      });
    }
    // Best-covered first: the entry that accounts for most of the query's frames.
    all.sort((a, b) => b.video!.queryMatchPercent - a.video!.queryMatchPercent || a.itemId - b.itemId);
    return this.settle(result, all);
  }

  /** A video or animated image against everything: photo entries in any frame, and video entries by vPDQ. */
  matchVideo(frames: readonly VpdqFeature[]): BankMatchResult {
    const photos = this.matchFrames(frames);
    const videos = this.matchVideoEntries(frames);
    return {
      matches: [...videos.matches, ...photos.matches],
      suppressed: [...videos.suppressed, ...photos.suppressed],
      negative: [...videos.negative, ...photos.negative],
      quarantined: [...videos.quarantined, ...photos.quarantined],
      skippedForQuality: photos.skippedForQuality,
    };
  }

  // Counts the match; true once the item has matched more than the limit within the window. A shared
  // hash that suddenly matches everything (a logo, a blank template) then stops flagging listings until
  // someone looks, instead of flooding the review queue.
  private isFlooding(m: BankMatch): boolean {
    const flood = this.options.flood;
    if (!flood) return false;
    if (this.quarantine.has(m.itemId)) return true;
    const now = Date.now();
    const hits = (this.recentHits.get(m.itemId) ?? []).filter((t) => now - t < flood.windowMs);
    hits.push(now);
    this.recentHits.set(m.itemId, hits);
    if (hits.length <= flood.limit) return false;
    this.quarantine.add(m.itemId);
    this.recentHits.delete(m.itemId);
    flood.onQuarantine?.({
      itemId: m.itemId,
      bank: m.bank,
      pdq: m.pdq,
      matches: hits.length,
      windowMs: flood.windowMs,
    });
    return true;
  }

  private put(row: BankItem): void {
    // A changed item (e.g. re-enabled by a reviewer) starts afresh.
    this.releaseQuarantine(row.id);
    const common = {
      bankId: row.bankId,
      species: row.species,
      product: row.product,
      metadata: row.metadata,
    };
    if (row.vpdq) {
      this.videos.set(row.id, { ...common, pdq: row.vpdq[0]!.hash, frames: row.vpdq });
      return;
    }
    if (row.pdq === null) return;
    this.index.add(row.id, row.pdq);
    this.items.set(row.id, { ...common, pdq: row.pdq });
  }

  private drop(id: number): void {
    if (this.items.delete(id)) this.index.remove(id);
    this.videos.delete(id);
  }

  private async reloadBanks(db: Queryable): Promise<void> {
    const { rows } = await db.query<Bank>(
      `SELECT id, name, description, kind, match_threshold AS "matchThreshold", quality_floor AS "qualityFloor", enabled
       FROM image_hash_banks`,
    );
    this.banks = new Map(rows.map((b) => [b.id, b]));
  }
}

/** Deletes change-log rows older than `retentionDays` (longer than any matcher's maxSyncGapMs). */
export async function pruneBankChanges(db: Queryable, retentionDays = 7): Promise<number> {
  const { rowCount } = await db.query(
    'DELETE FROM image_hash_changes WHERE at < now() - make_interval(days => $1)',
    [retentionDays],
  );
  return rowCount ?? 0;
}

async function snapshotXmin(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ xmin: string }>(
    'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin',
  );
  return rows[0]!.xmin;
}

export interface BankSyncHandle {
  stop(): void;
}

/**
 * Keeps a matcher current by calling sync() every `intervalMs`, with random jitter so many workers
 * started together do not query in lockstep. Errors are reported and retried at the next tick.
 */
export function startBankSync(
  db: Queryable,
  matcher: BankMatcher,
  options: { intervalMs?: number; jitter?: number; onError?: (err: unknown) => void } = {},
): BankSyncHandle {
  const interval = options.intervalMs ?? 5000;
  const jitter = options.jitter ?? 0.2;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await matcher.sync(db);
    } catch (err) {
      options.onError?.(err);
    }
    if (!stopped) schedule();
  };
  const schedule = () => {
    timer = setTimeout(tick, interval * (1 - jitter + 2 * jitter * Math.random()));
    timer.unref();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
