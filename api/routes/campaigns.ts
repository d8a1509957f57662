// The campaign API, for a comms team's automation: list campaigns with their runs, see the calendar of
// planned posts, and create a campaign. A created campaign is validated exactly as the Slack modal and
// `wild-sentinel campaign create` validate it (the same use case), and then waits for a comms lead's
// approval in Slack like any other: the API cannot post anything by itself. Authenticated with
// CAMPAIGN_API_TOKEN as a Bearer token; without it configured the routes do not exist.
import { z } from 'zod';
import { slackUserIdSchema } from '../../shared/campaigns/model.ts';
import type { CampaignUseCases } from '../../workflows/campaigns/use-cases.ts';
import { bearerToken, HttpError, readJson, sameSecret, sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';

export interface CampaignApiDeps {
  /** The comms team's token (CAMPAIGN_API_TOKEN). */
  token: string;
  useCases: Pick<CampaignUseCases, 'createCampaign' | 'overview' | 'calendar'>;
}

const createSchema = z.strictObject({
  /** The Slack user the campaign is created for: they may edit and cancel it, a lead approves it. */
  actor: slackUserIdSchema,
  /** The campaign, as the modal produces it (checked by the use case). */
  content: z.record(z.string(), z.unknown()),
});

const calendarQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(366).default(90),
});

const issues = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

function authorised(ctx: RouteContext): CampaignApiDeps {
  const api = ctx.deps.campaigns;
  if (!api) throw new HttpError(404, 'not_found', 'the campaign API is off: set CAMPAIGN_API_TOKEN');
  const token = bearerToken(ctx.req);
  if (!token || !sameSecret(token, api.token))
    throw new HttpError(
      401,
      'unauthorized',
      'send the campaign API token as "Authorization: Bearer <token>"',
    );
  return api;
}

/** GET /v1/campaigns: every campaign with its runs (what went out, when, and how). */
export async function listCampaignsRoute(ctx: RouteContext): Promise<void> {
  const api = authorised(ctx);
  const overview = await api.useCases.overview();
  sendJson(ctx.res, 200, { campaigns: overview.map(({ campaign, runs }) => ({ ...campaign, runs })) });
}

/** GET /v1/campaigns/calendar?days=90: every post planned across campaigns and channels, earliest first. */
export async function campaignCalendarRoute(ctx: RouteContext): Promise<void> {
  const api = authorised(ctx);
  const query = calendarQuerySchema.safeParse(Object.fromEntries(ctx.url.searchParams));
  if (!query.success)
    throw new HttpError(400, 'invalid_query', 'invalid calendar query', issues(query.error));
  const entries = await api.useCases.calendar(query.data.days);
  sendJson(ctx.res, 200, {
    entries: entries.map((e) => ({ ...e, sendAt: new Date(e.sendAt).toISOString() })),
  });
}

/** POST /v1/campaigns {actor, content}: creates the campaign and asks the comms leads to approve it. */
export async function postCampaign(ctx: RouteContext): Promise<void> {
  const api = authorised(ctx);
  const body = createSchema.safeParse(await readJson(ctx.req));
  if (!body.success)
    throw new HttpError(400, 'invalid_request', 'the request is not valid', issues(body.error));
  const result = await api.useCases.createCampaign(body.data);
  if (!result.ok) {
    // Field problems are the caller's (400); anything else is a state of this deployment (409).
    if (result.fields)
      throw new HttpError(
        400,
        'invalid_campaign',
        result.reason,
        Object.entries(result.fields).map(([path, message]) => ({ path: `content.${path}`, message })),
      );
    throw new HttpError(409, 'campaign_refused', result.reason);
  }
  const { campaign, workflowId } = result.value;
  ctx.res.setHeader('location', `/v1/campaigns/${encodeURIComponent(campaign.id)}`);
  sendJson(ctx.res, 201, { id: campaign.id, status: campaign.status, workflowId, campaign });
}
