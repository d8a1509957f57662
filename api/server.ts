// The HTTP API: listing ingest and case lookup for platforms (API key per platform), health, and the
// Slack endpoint (Bolt's receiver) on the same port.
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type PlatformKeyCache, platformKeyCache } from '../shared/db/platform-keys.ts';
import type { Platform } from '../shared/db/platforms.ts';
import { log } from '../shared/logger.ts';
import { isSafeText, UNSAFE_TEXT_MESSAGE } from '../shared/text.ts';
import { groupedIngest, type IngestOne } from '../workflows/use-cases/ingest-grouped.ts';
import type { IngestDeps } from '../workflows/use-cases/ingest-listing.ts';
import { bearerToken, HttpError, sendJson } from './http.ts';
import {
  type CampaignApiDeps,
  campaignCalendarRoute,
  listCampaignsRoute,
  postCampaign,
} from './routes/campaigns.ts';
import { getCase, getCaseEvidence, postAppeal } from './routes/cases.ts';
import { getDashboard, getDashboardAsset } from './routes/dashboard.ts';
import { health } from './routes/health.ts';
import { postListing, postListingBatch } from './routes/listings.ts';
import { getMetrics, getMetricsCases, getMetricsCsv, postMetricsRefresh } from './routes/metrics.ts';
import { getReportPhoto } from './routes/report-photos.ts';
import { searchAlert } from './routes/search-alert.ts';
import { getShareBundles, postShareBundle, type ShareApiDeps } from './routes/share.ts';
import { postTakedownConfirmation } from './routes/takedowns.ts';
import { getTermPerformance } from './routes/term-performance.ts';

export interface ApiDeps extends IngestDeps {
  /** Bolt's request listener, mounted under /slack/. */
  slackListener?: RequestListener;
  /** Verifies signed links to volunteers' photos (shared/photo-links.ts); without it they are not served. */
  photoLinkSecret?: string;
  /**
   * Platform API keys in memory. The system passes one that LISTENs for changes made elsewhere; without it
   * the server makes its own, whose entries live 5 s (changes made in this process apply at once).
   */
  platformKeys?: PlatformKeyCache;
  /** The live share exchange with trusted peers; without it /v1/share answers 404. */
  share?: ShareApiDeps;
  /** The comms team's campaign API (off without a token). */
  campaigns?: CampaignApiDeps;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  deps: ApiDeps & { platformKeys: PlatformKeyCache; ingestOne: IngestOne };
  platform: () => Promise<Platform>;
}

type Handler = (ctx: RouteContext) => Promise<void>;
interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

function route(method: string, path: string, handler: Handler): Route {
  const keys: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/:([a-zA-Z]+)/g, (_m, k: string) => {
      keys.push(k);
      return '([^/]+)';
    })}$`,
  );
  return { method, pattern, keys, handler };
}

const routes: Route[] = [
  route('GET', '/healthz', health),
  route('POST', '/v1/listings', postListing),
  // Google-style custom method: the colon is literal, not a parameter.
  { method: 'POST', pattern: /^\/v1\/listings:batch$/, keys: [], handler: postListingBatch },
  route('GET', '/v1/cases/:id', getCase),
  // Platform key required: the trigger list is deliberately unpublished, so it must not be enumerable.
  route('GET', '/v1/search-alert', async ({ res, url, platform }) => {
    await platform();
    const answer = searchAlert(url.searchParams);
    sendJson(res, answer.status, answer.body);
  }),
  route('GET', '/v1/cases/:id/evidence', getCaseEvidence),
  route('POST', '/v1/cases/:id/appeals', postAppeal),
  route('POST', '/v1/takedowns/confirmations', postTakedownConfirmation),
  route('GET', '/v1/report-photos/:id', getReportPhoto),
  route('GET', '/v1/share/bundles', getShareBundles),
  route('POST', '/v1/share/bundles', postShareBundle),
  route('GET', '/v1/metrics', getMetrics),
  route('GET', '/v1/metrics\\.csv', getMetricsCsv),
  route('GET', '/v1/campaigns', listCampaignsRoute),
  route('POST', '/v1/campaigns', postCampaign),
  route('GET', '/v1/campaigns/calendar', campaignCalendarRoute),
  route('GET', '/v1/terms/performance', getTermPerformance),
  route('GET', '/v1/metrics/cases', getMetricsCases),
  route('POST', '/v1/metrics/refresh', postMetricsRefresh),
  route('GET', '/dashboard', getDashboard),
  route('GET', '/dashboard/:file', getDashboardAsset),
];

export function createApiServer(apiDeps: ApiDeps): Server {
  const ownKeys = apiDeps.platformKeys ? undefined : platformKeyCache(apiDeps.pool);
  const deps = {
    ...apiDeps,
    platformKeys: apiDeps.platformKeys ?? ownKeys!,
    ingestOne: groupedIngest(apiDeps),
  };
  const server = createServer((req, res) => {
    handle(req, res, deps).catch((err: unknown) => {
      if (err instanceof HttpError) {
        return sendJson(res, err.status, { error: err.code, message: err.message, details: err.details });
      }
      log.error('request failed', { method: req.method, path: req.url, error: err });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error', message: 'internal error' });
    });
  });
  if (ownKeys) server.on('close', () => void ownKeys.stop());
  return server;
}

/** A decoded path segment; malformed percent-encoding or unsafe text is the caller's mistake (400). */
function pathParam(name: string, raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'invalid_path', `the path parameter "${name}" is not valid percent-encoding`);
  }
  if (!isSafeText(value))
    throw new HttpError(400, 'invalid_path', `the path parameter "${name}" ${UNSAFE_TEXT_MESSAGE}`);
  return value;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: RouteContext['deps']): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    throw new HttpError(400, 'invalid_path', 'the request target is not a valid URL');
  }
  if (url.pathname.startsWith('/slack/')) {
    if (!deps.slackListener) throw new HttpError(404, 'not_found', 'Slack is not configured');
    return deps.slackListener(req, res);
  }
  const candidates = routes.filter((r) => r.pattern.test(url.pathname));
  if (candidates.length === 0) throw new HttpError(404, 'not_found', `no route for ${url.pathname}`);
  const match = candidates.find((r) => r.method === req.method);
  if (!match)
    throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`);
  const values = match.pattern.exec(url.pathname)!.slice(1);
  const params = Object.fromEntries(match.keys.map((k, i) => [k, pathParam(k, values[i]!)]));
  let platform: Platform | undefined;
  await match.handler({
    req,
    res,
    url,
    params,
    deps,
    async platform() {
      if (platform) return platform;
      const key = bearerToken(req);
      if (!key)
        throw new HttpError(
          401,
          'unauthorized',
          'send the platform API key as "Authorization: Bearer <key>"',
        );
      platform = await deps.platformKeys.find(key);
      if (!platform) throw new HttpError(401, 'unauthorized', 'unknown API key');
      return platform;
    },
  });
}
