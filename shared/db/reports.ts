// Volunteer reports: link recognition (platform domains), the report rows, their photos, outcomes and
// the "told the reporter" mark that keeps outcome messages to one per report.
import type { Queryable } from './pool.ts';

/** What a volunteer's report came to: the reviewer confirmed it, rejected it, or asked for more. */
export type ReportOutcome = 'confirmed' | 'rejected' | 'more_info';
/**
 * What a reporter is told: the review's outcome, then for a confirmed report what the takedown did.
 * "confirmed" means "removal requested"; only "removed" says the listing is gone.
 */
export type ReporterNotice = ReportOutcome | 'removed' | 'removal_failed';

export interface PlatformDomain {
  domain: string;
  platformId: string;
  externalIdPattern: string | null;
}

export async function addPlatformDomain(
  db: Queryable,
  d: { domain: string; platformId: string; externalIdPattern?: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO platform_domains (domain, platform_id, external_id_pattern) VALUES ($1, $2, $3)
     ON CONFLICT (domain) DO UPDATE SET platform_id = EXCLUDED.platform_id,
       external_id_pattern = EXCLUDED.external_id_pattern`,
    [d.domain.toLowerCase(), d.platformId, d.externalIdPattern ?? null],
  );
}

/** The most specific registered domain for a host: shop.example matches www.shop.example and m.shop.example. */
export async function findPlatformDomain(db: Queryable, host: string): Promise<PlatformDomain | undefined> {
  const labels = host.toLowerCase().split('.');
  const candidates = labels.map((_, i) => labels.slice(i).join('.')).filter((d) => d.includes('.'));
  if (candidates.length === 0) return undefined;
  const { rows } = await db.query<PlatformDomain>(
    `SELECT domain, platform_id AS "platformId", external_id_pattern AS "externalIdPattern"
     FROM platform_domains WHERE domain = ANY($1) ORDER BY length(domain) DESC LIMIT 1`,
    [candidates],
  );
  return rows[0];
}

/**
 * The platform whose listings live on this host, judged from the listings it has sent: the fallback when
 * no platform_domains row names the host. Only an unambiguous answer (one platform) counts.
 */
export async function findPlatformByListingHost(db: Queryable, host: string): Promise<string | undefined> {
  const like = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
  const { rows } = await db.query<{ platform_id: string }>(
    `SELECT DISTINCT platform_id FROM (
       SELECT platform_id FROM listings WHERE url LIKE $1 OR url LIKE $2 LIMIT 100) s LIMIT 2`,
    [like(`https://${host}`), like(`http://${host}`)],
  );
  return rows.length === 1 ? rows[0]!.platform_id : undefined;
}

/** A listing the platform already sent with this URL, so a report joins its case. */
export async function findListingByUrl(
  db: Queryable,
  platformId: string,
  url: string,
): Promise<{ id: string; externalId: string } | undefined> {
  const { rows } = await db.query<{ id: string; externalId: string }>(
    `SELECT id, external_id AS "externalId" FROM listings WHERE platform_id = $1 AND url = $2
     ORDER BY id LIMIT 1`,
    [platformId, url],
  );
  return rows[0];
}

/**
 * The listing row a reported link needs for its case. It never overwrites what a platform sent: a listing
 * known under this external id is used as it is.
 */
