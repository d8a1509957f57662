// "Report a listing": a volunteer's link becomes a report attached to the listing's case. The report row
// is stored first; then signal-with-start attaches it to the case workflow, so the same link from many
// volunteers makes one case and every report is recorded. A decided case answers at once instead.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { appendAudit } from '../../shared/db/audit.ts';
import { caseIdFor, openCase } from '../../shared/db/cases.ts';
import { inTransaction, type Pool, type Queryable } from '../../shared/db/pool.ts';
import {
  attachDraftPhotos,
  ensureReportedListing,
  findListingByUrl,
  findPlatformByListingHost,
  findPlatformDomain,
  findReport,
  insertPhoto,
  insertReport,
  type PlatformDomain,
  type ReportOutcome,
  raiseCasePriority,
} from '../../shared/db/reports.ts';
import { volunteerStats } from '../../shared/db/volunteers.ts';
import { isSafeText, safeString, safeText } from '../../shared/text.ts';
import {
  type CaseInput,
  type caseWorkflow,
  type VolunteerReportSignal,
  volunteerReportSignal,
} from '../case-workflow.ts';
import { photoPdq, volunteerPhotoSchema } from './photo-hash.ts';

export interface ReportListingDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  /** Reviewers allowed to decide a case this report opens. */
  reviewers: string[];
}

export const MAX_NOTE_LENGTH = 1000;
/** Longer is no listing's address; the dialog and the report store at most this. */
export const MAX_LINK_LENGTH = 2000;
export const MAX_SPECIES_LENGTH = 100;
/** Photos one report keeps. */
export const MAX_REPORT_PHOTOS = 5;
/** A volunteer with at least this many decided reports at this accuracy raises a case's priority. */
export const STRONG_RECORD = { minDecided: 10, minAccuracy: 0.9 } as const;
/** Priority given to cases reported by a strong volunteer (lower is more urgent; the default is 2). */
export const STRONG_REPORTER_PRIORITY = 1;

export const reportInputSchema = z.object({
  volunteerId: z.string().regex(/^\d+$/),
  url: safeString().trim().min(1).max(2000),
  species: safeText().trim().max(MAX_SPECIES_LENGTH).nullable(),
  note: safeText().trim().max(MAX_NOTE_LENGTH).nullable(),
  /** Photos sent with the report itself (Discord's attachments); Telegram's come as drafts, one by one. */
  photos: z.array(volunteerPhotoSchema).max(MAX_REPORT_PHOTOS).default([]),
});
export type ReportListingInput = z.input<typeof reportInputSchema>;

export type RecognizedLink =
  | { ok: true; url: string; host: string; platformId: string; externalId: string }
  | { ok: false; reason: 'invalid_link' }
  | { ok: false; reason: 'unknown_platform'; domain: string }
  /** The platform's listings have ids in their links, and this link has none (a home or search page). */
  | { ok: false; reason: 'not_a_listing'; domain: string };

export type ReportListingResult =
  | { kind: 'recorded'; reportId: string; caseId: string; photos: number; priorityRaised: boolean }
  | { kind: 'duplicate'; reportId: string; caseId: string }
  | { kind: 'already_decided'; reportId: string; caseId: string; outcome: ReportOutcome }
  | { kind: 'invalid_link' }
  | { kind: 'unknown_platform'; domain: string }
  /** A field holds text that cannot be stored (NUL, a lone surrogate, control characters, too long). */
  | { kind: 'invalid_text'; field: string }
  | { kind: 'not_a_listing'; domain: string };

const httpUrl = z.url({ protocol: /^https?$/, hostname: z.regexes.domain });

