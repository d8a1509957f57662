// Review roles from configuration: Slack user ids listed directly (SLACK_REVIEWERS, SLACK_LEADS) and the
// members of Slack user groups (SLACK_REVIEWER_GROUPS, SLACK_LEAD_GROUPS), read with usergroups.users.list.
// Leads may do everything reviewers may. Answers are cached briefly; a failed lookup keeps the last answer.
import type { webApi } from '@slack/bolt';
import type { RoleDirectory } from '../../workflows/activities/case-activities.ts';

export interface RoleConfig {
  reviewers: readonly string[];
  leads: readonly string[];
  reviewerGroups?: readonly string[];
  leadGroups?: readonly string[];
}

export function createRoleDirectory(
  config: RoleConfig,
  client?: webApi.WebClient,
  opts: { cacheMs?: number; now?: () => number } = {},
): RoleDirectory {
  const cacheMs = opts.cacheMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; users: string[] }>();

  async function members(group: string): Promise<string[]> {
    const hit = cache.get(group);
    if (hit && now() - hit.at < cacheMs) return hit.users;
    if (!client) return [];
    try {
      const res = await client.usergroups.users.list({ usergroup: group });
      const users = res.users ?? [];
      cache.set(group, { at: now(), users });
      return users;
    } catch (err) {
      if (hit) return hit.users;
      throw err;
    }
  }

  const expand = async (users: readonly string[], groups: readonly string[] = []) => [
    ...new Set([...users, ...(await Promise.all(groups.map(members))).flat()]),
  ];

  return {
    async resolve() {
      const [reviewers, leads] = await Promise.all([
        expand(config.reviewers, config.reviewerGroups),
        expand(config.leads, config.leadGroups),
      ]);
      return { reviewers, leads };
    },
  };
}