export async function ensureReportedListing(
  db: Queryable,
  l: { platformId: string; externalId: string; url: string },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO listings (platform_id, external_id, url, title, raw)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (platform_id, external_id) DO UPDATE SET platform_id = listings.platform_id
     RETURNING id`,
    [
      l.platformId,
      l.externalId,
      l.url,
      'Listing reported by a volunteer',
      JSON.stringify({ source: 'volunteer-report', url: l.url }),
    ],
  );
  return rows[0]!.id;
}

export async function getCaseStatus(
  db: Queryable,
  caseId: string,
): Promise<{ status: string; priority: number } | undefined> {
  const { rows } = await db.query<{ status: string; priority: number }>(
    'SELECT status, priority FROM cases WHERE id = $1',
    [caseId],
  );
  return rows[0];
}

export async function raiseCasePriority(db: Queryable, caseId: string, priority: number): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE cases SET priority = $2 WHERE id = $1 AND priority > $2', [
    caseId,
    priority,
  ]);
  return rowCount === 1;
}

export interface StoredReport {
  id: string;
  volunteerId: string;
  caseId: string | null;
  platformId: string | null;
  listingUrl: string;
  species: string | null;
  note: string | null;
  outcome: ReportOutcome | null;
  createdAt: Date;
}

const REPORT_COLUMNS = `id, volunteer_id AS "volunteerId", case_id AS "caseId", platform_id AS "platformId",
  listing_url AS "listingUrl", species, note, outcome, created_at AS "createdAt"`;

export async function findReport(
  db: Queryable,
  volunteerId: string,
  caseId: string,
): Promise<StoredReport | undefined> {
  const { rows } = await db.query<StoredReport>(
    `SELECT ${REPORT_COLUMNS} FROM reports WHERE volunteer_id = $1 AND case_id = $2`,
    [volunteerId, caseId],
  );
  return rows[0];
}

export async function insertReport(
  db: Queryable,
  r: {
    volunteerId: string;
    caseId: string;
    platformId: string;
    externalId: string;
    listingUrl: string;
    species: string | null;
    note: string | null;
    outcome?: ReportOutcome | null;
    priorityRaised?: boolean;
  },
): Promise<StoredReport> {
  const { rows } = await db.query<StoredReport>(
    `INSERT INTO reports (volunteer_id, case_id, platform_id, external_id, listing_url, species, note, outcome,
                          priority_raised)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${REPORT_COLUMNS}`,
    [
      r.volunteerId,
      r.caseId,
      r.platformId,
      r.externalId,
      r.listingUrl,
      r.species,
      r.note,
      r.outcome ?? null,
      r.priorityRaised ?? false,
    ],
  );
  return rows[0]!;
}

export async function getReport(db: Queryable, reportId: string): Promise<StoredReport | undefined> {
  const { rows } = await db.query<StoredReport>(`SELECT ${REPORT_COLUMNS} FROM reports WHERE id = $1`, [
    reportId,
  ]);
  return rows[0];
}

/** A volunteer sees only their own reports. */
export async function listOwnReports(
  db: Queryable,
  volunteerId: string,
  limit = 10,
): Promise<StoredReport[]> {
  const { rows } = await db.query<StoredReport>(
    `SELECT ${REPORT_COLUMNS} FROM reports WHERE volunteer_id = $1 ORDER BY id DESC LIMIT $2`,
    [volunteerId, limit],
  );
  return rows;
}

/** Leads see who reported a case (a pseudonym for volunteers who asked to be forgotten). */
export async function reportersOfCase(
  db: Queryable,
  caseId: string,
): Promise<{ reportId: string; channel: string; reporter: string; erased: boolean; reportedAt: Date }[]> {
  const { rows } = await db.query(
    `SELECT r.id, v.channel, coalesce(v.display_name, v.external_user_id) AS reporter,
            v.erased_at IS NOT NULL AS erased, r.created_at
     FROM reports r JOIN volunteers v ON v.id = r.volunteer_id WHERE r.case_id = $1 ORDER BY r.id`,
    [caseId],
  );
  return rows.map((r) => ({
    reportId: r.id,
    channel: r.channel,
    reporter: r.reporter,
    erased: r.erased,
    reportedAt: r.created_at,
  }));
}

// Photos --------------------------------------------------------------------------------------------

/** A volunteer's photo as stored: its bytes, hashes and what it belongs to (a draft has no report yet). */
export interface PhotoRow {
  volunteerId: string;
  reportId?: string;
  answerId?: string;
  sourceId: string;
  mimeType: string;
  sha256: string;
  bytes: Buffer;
  pdq?: string;
  pdqQuality?: number;
}

export async function insertPhoto(db: Queryable, p: PhotoRow): Promise<void> {
  await db.query(
    `INSERT INTO report_photos (volunteer_id, report_id, answer_id, source_id, mime_type, size_bytes, sha256, bytes,
                                pdq, pdq_quality)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      p.volunteerId,
      p.reportId ?? null,
      p.answerId ?? null,
      p.sourceId,
      p.mimeType,
      p.bytes.length,
      p.sha256,
      p.bytes,
      p.pdq ?? null,
      p.pdqQuality ?? null,
    ],
  );
}