/** Canonical form of a listing link: lower-case host, no fragment, no trailing slash, no default port. */
export function normalizeListingUrl(raw: string): URL | undefined {
  const trimmed = raw.trim();
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  if (!httpUrl.safeParse(candidate).success) return undefined;
  const url = new URL(candidate);
  if (url.username || url.password) return undefined;
  url.hash = '';
  if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/** Checks a link and finds its platform and the listing's id there. */
export async function recognizeLink(db: Queryable, raw: string): Promise<RecognizedLink> {
  const url = normalizeListingUrl(raw);
  if (!url) return { ok: false, reason: 'invalid_link' };
  const host = url.hostname;
  const domain = (await findPlatformDomain(db, host)) ?? (await domainFromListings(db, host));
  if (!domain) return { ok: false, reason: 'unknown_platform', domain: host.replace(/^www\./, '') };
  const href = url.toString();
  const known = await findListingByUrl(db, domain.platformId, href);
  let externalId = known?.externalId;
  if (!externalId && domain.externalIdPattern) {
    const match = new RegExp(domain.externalIdPattern).exec(`${url.pathname}${url.search}`);
    if (match?.[1]) {
      const decoded = decodeLinkPart(match[1]);
      if (decoded === undefined) return { ok: false, reason: 'invalid_link' };
      externalId = decoded;
    }
    // Without an id this is not one listing: a case for the whole site would be wrong and untakeable.
    if (!externalId) return { ok: false, reason: 'not_a_listing', domain: host.replace(/^www\./, '') };
  }
  return {
    ok: true,
    url: href,
    host,
    platformId: domain.platformId,
    externalId: externalId ?? `${host}${url.pathname}${url.search}`,
  };
}

/** A percent-encoded part of a volunteer's link, or undefined when it is malformed or unsafe. */
function decodeLinkPart(part: string): string | undefined {
  try {
    const decoded = decodeURIComponent(part);
    return isSafeText(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

async function domainFromListings(db: Queryable, host: string): Promise<PlatformDomain | undefined> {
  const platformId = await findPlatformByListingHost(db, host);
  return platformId ? { domain: host, platformId, externalIdPattern: null } : undefined;
}

function knownOutcome(status: string): ReportOutcome | undefined {
  if (status === 'approved' || status === 'taken_down' || status === 'takedown_failed') return 'confirmed';
  if (status === 'rejected' || status === 'restored') return 'rejected';
  return undefined;
}

export async function hasStrongRecord(db: Queryable, volunteerId: string): Promise<boolean> {
  const stats = await volunteerStats(db, volunteerId);
  const decided = stats.confirmed + stats.rejected;
  return decided >= STRONG_RECORD.minDecided && (stats.accuracy ?? 0) >= STRONG_RECORD.minAccuracy;
}

export async function reportListing(
  deps: ReportListingDeps,
  rawInput: ReportListingInput,
): Promise<ReportListingResult> {
  const parsed = reportInputSchema.safeParse(rawInput);
  if (!parsed.success) return { kind: 'invalid_text', field: String(parsed.error.issues[0]?.path[0] ?? '') };
  const input = parsed.data;
  const link = await recognizeLink(deps.pool, input.url);
  if (!link.ok)
    return link.reason === 'invalid_link'
      ? { kind: 'invalid_link' }
      : { kind: link.reason, domain: link.domain };

  const caseId = caseIdFor(link.platformId, link.externalId);
  const strong = await hasStrongRecord(deps.pool, input.volunteerId);
  // Hashed before the transaction: decoding is slow and must not hold a connection.
  const photos = await Promise.all(input.photos.map(async (p) => ({ ...p, ...(await photoPdq(p.bytes)) })));
  const actor = `volunteer:${input.volunteerId}`;

  const stored = await inTransaction(deps.pool, async (tx) => {
    const listingId = await ensureReportedListing(tx, {
      platformId: link.platformId,
      externalId: link.externalId,
      url: link.url,
    });
    if (await openCase(tx, { id: caseId, listingId, verdict: 'review' })) {
      await appendAudit(tx, {
        actor,
        action: 'case.opened',
        subjectType: 'case',
        subjectId: caseId,
        details: { externalId: link.externalId, source: 'volunteer-report' },
      });
    }
    // Lock the case row: a decision landing now either precedes this report or sees it.
    const { rows } = await tx.query<{ status: string }>('SELECT status FROM cases WHERE id = $1 FOR UPDATE', [
      caseId,
    ]);
    const status = rows[0]!.status;
    const existing = await findReport(tx, input.volunteerId, caseId);
    // A repeat may be the redelivery of a report whose signal a crash cut off: signal again while open.
    if (existing) return { kind: 'duplicate' as const, reportId: existing.id, open: !knownOutcome(status) };

    const outcome = knownOutcome(status);
    const priorityRaised =
      !outcome && strong && (await raiseCasePriority(tx, caseId, STRONG_REPORTER_PRIORITY));
    const report = await insertReport(tx, {
      volunteerId: input.volunteerId,
      caseId,
      platformId: link.platformId,
      externalId: link.externalId,
      listingUrl: link.url,
      species: input.species || null,
      note: input.note || null,
      outcome: outcome ?? null,
      priorityRaised,
    });
    // The reporter of a decided case is told right now, so the outcome activity must not tell them again.
    if (outcome)
      await tx.query('UPDATE reports SET notified_at = now(), notified_outcome = outcome WHERE id = $1', [
        report.id,
      ]);
    const drafts = await attachDraftPhotos(tx, input.volunteerId, report.id);
    for (const photo of photos)
      await insertPhoto(tx, { ...photo, volunteerId: input.volunteerId, reportId: report.id });
    const photoCount = drafts + photos.length;
    await appendAudit(tx, {
      actor,
      action: 'report.received',
      subjectType: 'case',
      subjectId: caseId,
      details: { reportId: report.id, photos: photoCount, priorityRaised, knownOutcome: outcome ?? null },
    });
    return outcome
      ? { kind: 'already_decided' as const, reportId: report.id, outcome }
      : { kind: 'recorded' as const, reportId: report.id, photos: photoCount, priorityRaised };
  });

  if (stored.kind === 'duplicate' && !stored.open)
    return { kind: 'duplicate', reportId: stored.reportId, caseId };
  if (stored.kind === 'already_decided') return { ...stored, caseId };

  const caseInput: CaseInput = {
    caseId,
    platformId: link.platformId,
    externalId: link.externalId,
    reviewers: deps.reviewers,
  };
  const signal: VolunteerReportSignal = { reportId: stored.reportId };
  if (stored.kind === 'recorded' && stored.priorityRaised) signal.priority = STRONG_REPORTER_PRIORITY;
  await deps.temporal.workflow.signalWithStart<typeof caseWorkflow, [VolunteerReportSignal]>('caseWorkflow', {
    workflowId: caseId,
    taskQueue: deps.taskQueue,
    args: [caseInput],
    signal: volunteerReportSignal,
    signalArgs: [signal],
  });
  if (stored.kind === 'duplicate') return { kind: 'duplicate', reportId: stored.reportId, caseId };
  return { ...stored, caseId };
}
