// "Ingest a listing": screen it on the fast path and store listing and decision before acknowledging.
// A flagged listing gets its case row at once; its case workflow starts after deep screening (images,
// LLM triage), which also runs on unflagged listings that carry a risk signal and may open a case.
import type { Client } from '@temporalio/client';
import { triageReason } from '../../detectors/llm/index.ts';
import type { Policy } from '../../detectors/policy/index.ts';
import { type ScreeningDecision, screenListing } from '../../detectors/screen.ts';
import { appendAudit } from '../../shared/db/audit.ts';
import { caseIdFor, openCase } from '../../shared/db/cases.ts';
import { insertDetection, upsertListing } from '../../shared/db/listings.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import type { ListingInput } from '../../shared/listing.ts';
import type { ScreeningInput, screeningWorkflow } from '../screening-workflow.ts';

export interface IngestDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  /** The active policy with per-platform overrides (cached; an approved change arrives within its TTL). */
  policy(): Promise<Policy>;
  /** Whether LLM triage is configured: only then do weak signals alone justify deep screening. */
  llmTriage?: boolean;
}

export interface IngestResult {
  listingId: string;
  created: boolean;
  caseId: string | null;
  decision: ScreeningDecision;
}

export async function ingestListing(
  deps: IngestDeps,
  platformId: string,
  listing: ListingInput,
): Promise<IngestResult> {
  const decision = screenListing(listing, { platformId }, await deps.policy());
  const flagged = decision.verdict !== 'allow';
  const caseId = flagged ? caseIdFor(platformId, listing.externalId) : null;

  const stored = await inTransaction(deps.pool, async (tx) => {
    const row = await upsertListing(tx, platformId, listing);
    const detectionId = await insertDetection(tx, row.id, 'screening', decision);
    if (caseId && (await openCase(tx, { id: caseId, listingId: row.id, verdict: decision.verdict }))) {
      await appendAudit(tx, {
        actor: `platform:${platformId}`,
        action: 'case.opened',
        subjectType: 'case',
        subjectId: caseId,
        details: { externalId: listing.externalId, verdict: decision.verdict, clause: decision.clause },
      });
    }
    return { ...row, detectionId };
  });

  const deepScreening =
    flagged || listing.imageUrls.length > 0 || (deps.llmTriage && triageReason(listing, decision) !== null);
  if (deepScreening) {
    const input: ScreeningInput = {
      listingId: stored.id,
      platformId,
      externalId: listing.externalId,
      flagged,
    };
    // One run per stored decision: each new version of the listing is screened again.
    await deps.temporal.workflow.start<typeof screeningWorkflow>('screeningWorkflow', {
      workflowId: `screening-${stored.detectionId}`,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }
  return { listingId: stored.id, created: stored.created, caseId, decision };
}
