// wild-sentinel platform add | domain | rotate-key | storage | purge | list: registers platforms, their API
// keys, their link domains and what is kept of the listings they send that the policy allows, and for how long.
import { z } from 'zod';
import { loadConfig } from '../../shared/config.ts';
import {
  BENIGN_STORAGE,
  createPlatform,
  getPlatform,
  rotateApiKey,
  setBenignRetention,
  setBenignStorage,
} from '../../shared/db/platforms.ts';
import { addPlatformDomain } from '../../shared/db/reports.ts';
import { purgeExpiredAllowedListings } from '../../shared/db/retention.ts';
import { withDatabase } from '../database.ts';

export const USAGE = `usage: wild-sentinel platform add <id> --name <name> [--takedown-url <url>]
       wild-sentinel platform domain <id> --domain <host> [--external-id-pattern <regex>]
       wild-sentinel platform rotate-key <id>
       wild-sentinel platform storage <id> [--benign full|counters] [--retain-days <days>|forever]
       wild-sentinel platform purge [<id>]
       wild-sentinel platform list
Examples:
  wild-sentinel platform add shopa --name 'Shop A' --takedown-url https://shopa.example/takedowns
  wild-sentinel platform domain shopa --domain shopa.example --external-id-pattern '/item/(\\d+)'
  wild-sentinel platform rotate-key shopa
  wild-sentinel platform storage shopa --benign counters
  wild-sentinel platform storage shopa --retain-days 90
  wild-sentinel platform purge shopa      # what the nightly retention run does, now`;

const addArgs = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'id: lowercase letters, digits and dashes'),
  name: z.string().min(1, 'name is required'),
  takedownUrl: z.url({ protocol: /^https?$/ }).optional(),
});

// Volunteers' links are recognised by host; the pattern's first group extracts the listing id from a URL.
const domainArgs = z.object({
  id: z.string().min(1, 'platform id is required'),
  domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'domain: a host name such as shop.example'),
  externalIdPattern: z
    .string()
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'external-id-pattern: not a valid regular expression')
    .optional(),
});

const storageArgs = z
  .object({
    id: z.string().min(1, 'platform id is required'),
    benign: z
      .enum(BENIGN_STORAGE, 'benign: full (every allowed listing stored) or counters (counted only)')
      .optional(),
    retainDays: z
      .union(
        [z.literal('forever').transform(() => null), z.coerce.number().int().min(1).max(36500)],
        'retain-days: a whole number of days from 1 to 36500, or forever',
      )
      .optional(),
  })
  .refine((a) => a.benign !== undefined || a.retainDays !== undefined, 'give --benign or --retain-days');

function parseFlags(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--'))
      out[a.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())] = args[++i] ?? '';
    else out.id = a;
  }
  return out;
}

/** The command's flags as the schema reads them, or undefined after printing what is wrong and the usage. */
function flagsOf<T>(schema: z.ZodType<T>, args: string[]): T | undefined {
  const parsed = schema.safeParse(parseFlags(args));
  if (parsed.success) return parsed.data;
  console.error(`${parsed.error.issues.map((i) => i.message).join('\n')}\n${USAGE}`);
  return undefined;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const config = loadConfig();
  if (sub === 'list') {
    await withDatabase(config, async (pool) => {
      const { rows } = await pool.query(
        'SELECT id, name, takedown_url, benign_storage, benign_retention_days FROM platforms ORDER BY id',
      );
      for (const r of rows)
        console.log(
          JSON.stringify({
            id: r.id,
            name: r.name,
            takedownUrl: r.takedown_url,
            benignStorage: r.benign_storage,
            benignRetentionDays: r.benign_retention_days,
          }),
        );
    });
    return 0;
  }
  if (sub === 'domain') {
    const parsed = flagsOf(domainArgs, rest);
    if (!parsed) return 2;
    const { id, domain, externalIdPattern } = parsed;
    const known = await withDatabase(config, async (pool) => {
      if (!(await getPlatform(pool, id))) return false;
      await addPlatformDomain(pool, { domain, platformId: id, externalIdPattern });
      return true;
    });
    if (!known) {
      console.error(`no platform ${id}; add it first`);
      return 1;
    }
    console.log(`links on ${domain.toLowerCase()} now belong to platform ${id}`);
    return 0;
  }
  if (sub === 'storage') {
    const parsed = flagsOf(storageArgs, rest);
    if (!parsed) return 2;
    const { id, benign, retainDays } = parsed;
    const known = await withDatabase(config, async (pool) => {
      if (!(await getPlatform(pool, id))) return false;
      if (benign) await setBenignStorage(pool, id, benign);
      if (retainDays !== undefined) await setBenignRetention(pool, id, retainDays);
      return true;
    });
    if (!known) {
      console.error(`no platform ${id}`);
      return 1;
    }
    // Running API processes pick the change up at once (they LISTEN for platform changes).
    if (benign === 'counters')
      console.log(`platform ${id}: allowed listings it has not sent before are now counted, not stored`);
    if (benign === 'full') console.log(`platform ${id}: every allowed listing is now stored in full`);
    if (retainDays === null) console.log(`platform ${id}: allowed listings are now kept with no time limit`);
    if (retainDays)
      console.log(
        `platform ${id}: allowed listings not sent again for ${retainDays} days are now counted and deleted ` +
          'by the nightly retention run (01:10 UTC; `platform purge` runs it now)',
      );
    return 0;
  }
  if (sub === 'purge') {
    const results = await withDatabase(config, (pool) =>
      purgeExpiredAllowedListings(pool, { platformId: rest[0] }),
    );
    if (results.length === 0) console.log('no platform has a retention period; nothing to purge');
    for (const r of results) console.log(JSON.stringify(r));
    return 0;
  }
  if (sub === 'rotate-key') {
    const id = rest[0];
    if (!id) {
      console.error(USAGE);
      return 2;
    }
    const apiKey = await withDatabase(config, (pool) => rotateApiKey(pool, id));
    if (!apiKey) {
      console.error(`no platform ${id}`);
      return 1;
    }
    // The old key stops working in every running process (they LISTEN for platform changes).
    console.log(`platform ${id} has a new API key; the old one no longer works. Store it now:\n${apiKey}`);
    return 0;
  }
  if (sub !== 'add') {
    console.error(USAGE);
    return 2;
  }
  const parsed = flagsOf(addArgs, rest);
  if (!parsed) return 2;
  const { apiKey } = await withDatabase(config, (pool) => createPlatform(pool, parsed));
  // Shown once, to the operator who asked for it; only its hash is stored.
  console.log(`platform ${parsed.id} created. API key (store it now, it is not shown again):\n${apiKey}`);
  return 0;
}
