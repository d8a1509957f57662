// Activities of the weekly digest: compute the week's metrics from the stored events, render the chart,
// and post the key numbers and the chart to Slack, once per period and channel however often retried.
import type { webApi } from '@slack/bolt';
import { ApplicationFailure } from '@temporalio/common';
import { getActiveLibrary } from '../../detectors/text/index.ts';
import type { Pool } from '../../shared/db/pool.ts';
import { type PurgeResult, purgeExpiredAllowedListings } from '../../shared/db/retention.ts';
import { computeMetrics, type Metrics } from '../../shared/metrics/index.ts';
import { formatHours } from '../../shared/metrics/report.ts';
import { refreshCaseFacts, refreshMetrics } from '../../shared/metrics/rollup.ts';
import { termDigestLines } from '../terms/digest-lines.ts';
import { termPerformance } from '../terms/performance.ts';
import { digestChartSvg, renderPng } from './chart.ts';

export interface DigestRequest {
  from: string;
  to: string;
  channel: string;
}

export interface DigestSummary {
  from: string;
  to: string;
  channel: string;
  messageTs: string;
  fileId: string | null;
  removedOrBlocked: number;
  alreadyPosted: boolean;
}

export interface DigestActivities {
  postWeeklyDigest(req: DigestRequest): Promise<DigestSummary>;
  refreshMetricsRollup(): Promise<{ from: string; to: string }>;
  refreshCaseFacts(): Promise<void>;
  purgeExpiredAllowedListings(): Promise<PurgeResult[]>;
}

const fmt = (v: number | null) => (v === null ? '–' : v.toLocaleString('en'));
const pct = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)}%`);

/** The message text (Slack mrkdwn); every value is a number or a date, platform ids are restricted names. */
export function digestText(m: Metrics): string {
  const t = m.totals;
  const top = m.byPlatform
    .slice()
    .sort((a, b) => b.counts.removed - a.counts.removed)
    .slice(0, 3)
    .map((p) => `${p.key} ${fmt(p.counts.removed)}`)
    .join(', ');
  return [
    `*Wild Sentinel weekly digest* ${m.filters.from.slice(0, 10)} – ${m.filters.to.slice(0, 10)}`,
    `• ${fmt(t.removedOrBlocked)} listings removed or blocked (${fmt(t.removed)} removed, ${fmt(t.blocked)} blocked) of ${fmt(t.screened)} screened; ${fmt(t.flagged)} flagged`,
    `• Time to takedown: median ${formatHours(m.timeToTakedown.fromIngest.medianHours)}, p90 ${formatHours(m.timeToTakedown.fromIngest.p90Hours)}`,
    `• Volunteers: ${fmt(m.volunteers.active)} active, ${fmt(m.volunteers.reports)} reports, accuracy ${pct(m.volunteers.accuracy)}`,
    `• Re-listing rate ${pct(m.relisting.rate)}; library +${fmt(m.keywordLibrary.added)} entries`,
    top ? `• Most removals: ${top}` : '• No removals this week',
  ].join('\n');
}

/** Without a Slack client (Slack not configured) the rollup refresh still runs; a digest run fails for good. */
export function createDigestActivities(deps: { pool: Pool; slack?: webApi.WebClient }): DigestActivities {
  return {
    refreshMetricsRollup: () => refreshMetrics(deps.pool),
    refreshCaseFacts: () => refreshCaseFacts(deps.pool),
    purgeExpiredAllowedListings: () => purgeExpiredAllowedListings(deps.pool),
    async postWeeklyDigest(req) {
      const slack = deps.slack;
      if (!slack)
        throw ApplicationFailure.nonRetryable('Slack is not configured: no digest channel to post to');
      const key = [req.from, req.to, req.channel];
      const { rows } = await deps.pool.query(
        'SELECT message_ts, file_id, summary FROM digest_posts WHERE period_from = $1 AND period_to = $2 AND channel = $3',
        key,
      );
      if (rows[0]?.message_ts) {
        return { ...(rows[0].summary as DigestSummary), alreadyPosted: true };
      }
      await refreshCaseFacts(deps.pool);
      const metrics = await computeMetrics(deps.pool, { from: new Date(req.from), to: new Date(req.to) });
      const terms = await termPerformance(
        deps.pool,
        { from: new Date(req.from), to: new Date(req.to) },
        getActiveLibrary(),
      );
      const text = [digestText(metrics), ...termDigestLines(terms)].join('\n');
      const png = await renderPng(digestChartSvg(metrics.series, 'Flagged and removed listings per day'));
      // Record the intent first: a crash after posting leaves a row that the retry completes, not a repost.
      await deps.pool.query(
        'INSERT INTO digest_posts (period_from, period_to, channel) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        key,
      );
      const posted = await slack.chat.postMessage({ channel: req.channel, text, mrkdwn: true });
      const messageTs = String(posted.ts);
      await deps.pool.query(
        'UPDATE digest_posts SET message_ts = $4 WHERE period_from = $1 AND period_to = $2 AND channel = $3',
        [...key, messageTs],
      );
      const upload = await slack.files.uploadV2({
        channel_id: String(posted.channel ?? req.channel),
        thread_ts: messageTs,
        file: png,
        filename: `digest-${req.from.slice(0, 10)}.png`,
        title: 'Flagged and removed listings per day',
      });
      const files = (upload as { files?: { files?: { id?: string }[] }[] }).files ?? [];
      const fileId = files[0]?.files?.[0]?.id ?? null;
      const summary: DigestSummary = {
        ...req,
        messageTs,
        fileId,
        removedOrBlocked: metrics.totals.removedOrBlocked,
        alreadyPosted: false,
      };
      await deps.pool.query(
        'UPDATE digest_posts SET file_id = $4, summary = $5 WHERE period_from = $1 AND period_to = $2 AND channel = $3',
        [...key, fileId, JSON.stringify(summary)],
      );
      return summary;
    },
  };
}
