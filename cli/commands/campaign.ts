// wild-sentinel campaign list | calendar [days] | create <file.json | -> --actor <slack-user-id>: campaigns for
// automation. `create` takes the same JSON content as the /campaign modal produces (validated the same way,
// per-platform length limits included) and starts its run, which asks the comms leads in Slack.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { slackUserIdSchema } from '../../shared/campaigns/model.ts';
import { listCampaigns, listRuns, listSkips } from '../../shared/campaigns/repository.ts';
import { type Config, loadConfig } from '../../shared/config.ts';
import { upcomingPosts } from '../../workflows/campaigns/calendar-view.ts';
import { REAPPROVAL_LEAD_DAYS } from '../../workflows/campaigns/schedules.ts';
import { createCampaignUseCases } from '../../workflows/campaigns/use-cases.ts';
import { startTemporalDevServer } from '../../workflows/dev-server.ts';
import { withDatabase } from '../database.ts';

export const USAGE = `usage: wild-sentinel campaign list
       wild-sentinel campaign calendar [days]
       wild-sentinel campaign create <file.json | -> --actor <slack-user-id>
Examples:
  wild-sentinel campaign calendar 30
  wild-sentinel campaign create pangolin-day.json --actor U0COMMS1`;

/** Temporal as `start` reaches it: TEMPORAL_ADDRESS, else the embedded dev server (joined when running). */
async function withTemporal<T>(config: Config, fn: (client: Client) => Promise<T>): Promise<T> {
  let address = config.TEMPORAL_ADDRESS;
  const dev = address
    ? undefined
    : await startTemporalDevServer({
        cliPath: config.TEMPORAL_CLI_PATH,
        dbFilename: join(config.DATA_DIR, 'temporal.sqlite'),
        ownerFile: join(config.DATA_DIR, 'temporal.owner.json'),
        namespace: config.TEMPORAL_NAMESPACE,
      });
  address ??= dev!.address;
  const connection = await Connection.connect({ address });
  try {
    return await fn(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }));
  } finally {
    await connection.close();
    await dev?.stop();
  }
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const config = loadConfig();
  if (sub === 'list') {
    await withDatabase(config, async (pool) => {
      // Listing needs no Temporal: what the database records about campaigns and their runs.
      for (const campaign of await listCampaigns(pool)) {
        console.log(JSON.stringify({ ...campaign, runs: await listRuns(pool, campaign.id) }));
      }
    });
    return 0;
  }
  if (sub === 'calendar') {
    const days = rest[0] === undefined ? 90 : Number(rest[0]);
    if (!Number.isInteger(days) || days < 1 || days > 366) {
      console.error(`days must be a whole number from 1 to 366\n${USAGE}`);
      return 2;
    }
    await withDatabase(config, async (pool) => {
      const campaigns = (await listCampaigns(pool)).filter((c) => c.status !== 'cancelled');
      const runs = (await Promise.all(campaigns.map((c) => listRuns(pool, c.id)))).flat();
      const entries = upcomingPosts({
        campaigns,
        runs,
        skips: await listSkips(pool),
        from: Date.now(),
        days,
        leadDays: REAPPROVAL_LEAD_DAYS,
      });
      for (const e of entries)
        console.log(JSON.stringify({ ...e, sendAt: new Date(e.sendAt).toISOString() }));
    });
    return 0;
  }
  if (sub === 'create') {
    const file = rest.find((a, i) => !a.startsWith('--') && rest[i - 1] !== '--actor');
    const actor = slackUserIdSchema.safeParse(rest[rest.indexOf('--actor') + 1] ?? '');
    if (!file || !rest.includes('--actor') || !actor.success) {
      console.error(`give the content file and --actor <slack-user-id>\n${USAGE}`);
      return 2;
    }
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
    } catch (err) {
      console.error(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
    return withDatabase(config, (pool) =>
      withTemporal(config, async (temporal) => {
        const result = await createCampaignUseCases({
          pool,
          temporal,
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          commsLeads: config.COMMS_LEADS,
        }).createCampaign({ actor: actor.data, content });
        if (!result.ok) {
          console.error(result.reason);
          for (const [field, message] of Object.entries(result.fields ?? {}))
            console.error(`  ${field}: ${message}`);
          return 1;
        }
        console.log(
          JSON.stringify({
            id: result.value.campaign.id,
            workflowId: result.value.workflowId,
            status: 'pending_approval',
          }),
        );
        return 0;
      }),
    );
  }
  console.error(USAGE);
  return 2;
}
