// A listing that already has a case came back with different content. The case keeps the version it was
// flagged on (a seller cannot launder a listing by editing it under review); the edit is recorded in the
// case's audit trail with a short diff, and the card shows it. A case opened on a volunteer's link held
// only a placeholder: the platform's first real version becomes its basis instead.
import type { ScreeningDecision } from '../../detectors/screen.ts';
import { appendAudit } from '../../shared/db/audit.ts';
import { adoptVersionIfPlaceholder, caseOfListing } from '../../shared/db/cases.ts';
import { listingVersions } from '../../shared/db/listings.ts';
import type { Queryable } from '../../shared/db/pool.ts';
import { listingChanges } from '../../shared/listing-diff.ts';

/** Records a new version against the listing's case; returns the case whose card must be refreshed. */
export async function recordListingEdit(
  tx: Queryable,
  e: {
    platformId: string;
    listingId: string;
    version: number;
    decision: Pick<ScreeningDecision, 'verdict' | 'clause'>;
  },
): Promise<string | undefined> {
  const c = await caseOfListing(tx, e.listingId);
  if (!c || c.listingVersion >= e.version) return undefined;
  const actor = `platform:${e.platformId}`;
  if (await adoptVersionIfPlaceholder(tx, c.id, e.version)) {
    await appendAudit(tx, {
      actor,
      action: 'case.listing_received',
      subjectType: 'case',
      subjectId: c.id,
      details: { version: e.version, verdict: e.decision.verdict },
    });
    return c.id;
  }
  const versions = await listingVersions(tx, e.listingId);
  const flagged = versions.find((v) => v.version === c.listingVersion);
  const edited = versions.find((v) => v.version === e.version);
  if (!flagged || !edited)
    throw new Error(`listing ${e.listingId} lacks version ${c.listingVersion} or ${e.version}`);
  await appendAudit(tx, {
    actor,
    action: 'listing.edited',
    subjectType: 'case',
    subjectId: c.id,
    details: {
      flaggedVersion: c.listingVersion,
      version: e.version,
      caseStatus: c.status,
      changes: listingChanges(flagged, edited),
      verdict: e.decision.verdict,
      clause: e.decision.clause,
    },
  });
  return c.id;
}
