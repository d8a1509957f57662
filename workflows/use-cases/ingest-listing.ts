// "Ingest a listing": screen it on the fast path and store listing and decision before acknowledging.
// A flagged listing gets its case row at once; its case workflow starts after deep screening (images,
// LLM triage), which also runs on unflagged listings that carry a risk signal and may open a case.
// The workflow a listing needs is recorded as owed in the transaction that stores it (workflow-starts.ts),
// so a crash or an unreachable Temporal after the commit delays it but never loses it.
// Sending the same external id with new content stores (and screens) a new version; a listing with a
// case keeps the version the case was flagged on, and its reviewers see the edit.
import { randomUUID } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { triageReason } from '../../detectors/llm/index.ts';
import { type Policy, saveStatement, statementOfReasons } from '../../detectors/policy/index.ts';
import { type ScreeningDecision, screenListing } from '../../detectors/screen.ts';
import { appendAudit } from '../../shared/db/audit.ts';
import { caseIdFor, caseOfListing, openCase } from '../../shared/db/cases.ts';
import { insertDetection, upsertListing } from '../../shared/db/listings.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import type { ListingInput } from '../../shared/listing.ts';
import { log } from '../../shared/logger.ts';
import { type CaseInput, caseChangedSignal, type caseWorkflow } from '../case-workflow.ts';
import type { ScreeningInput } from '../screening-workflow.ts';
import type { CoalitionKey } from '../sharing/keyed-hash.ts';
import { type LinkingSummary, recordAndLink } from '../sharing/linking.ts';
import {
  OWN_START_LEASE_MS,
  type OwedStart,
  recordOwedStart,
  type StartDispatcher,
  startOwed,
} from '../workflow-starts.ts';
import { recordListingEdit } from './listing-edits.ts';

export interface IngestDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  /** The active policy with per-platform overrides (cached; an approved change arrives within its TTL). */
  policy(): Promise<Policy>;
  /** Whether LLM triage is configured: only then do weak signals alone justify deep screening. */
  llmTriage?: boolean;
  /** Hashes contact ids so they can be linked with removed listings here and on other platforms. */
  coalitionKey?: CoalitionKey;
  /** Slack ids of the configured reviewers, for cases started here (the role directory adds the rest). */
  reviewers?: string[];
  /**
   * Starts owed workflows in the background. With it, a batch is answered once its listings are committed
   * and its cases' workflows start after the answer; without it (or for a single listing) before.
   */
  starts?: Pick<StartDispatcher, 'poke'>;
}

export interface IngestResult {
  /** The stored listing; null when only counted (a platform storing counts of allowed listings). */
  listingId: string | null;
  created: boolean;
  /** The listing's version now; a resubmission with identical content keeps the version. */
  version: number | null;
  /** Stored in full, or only counted for metrics (migration 0930, a platform's benign_storage). */
  stored: 'full' | 'counted';
  /** The case this listing opened or already has (an edited listing keeps its case), if any. */
  caseId: string | null;
  decision: ScreeningDecision;
  /**
   * The seller's history: contact ids or account seen in removed listings here or on other platforms.
   * Photos are hashed in deep screening, after this answer; a photo link raises the case's priority then.
   */
  sellerLinks: LinkingSummary;
}

export async function ingestListing(
  deps: IngestDeps,
  platformId: string,
  listing: ListingInput,
  /** The fast path's decision when the caller has just screened the listing with deps.policy(). */
  screened?: ScreeningDecision,
  /** Leave the listing's workflow to deps.starts (a batch) instead of starting it before answering. */
  options: { deferStart?: boolean } = {},
): Promise<IngestResult> {
  const deferStart = Boolean(options.deferStart && deps.starts);
  const policy = await deps.policy();
  const decision = screened ?? screenListing(listing, { platformId }, policy);
  const flagged = decision.verdict !== 'allow';
  const caseId = flagged ? caseIdFor(platformId, listing.externalId) : null;

  const stored = await inTransaction(deps.pool, async (tx) => {
    const row = await upsertListing(tx, platformId, listing);
    const detectionId = await insertDetection(tx, row.id, 'screening', decision, row.version);
    const editedCase =
      row.changed && !row.created
        ? await recordListingEdit(tx, { platformId, listingId: row.id, version: row.version, decision })
        : undefined;
    const sellerLinks = await recordAndLink(tx, deps.coalitionKey, row.id, {
      platformId,
      title: listing.title,
      description: listing.description,
      sellerId: listing.seller?.id,
    });
    const priority = sellerLinks.suggestedPriority ?? undefined;
    const opened =
      caseId !== null &&
      (await openCase(tx, {
        id: caseId,
        listingId: row.id,
        verdict: decision.verdict,
        priority,
        listingVersion: row.version,
      }));
    if (caseId && opened) {
      await appendAudit(tx, {
        actor: `platform:${platformId}`,
        action: 'case.opened',
        subjectType: 'case',
        subjectId: caseId,
        details: { externalId: listing.externalId, verdict: decision.verdict, clause: decision.clause },
      });
    }
    if (decision.verdict === 'block') {
      // An automatic block (only where the platform's policy allows it) is a restrictive decision too.
      const statement = statementOfReasons(
        {
          decision,
          platformId,
          listing: {
            externalId: listing.externalId,
            language: listing.language,
            receivedAt: new Date(),
            imageUrls: listing.imageUrls,
          },
          appliedAt: new Date(),
          decidedBy: 'engine',
          source: 'own-initiative',
          puid: `${platformId}:${listing.externalId}:block:${detectionId}`,
        },
        policy,
      );
      if (statement)
        await saveStatement(tx, statement, { platformId, listingId: row.id, policyVersion: policy.version });
    }
    // An allowed version of a listing that has a case still belongs to that case.
    const ownCase = caseId ?? editedCase ?? (await caseOfListing(tx, row.id))?.id ?? null;
    const start = workflowToStart(deps, platformId, listing, decision, {
      listingId: row.id,
      version: row.version,
      newCase: opened ? caseId : null,
      sellerLinks,
    });
    if (start) await recordOwedStart(tx, start, deferStart ? 0 : OWN_START_LEASE_MS);
    return { ...row, sellerLinks, editedCase, ownCase, start };
  });
  // After the commit, so the refreshed card reads the new version.
  if (stored.editedCase) await refreshCase(deps.temporal, stored.editedCase);
  if (stored.start) {
    if (deferStart) deps.starts!.poke();
    else await startOwed(deps.pool, deps.temporal, stored.start);
  }
  return {
    listingId: stored.id,
    created: stored.created,
    version: stored.version,
    stored: 'full',
    caseId: stored.ownCase,
    decision,
    sellerLinks: stored.sellerLinks,
  };
}

