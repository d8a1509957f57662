// Activities of deep screening: run the heavy detectors on one stored listing, store what they add,
// and open (or join) the listing's case.
import type { Client } from '@temporalio/client';
import type { ImageAnalysisDeps } from '../../detectors/image/index.ts';
import { analyseListingImages } from '../../detectors/image/index.ts';
import { type LlmTriage, triageReason } from '../../detectors/llm/index.ts';
import type { Policy } from '../../detectors/policy/index.ts';
import { type ScreeningDecision, screenListing } from '../../detectors/screen.ts';
import { appendAudit } from '../../shared/db/audit.ts';
import { caseIdFor, openCase, raiseOpenCasePriority } from '../../shared/db/cases.ts';
import { insertDetection } from '../../shared/db/listings.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import { type ListingInput, listingInputSchema } from '../../shared/listing.ts';
import { type CaseInput, type caseWorkflow, priorityRaisedSignal } from '../case-workflow.ts';
import { linkListing } from '../sharing/linking.ts';
import { recordListingPhotos } from '../sharing/photos.ts';
import { startCaseReview } from '../use-cases/ingest-listing.ts';

export interface ScreeningActivityDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  reviewers: string[];
  policy(): Promise<Policy>;
  /** Image detectors; without them images are not analysed. */
  images?: ImageAnalysisDeps;
  /** LLM triage; undefined unless LLM_BASE_URL is set. */
  triage?: LlmTriage;
}

/** The version to screen, as received (by default the current one): a later edit must not replace it. */
async function loadListing(
  pool: Pool,
  listingId: string,
  version: number | undefined,
): Promise<ListingInput & { caseOpen: boolean; version: number }> {
  const { rows } = await pool.query<{ raw: unknown; version: number; case_id: string | null }>(
    `SELECT v.raw, v.version, c.id AS case_id FROM listings l
     JOIN listing_versions v ON v.listing_id = l.id AND v.version = coalesce($2, l.current_version)
     LEFT JOIN cases c ON c.listing_id = l.id WHERE l.id = $1`,
    [listingId, version ?? null],
  );
  if (!rows[0]) throw new Error(`listing ${listingId} (version ${version ?? 'current'}) not found`);
  // The raw listing was validated with this schema at ingest; parsing again restores defaults and types.
  return {
    ...listingInputSchema.parse(rows[0].raw),
    caseOpen: rows[0].case_id !== null,
    version: rows[0].version,
  };
}

export function createScreeningActivities(deps: ScreeningActivityDeps) {
  return {
    async deepScreen({
      listingId,
      platformId,
      version,
    }: {
      listingId: string;
      platformId: string;
      version?: number | undefined;
    }): Promise<{
      verdict: ScreeningDecision['verdict'];
    }> {
      const listing = await loadListing(deps.pool, listingId, version);
      const policy = await deps.policy();
      const images =
        deps.images && listing.imageUrls.length > 0
          ? await analyseListingImages(listing.imageUrls, { ...deps.images, language: listing.language })
          : undefined;
      // Stored for every analysed listing: if it is removed later, its photos link the seller's next listing.
      if (images) await recordListingPhotos(deps.pool, listingId, images.images);
      let decision = screenListing(listing, { platformId, signals: images?.signals ?? [] }, policy);
      if (deps.triage && triageReason(listing, decision, { isCase: listing.caseOpen }) !== null) {
        decision = await deps.triage.triage(listing, decision, { platformId });
      }
      const imageEvidence = images?.evidence ?? [];
      if (imageEvidence.length > 0 || decision.triage) {
        await insertDetection(
          deps.pool,
          listingId,
          'deep-screening',
          {
            ...decision,
            evidence: [...decision.evidence, ...imageEvidence.map((e) => ({ detector: 'image', ...e }))],
          },
          listing.version,
        );
      }
      return { verdict: decision.verdict };
    },

    /**
     * Opens the case row if the fast path did not, then starts or joins the case workflow. Links are
     * computed again here because deep screening stored the listing's photos after ingest linked it: a
     * photo seen in removed listings raises the priority (of a new case, or of one the fast path opened)
     * before the case workflow reads it for its deadline and first card.
     */
    async startCase(input: {
      listingId: string;
      platformId: string;
      externalId: string;
      /** The version deep screening flagged: a case it opens is decided on that version. */
      version?: number | undefined;
    }): Promise<string> {
      const caseId = caseIdFor(input.platformId, input.externalId);
      const raised = await inTransaction(deps.pool, async (tx) => {
        // Photo links are stored as they are found, for the re-listing metric.
        const links = await linkListing(tx, input.listingId, { recordPhotoLinks: true });
        const priority = links.suggestedPriority ?? undefined;
        const opened = await openCase(tx, {
          id: caseId,
          listingId: input.listingId,
          verdict: 'review',
          priority,
          ...(input.version !== undefined ? { listingVersion: input.version } : {}),
        });
        if (opened) {
          await appendAudit(tx, {
            actor: 'system:deep-screening',
            action: 'case.opened',
            subjectType: 'case',
            subjectId: caseId,
            details: { externalId: input.externalId, ...(priority ? { priority, links: links.lines } : {}) },
          });
        } else if (priority && (await raiseOpenCasePriority(tx, caseId, priority))) {
          await appendAudit(tx, {
            actor: 'system:deep-screening',
            action: 'case.priority_raised',
            subjectType: 'case',
            subjectId: caseId,
            details: { priority, links: links.lines },
          });
          return priority;
        }
        return undefined;
      });
      const caseInput: CaseInput = {
        caseId,
        platformId: input.platformId,
        externalId: input.externalId,
        reviewers: deps.reviewers,
      };
      if (raised) {
        // The case may be under review already (a volunteer's report, an earlier version of the listing):
        // tell it, so its deadline moves forward. A workflow not yet running reads the stored priority.
        await deps.temporal.workflow.signalWithStart<typeof caseWorkflow, [{ priority: number }]>(
          'caseWorkflow',
          {
            workflowId: caseId,
            taskQueue: deps.taskQueue,
            args: [caseInput],
            signal: priorityRaisedSignal,
            signalArgs: [{ priority: raised }],
          },
        );
      } else {
        await startCaseReview(deps, caseInput);
      }
      return caseId;
    },
  };
}

export type ScreeningActivities = ReturnType<typeof createScreeningActivities>;
