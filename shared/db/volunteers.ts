// Volunteers ("Cyber Spotters"): identity per chat platform, language, consent, erasure, accuracy, and the
// small pieces of per-volunteer state the bots keep in PostgreSQL (conversations, rate limits, quizzes).
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './pool.ts';

export type VolunteerChannel = 'telegram' | 'discord';

export interface Volunteer {
  id: string;
  channel: VolunteerChannel;
  externalUserId: string;
  displayName: string | null;
  language: string;
  consentedAt: Date | null;
  erasedAt: Date | null;
}

const COLUMNS = `id, channel, external_user_id AS "externalUserId", display_name AS "displayName", language,
  consented_at AS "consentedAt", erased_at AS "erasedAt"`;

/** Finds the volunteer behind a chat account, creating the row on first contact. */
export async function upsertVolunteer(
  db: Queryable,
  v: { channel: VolunteerChannel; externalUserId: string; displayName?: string | null; language?: string },
): Promise<Volunteer> {
  const { rows } = await db.query<Volunteer>(
    `INSERT INTO volunteers (channel, external_user_id, display_name, language)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (channel, external_user_id) DO UPDATE SET display_name = coalesce(EXCLUDED.display_name, volunteers.display_name)
     RETURNING ${COLUMNS}`,
    [v.channel, v.externalUserId, v.displayName ?? null, v.language ?? 'en'],
  );
  return rows[0]!;
}

export async function getVolunteer(db: Queryable, id: string): Promise<Volunteer | undefined> {
  const { rows } = await db.query<Volunteer>(`SELECT ${COLUMNS} FROM volunteers WHERE id = $1`, [id]);
  return rows[0];
}

export async function setVolunteerLanguage(db: Queryable, id: string, language: string): Promise<void> {
  await db.query('UPDATE volunteers SET language = $2 WHERE id = $1', [id, language]);
}

export async function recordConsent(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE volunteers SET consented_at = coalesce(consented_at, now()) WHERE id = $1', [id]);
}

/**
 * Forgets who the volunteer is: the chat account id becomes a random pseudonym and the name is dropped,
 * while the reports (and so every case's history and the accuracy figures) stay, attached to the
 * pseudonym. Conversation state, rate-limit buckets and unsent photos go.
 */
export async function eraseVolunteer(db: Queryable, id: string): Promise<string | undefined> {
  const pseudonym = `erased-${createHash('sha256').update(randomBytes(32)).digest('hex').slice(0, 20)}`;
  const { rows } = await db.query<{ channel: string; external_user_id: string }>(
    'SELECT channel, external_user_id FROM volunteers WHERE id = $1 AND erased_at IS NULL',
    [id],
  );
  const before = rows[0];
  if (!before) return undefined;
  await db.query(
    `UPDATE volunteers SET external_user_id = $2, display_name = NULL, consented_at = NULL, erased_at = now()
     WHERE id = $1`,
    [id, pseudonym],
  );
  await db.query('DELETE FROM volunteer_conversations WHERE volunteer_id = $1', [id]);
  await db.query('DELETE FROM report_photos WHERE volunteer_id = $1 AND report_id IS NULL', [id]);
  await db.query('DELETE FROM rate_limit_buckets WHERE key LIKE $1', [
    `%:${before.channel}:${before.external_user_id}`,
  ]);
  return pseudonym;
}

export interface VolunteerStats {
  reports: number;
  confirmed: number;
  rejected: number;
  pending: number;
  /** confirmed / (confirmed + rejected); null before the first decided report. */
  accuracy: number | null;
  /** 1-based position among volunteers by confirmed reports, and how many volunteers have any. */
  position: number | null;
  /** How many other volunteers share that position (same number of confirmed reports). */
  tiedWith: number;
  volunteersRanked: number;
}