/** A photo sent during a report dialog, kept until the report is sent (or discarded). */
export async function addDraftPhoto(
  db: Queryable,
  p: Omit<PhotoRow, 'reportId' | 'answerId'>,
): Promise<number> {
  await insertPhoto(db, p);
  return countDraftPhotos(db, p.volunteerId);
}

export async function countDraftPhotos(db: Queryable, volunteerId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM report_photos WHERE volunteer_id = $1 AND report_id IS NULL',
    [volunteerId],
  );
  return Number(rows[0]!.n);
}

export async function clearDraftPhotos(db: Queryable, volunteerId: string): Promise<void> {
  await db.query('DELETE FROM report_photos WHERE volunteer_id = $1 AND report_id IS NULL', [volunteerId]);
}

export async function attachDraftPhotos(
  db: Queryable,
  volunteerId: string,
  reportId: string,
): Promise<number> {
  const { rowCount } = await db.query(
    'UPDATE report_photos SET report_id = $2 WHERE volunteer_id = $1 AND report_id IS NULL',
    [volunteerId, reportId],
  );
  return rowCount ?? 0;
}

export async function reportPhotos(
  db: Queryable,
  reportId: string,
): Promise<{ sourceId: string; mimeType: string; sizeBytes: number; sha256: string }[]> {
  const { rows } = await db.query(
    `SELECT source_id AS "sourceId", mime_type AS "mimeType", size_bytes AS "sizeBytes", sha256
     FROM report_photos WHERE report_id = $1 ORDER BY id`,
    [reportId],
  );
  return rows;
}

// Outcome notifications ------------------------------------------------------------------------------

/**
 * Claims the right to tell the reporter this outcome; undefined when they were already told it (an
 * earlier attempt). Returns the outcome they had been told before, to give the claim back after a failure.
 */
export async function claimOutcomeNotification(
  db: Queryable,
  reportId: string,
  outcome: ReporterNotice,
): Promise<{ previous: ReporterNotice | null } | undefined> {
  const { rows } = await db.query<{ previous: ReporterNotice | null }>(
    `WITH old AS (SELECT id, notified_outcome FROM reports WHERE id = $1 FOR UPDATE)
     UPDATE reports r SET notified_at = now(), notified_outcome = $2
     FROM old WHERE r.id = old.id AND old.notified_outcome IS DISTINCT FROM $2
     RETURNING old.notified_outcome AS previous`,
    [reportId, outcome],
  );
  return rows[0];
}

/** Gives the claim back after a failed send, so the activity's retry sends again. */
export async function releaseOutcomeNotification(
  db: Queryable,
  reportId: string,
  previous: ReporterNotice | null,
): Promise<void> {
  await db.query(
    'UPDATE reports SET notified_outcome = $2, notified_at = CASE WHEN $2::text IS NULL THEN NULL ELSE notified_at END WHERE id = $1',
    [reportId, previous],
  );
}

/** A case's volunteer photos (report photos and photo answers), without their bytes. */
export interface CasePhoto {
  id: string;
  reportId: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  pdq: string | null;
  pdqQuality: number | null;
  /** Sent as the answer to a reviewer's question rather than with the report. */
  answer: boolean;
}

export async function casePhotos(db: Queryable, caseId: string): Promise<CasePhoto[]> {
  const { rows } = await db.query(
    `SELECT p.id, p.report_id, p.mime_type, p.size_bytes, p.sha256, p.pdq, p.pdq_quality, p.answer_id
     FROM report_photos p JOIN reports r ON r.id = p.report_id WHERE r.case_id = $1 ORDER BY p.id`,
    [caseId],
  );
  return rows.map((r) => ({
    id: String(r.id),
    reportId: String(r.report_id),
    mimeType: r.mime_type,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    pdq: r.pdq,
    pdqQuality: r.pdq_quality,
    answer: r.answer_id !== null,
  }));
}

/** One photo's bytes, for the signed link that shows it to reviewers. */
export async function reportPhotoBytes(
  db: Queryable,
  photoId: string,
): Promise<{ mimeType: string; bytes: Buffer } | undefined> {
  const { rows } = await db.query<{ mime_type: string; bytes: Buffer }>(
    'SELECT mime_type, bytes FROM report_photos WHERE id = $1 AND report_id IS NOT NULL',
    [photoId],
  );
  return rows[0] ? { mimeType: rows[0].mime_type, bytes: rows[0].bytes } : undefined;
}
