// Awareness-campaign deliveries in the period (campaigns are not per platform or species).
import type { Queryable } from '../db/pool.ts';
import type { MetricsFilters } from './filters.ts';

export interface CampaignStats {
  campaigns: number;
  sent: number;
  failed: number;
  missed: number;
  byChannel: { platform: string; sent: number }[];
}

export async function campaignDeliveries(db: Queryable, f: MetricsFilters): Promise<CampaignStats> {
  const { rows } = await db.query(
    `SELECT platform, count(DISTINCT campaign_id) AS campaigns,
            count(*) FILTER (WHERE status = 'sent') AS sent,
            count(*) FILTER (WHERE status = 'failed') AS failed,
            count(*) FILTER (WHERE status = 'missed') AS missed
     FROM campaign_deliveries WHERE delivered_at >= $1 AND delivered_at < $2
     GROUP BY GROUPING SETS ((platform), ()) ORDER BY platform NULLS FIRST`,
    [f.from, f.to],
  );
  const all = rows.find((r) => r.platform === null);
  return {
    campaigns: Number(all?.campaigns ?? 0),
    sent: Number(all?.sent ?? 0),
    failed: Number(all?.failed ?? 0),
    missed: Number(all?.missed ?? 0),
    byChannel: rows
      .filter((r) => r.platform !== null)
      .map((r) => ({ platform: String(r.platform), sent: Number(r.sent) })),
  };
}