export async function volunteerStats(db: Queryable, volunteerId: string): Promise<VolunteerStats> {
  const { rows } = await db.query<{
    reports: string;
    confirmed: string;
    rejected: string;
    pending: string;
  }>(
    `SELECT count(*) AS reports,
            count(*) FILTER (WHERE outcome = 'confirmed') AS confirmed,
            count(*) FILTER (WHERE outcome = 'rejected') AS rejected,
            count(*) FILTER (WHERE outcome IS NULL OR outcome = 'more_info') AS pending
     FROM reports WHERE volunteer_id = $1`,
    [volunteerId],
  );
  const r = rows[0]!;
  const confirmed = Number(r.confirmed);
  const rejected = Number(r.rejected);
  // Competition ranking: equal scores share a position ("1, 1, 3"), and the tie is counted to be shown.
  const ranking = await db.query<{ position: string | null; tied: string; ranked: string }>(
    `WITH scores AS (
       SELECT volunteer_id, count(*) FILTER (WHERE outcome = 'confirmed') AS confirmed
       FROM reports GROUP BY volunteer_id)
     SELECT (SELECT 1 + count(*) FROM scores WHERE confirmed > s.confirmed) AS position,
            (SELECT count(*) FROM scores WHERE confirmed = s.confirmed AND volunteer_id <> $1) AS tied,
            (SELECT count(*) FROM scores) AS ranked
     FROM (SELECT coalesce((SELECT confirmed FROM scores WHERE volunteer_id = $1), -1) AS confirmed) s`,
    [volunteerId],
  );
  const rank = ranking.rows[0]!;
  return {
    reports: Number(r.reports),
    confirmed,
    rejected,
    pending: Number(r.pending),
    accuracy: confirmed + rejected > 0 ? confirmed / (confirmed + rejected) : null,
    position: Number(r.reports) > 0 ? Number(rank.position) : null,
    tiedWith: Number(r.reports) > 0 ? Number(rank.tied) : 0,
    volunteersRanked: Number(rank.ranked),
  };
}

// Conversation state ------------------------------------------------------------------------------

/** A conversation left alone longer than this is over: a message days later starts afresh. */
export const CONVERSATION_TTL_HOURS = 24;

export async function loadConversation<T>(db: Queryable, volunteerId: string): Promise<T | undefined> {
  const { rows } = await db.query<{ state: T }>(
    `SELECT state FROM volunteer_conversations
     WHERE volunteer_id = $1 AND updated_at > now() - make_interval(hours => $2)`,
    [volunteerId, CONVERSATION_TTL_HOURS],
  );
  return rows[0]?.state;
}

export async function saveConversation(db: Queryable, volunteerId: string, state: unknown): Promise<void> {
  await db.query(
    `INSERT INTO volunteer_conversations (volunteer_id, state) VALUES ($1, $2)
     ON CONFLICT (volunteer_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
    [volunteerId, JSON.stringify(state)],
  );
}

export async function clearConversation(db: Queryable, volunteerId: string): Promise<void> {
  await db.query('DELETE FROM volunteer_conversations WHERE volunteer_id = $1', [volunteerId]);
}

// Rate limits ---------------------------------------------------------------------------------------

/**
 * Takes one token from a bucket that holds `capacity` tokens and refills `refillPerSecond`; true when the
 * action may go ahead. One statement, so concurrent bot processes share the bucket without races.
 */
export async function takeToken(
  db: Queryable,
  key: string,
  capacity: number,
  refillPerSecond: number,
): Promise<boolean> {
  const { rows } = await db.query<{ allowed: boolean }>(
    `INSERT INTO rate_limit_buckets AS b (key, tokens, updated_at) VALUES ($1, $2 - 1, clock_timestamp())
     ON CONFLICT (key) DO UPDATE SET
       tokens = least($2, b.tokens + extract(epoch FROM clock_timestamp() - b.updated_at) * $3) - 1,
       updated_at = clock_timestamp()
     RETURNING tokens >= 0 AS allowed`,
    [key, capacity, refillPerSecond],
  );
  const allowed = rows[0]!.allowed;
  // A refused request must not dig the bucket deeper than empty.
  if (!allowed)
    await db.query('UPDATE rate_limit_buckets SET tokens = 0 WHERE key = $1 AND tokens < 0', [key]);
  return allowed;
}

// Quizzes --------------------------------------------------------------------------------------------

export async function recordQuizAnswer(
  db: Queryable,
  a: { volunteerId: string; questionId: string; choice: number; correct: boolean },
): Promise<void> {
  await db.query(
    'INSERT INTO quiz_answers (volunteer_id, question_id, choice, correct) VALUES ($1, $2, $3, $4)',
    [a.volunteerId, a.questionId, a.choice, a.correct],
  );
}

export async function quizScore(
  db: Queryable,
  volunteerId: string,
): Promise<{ answered: number; correct: number }> {
  const { rows } = await db.query<{ answered: string; correct: string }>(
    `SELECT count(*) AS answered, count(*) FILTER (WHERE correct) AS correct
     FROM quiz_answers WHERE volunteer_id = $1`,
    [volunteerId],
  );
  return { answered: Number(rows[0]!.answered), correct: Number(rows[0]!.correct) };
}