/** Flagged listings, sellers with history, photos and (with an LLM) weak signals get the deeper checks. */
export function needsDeepScreening(
  deps: Pick<IngestDeps, 'llmTriage'>,
  listing: ListingInput,
  decision: ScreeningDecision,
  sellerLinks: LinkingSummary,
): boolean {
  const sellerHasHistory = sellerLinks.matches.length > 0;
  return (
    decision.verdict !== 'allow' ||
    sellerHasHistory ||
    listing.imageUrls.length > 0 ||
    (deps.llmTriage === true && triageReason(listing, decision, { sellerHasHistory }) !== null)
  );
}

/** The workflow a listing just stored needs next, if any. */
function workflowToStart(
  deps: IngestDeps,
  platformId: string,
  listing: ListingInput,
  decision: ScreeningDecision,
  stored: { listingId: string; version: number; newCase: string | null; sellerLinks: LinkingSummary },
): OwedStart | undefined {
  // A new case with nothing for deep screening to add (no photos, no LLM) starts its review at once: one
  // workflow instead of a screening workflow that would only start it. Its priority is already stored.
  if (stored.newCase && listing.imageUrls.length === 0 && deps.llmTriage !== true) {
    const input: CaseInput = {
      caseId: stored.newCase,
      platformId,
      externalId: listing.externalId,
      reviewers: deps.reviewers ?? [],
    };
    return {
      workflowType: 'caseWorkflow',
      workflowId: input.caseId,
      taskQueue: deps.taskQueue,
      args: [input],
    };
  }
  // A seller with history gets the deeper checks even when the text alone looks harmless.
  if (needsDeepScreening(deps, listing, decision, stored.sellerLinks)) {
    return deepScreeningStart(deps, platformId, listing.externalId, {
      listingId: stored.listingId,
      version: stored.version,
      flagged: decision.verdict !== 'allow',
    });
  }
  return undefined;
}

export function deepScreeningStart(
  deps: Pick<IngestDeps, 'taskQueue'>,
  platformId: string,
  externalId: string,
  stored: { listingId: string; version: number; flagged: boolean },
): OwedStart {
  const input: ScreeningInput = { platformId, externalId, ...stored };
  return {
    workflowType: 'screeningWorkflow',
    // One run per stored decision. The id must be unique across deployments sharing a Temporal namespace
    // (database ids are not), and a retried request stores a new decision anyway, so it is random.
    workflowId: `screening-${caseIdFor(platformId, externalId)}-${randomUUID()}`,
    taskQueue: deps.taskQueue,
    args: [input],
  };
}

/** Starts the case's review workflow (idempotent: a running one is kept). */
export async function startCaseReview(
  deps: Pick<IngestDeps, 'temporal' | 'taskQueue'>,
  input: CaseInput,
): Promise<void> {
  await deps.temporal.workflow.start<typeof caseWorkflow>('caseWorkflow', {
    workflowId: input.caseId,
    taskQueue: deps.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/**
 * Tells a running case workflow to redraw its card; a finished case has nothing to redraw. The edit is
 * already stored (and in the audit log), and the card is drawn from the database whenever it is next
 * redrawn, so a failed signal is logged rather than failing a request whose retry would change nothing.
 */
export async function refreshCase(temporal: Client, caseId: string): Promise<void> {
  try {
    await temporal.workflow.getHandle(caseId).signal(caseChangedSignal);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError))
      log.warn('could not ask the case to redraw its card after an edit', { caseId, error: String(err) });
  }
}
