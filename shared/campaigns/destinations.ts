// Destinations registered once by name (a Telegram channel, a Discord channel), so the comms team picks
// "tg-kenya" in the modal instead of typing chat ids, time zones and languages each time.
import { z } from 'zod';
import { appendAudit } from '../db/audit.ts';
import type { Queryable } from '../db/pool.ts';
import { type Audience, audienceSchema } from './model.ts';

export const destinationSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'name: lowercase letters, digits and dashes, e.g. tg-kenya'),
  })
  .and(audienceSchema);
export type Destination = { name: string } & Audience;

export async function addDestination(
  db: Queryable,
  d: Destination,
  actor: string,
): Promise<{ added: true } | { added: false; reason: string }> {
  const { rowCount } = await db.query(
    `INSERT INTO campaign_destinations (name, platform, target, time_zone, language, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [d.name, d.platform, d.target, d.timeZone, d.language, actor],
  );
  if (!rowCount)
    return { added: false, reason: `"${d.name}" or ${d.platform} ${d.target} is already registered` };
  await appendAudit(db, {
    actor,
    action: 'campaign.destination_added',
    subjectType: 'campaign_destination',
    subjectId: d.name,
    details: { platform: d.platform, target: d.target, timeZone: d.timeZone, language: d.language },
  });
  return { added: true };
}

export async function listDestinations(db: Queryable): Promise<Destination[]> {
  const { rows } = await db.query<{
    name: string;
    platform: Destination['platform'];
    target: string;
    time_zone: string;
    language: string;
  }>('SELECT name, platform, target, time_zone, language FROM campaign_destinations ORDER BY name');
  return rows.map((r) => ({
    name: r.name,
    platform: r.platform,
    target: r.target,
    timeZone: r.time_zone,
    language: r.language,
  }));
}
