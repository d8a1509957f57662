// Volunteers' answers to reviewers' questions ("more information needed"): text or a photo, attached to
// the report they answer and shown on the case card.
import type { Queryable } from './pool.ts';

export interface ReportAnswer {
  reportId: string;
  text: string | null;
  photo: { sha256: string; mimeType: string; sizeBytes: number } | null;
  at: string;
}

/** The question the volunteer is asked: the latest "request information" on the case. */
export async function latestQuestion(db: Queryable, caseId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ reason: string | null }>(
    `SELECT reason FROM reviews WHERE case_id = $1 AND decision = 'request_info' ORDER BY id DESC LIMIT 1`,
    [caseId],
  );
  return rows[0]?.reason ?? undefined;
}

export async function insertAnswer(
  db: Queryable,
  a: {
    reportId: string;
    caseId: string;
    volunteerId: string;
    text: string | null;
    photo?: {
      sourceId: string;
      mimeType: string;
      sha256: string;
      bytes: Buffer;
      pdq?: string;
      pdqQuality?: number;
    };
  },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO report_answers (report_id, case_id, text) VALUES ($1, $2, $3) RETURNING id',
    [a.reportId, a.caseId, a.text],
  );
  const answerId = rows[0]!.id;
  if (a.photo) {
    await db.query(
      `INSERT INTO report_photos (volunteer_id, report_id, answer_id, source_id, mime_type, size_bytes, sha256, bytes,
                                  pdq, pdq_quality)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        a.volunteerId,
        a.reportId,
        answerId,
        a.photo.sourceId,
        a.photo.mimeType,
        a.photo.bytes.length,
        a.photo.sha256,
        a.photo.bytes,
        a.photo.pdq ?? null,
        a.photo.pdqQuality ?? null,
      ],
    );
  }
  return answerId;
}

export async function answersOfCase(db: Queryable, caseId: string): Promise<ReportAnswer[]> {
  const { rows } = await db.query<{
    report_id: string;
    text: string | null;
    sha256: string | null;
    mime_type: string | null;
    size_bytes: number | null;
    created_at: Date;
  }>(
    `SELECT a.report_id, a.text, p.sha256, p.mime_type, p.size_bytes, a.created_at
     FROM report_answers a LEFT JOIN report_photos p ON p.answer_id = a.id
     WHERE a.case_id = $1 ORDER BY a.id`,
    [caseId],
  );
  return rows.map((r) => ({
    reportId: r.report_id,
    text: r.text,
    photo: r.sha256 ? { sha256: r.sha256, mimeType: r.mime_type!, sizeBytes: r.size_bytes! } : null,
    at: r.created_at.toISOString(),
  }));
}
