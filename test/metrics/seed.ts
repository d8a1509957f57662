// A small, fully known event history for the metrics tests: two platforms, listings with detections,
// cases, reviews, takedowns, an appeal, volunteer reports, library versions and campaign deliveries.
import { createHash } from 'node:crypto';
import type { Pool } from '../../shared/db/pool.ts';

export const T0 = new Date('2026-03-02T00:00:00Z');
export const hoursAfter = (h: number, base = T0) => new Date(base.getTime() + h * 3600_000);

export interface SeedListing {
  platform: string;
  externalId: string;
  title: string;
  description?: string;
  language?: string;
  sellerId?: string;
  receivedAt: Date;
  verdict: 'allow' | 'review' | 'block';
  evidence?: { term: string; kind: string; species?: string }[];
}

export async function addPlatform(db: Pool, id: string): Promise<void> {
  await db.query('INSERT INTO platforms (id, name, api_key_hash) VALUES ($1, $2, $3)', [
    id,
    id,
    createHash('sha256').update(`key-${id}`).digest('hex'),
  ]);
}

/** Inserts a listing and its screening detection; opens a case when the verdict is not allow. */
export async function addListing(db: Pool, l: SeedListing): Promise<{ id: string; caseId: string | null }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO listings (platform_id, external_id, title, description, language, seller_id, raw, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, '{}', $7) RETURNING id`,
    [
      l.platform,
      l.externalId,
      l.title,
      l.description ?? '',
      l.language ?? null,
      l.sellerId ?? null,
      l.receivedAt,
    ],
  );
  const id = rows[0]!.id;
  const evidence = (l.evidence ?? []).map((e) => ({ detector: 'text', strength: 0.9, ...e }));
  await db.query(
    `INSERT INTO detections (listing_id, detector, verdict, score, evidence, created_at)
     VALUES ($1, 'screening', $2, 0.9, $3, $4)`,
    [id, l.verdict, JSON.stringify(evidence), l.receivedAt],
  );
  if (l.verdict === 'allow') return { id, caseId: null };
  const caseId = `case-${l.platform}-${l.externalId}`;
  await db.query(
    `INSERT INTO cases (id, listing_id, status, verdict, opened_at) VALUES ($1, $2, 'open', $3, $4)`,
    [caseId, id, l.verdict, l.receivedAt],
  );
  return { id, caseId };
}

export async function review(db: Pool, caseId: string, reviewer: string, decision: string, at: Date) {
  await db.query('INSERT INTO reviews (case_id, reviewer, decision, created_at) VALUES ($1, $2, $3, $4)', [
    caseId,
    reviewer,
    decision,
    at,
  ]);
}

export async function takeDown(db: Pool, caseId: string, action: string, at: Date, status = 'taken_down') {
  await db.query(
    `INSERT INTO takedowns (case_id, action, idempotency_key, status, platform_reference, requested_at, completed_at)
     VALUES ($1, $2, $3, 'done', 'ref', $4, $4)`,
    [caseId, action, `${caseId}:${action}`, at],
  );
  await db.query('UPDATE cases SET status = $2, decided_at = $3, closed_at = $3 WHERE id = $1', [
    caseId,
    status,
    at,
  ]);
}

export async function addVolunteer(db: Pool, name: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO volunteers (channel, external_user_id, display_name, created_at)
     VALUES ('telegram', $1, $1, $2) RETURNING id`,
    [name, hoursAfter(-100)],
  );
  return rows[0]!.id;
}

export async function report(
  db: Pool,
  volunteerId: string,
  caseId: string,
  outcome: 'confirmed' | 'rejected' | null,
  at: Date,
) {
  await db.query(
    `INSERT INTO reports (volunteer_id, case_id, listing_url, outcome, created_at)
     VALUES ($1, $2, 'https://example.org/x', $3, $4)`,
    [volunteerId, caseId, outcome, at],
  );
}
