// A case as every front end shows it: the stored case with the seller's history from shared signals.
import { type CaseView, getCaseView } from '../../shared/db/cases.ts';
import type { Queryable } from '../../shared/db/pool.ts';
import { linkListing } from '../sharing/linking.ts';

export type { CaseView };

export function loadCaseView(db: Queryable, caseId: string): Promise<CaseView | undefined> {
  return getCaseView(db, caseId, linkListing);
}
