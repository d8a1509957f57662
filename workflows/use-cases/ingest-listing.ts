// "Ingest a listing": screen it on the fast path, store listing and decision before acknowledging, and
// open (or join) the listing's case workflow when it is flagged.
import type { Client } from '@temporalio/client';
import type { Policy } from '../../detectors/policy/index.ts';
import { type ScreeningDecision, screenListing } from '../../detectors/screen.ts';
import { appendAudit } from '../../shared/db/audit.ts';
import { caseIdFor, openCase } from '../../shared/db/cases.ts';
import { insertDetection, upsertListing } from '../../shared/db/listings.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import type { ListingInput } from '../../shared/listing.ts';
import type { CaseInput, caseWorkflow } from '../case-workflow.ts';

export interface IngestDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  reviewers: string[];
  /** The active policy with per-platform overrides (cached; an approved change arrives within its TTL). */
  policy(): Promise<Policy>;
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
    await insertDetection(tx, row.id, 'screening', decision);
    if (caseId && (await openCase(tx, { id: caseId, listingId: row.id, verdict: decision.verdict }))) {
      await appendAudit(tx, {
        actor: `platform:${platformId}`,
        action: 'case.opened',
        subjectType: 'case',
        subjectId: caseId,
        details: { externalId: listing.externalId, verdict: decision.verdict, clause: decision.clause },
      });
    }
    return row;
  });

  if (caseId) {
    const input: CaseInput = {
      caseId,
      platformId,
      externalId: listing.externalId,
      reviewers: deps.reviewers,
    };
    // A duplicate ingest joins the running case instead of starting a second one.
    await deps.temporal.workflow.start<typeof caseWorkflow>('caseWorkflow', {
      workflowId: caseId,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }
  return { listingId: stored.id, created: stored.created, caseId, decision };
}
