// Volunteers' answers to reviewers' questions ("more information needed"): text or a photo, attached to
// the report they answer and shown on the case card.
import type { Queryable } from './pool.ts';
import { insertPhoto, type PhotoRow } from './reports.ts';

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
    photo?: Omit<PhotoRow, 'volunteerId' | 'reportId' | 'answerId'>;
    /** The delivery's idempotency key: the same request stores one answer. */
    requestId?: string;
  },
): Promise<{ id: string; inserted: boolean }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO report_answers (report_id, case_id, text, request_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (request_id) DO NOTHING RETURNING id`,
    [a.reportId, a.caseId, a.text, a.requestId ?? null],
  );
  if (!rows[0]) {
    const existing = await db.query<{ id: string }>('SELECT id FROM report_answers WHERE request_id = $1', [
      a.requestId,
    ]);
    return { id: existing.rows[0]!.id, inserted: false };
  }
  const answerId = rows[0].id;
  if (a.photo)
    await insertPhoto(db, { ...a.photo, volunteerId: a.volunteerId, reportId: a.reportId, answerId });
  return { id: answerId, inserted: true };
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
