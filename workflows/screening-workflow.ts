// Deep screening: the heavy detectors (image banks, OCR, classifier, LLM triage) run here, off the fast
// ingest path, on listings that were flagged or carry a risk signal. They can only add evidence; when the
// listing then needs review its case workflow starts, so the first card already shows everything found.
import { proxyActivities } from '@temporalio/workflow';
import type { ScreeningActivities } from './activities/screening-activities.ts';

export interface ScreeningInput {
  listingId: string;
  platformId: string;
  externalId: string;
  /** The version to screen (a listing sent again with new content is screened again); default current. */
  version?: number;
  /** Whether the fast path already opened a case for this listing. */
  flagged: boolean;
}

// Model calls and image fetches have their own timeouts and retries inside; an activity that still fails
// is retried a few times, then the case opens on the fast path's evidence alone.
const heavy = proxyActivities<ScreeningActivities>({
  startToCloseTimeout: '3 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});
const light = proxyActivities<ScreeningActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function screeningWorkflow(
  input: ScreeningInput,
): Promise<{ verdict: string; caseId: string | null }> {
  let verdict: string = input.flagged ? 'review' : 'allow';
  try {
    verdict = (
      await heavy.deepScreen({
        listingId: input.listingId,
        platformId: input.platformId,
        version: input.version,
      })
    ).verdict;
  } catch {
    // The fast path's decision stands; a flagged listing still gets its case below.
  }
  if (verdict === 'allow' && !input.flagged) return { verdict, caseId: null };
  const caseId = await light.startCase({
    listingId: input.listingId,
    platformId: input.platformId,
    externalId: input.externalId,
    version: input.version,
  });
  return { verdict, caseId };
}
