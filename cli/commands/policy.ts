// wild-sentinel policy <show|export|versions|propose|approve|reject|check|statements>: the policy engine's
// data and its reviewed changes, plus `check`, which screens one listing (with LLM triage when LLM_BASE_URL
// is set) and prints the decision and, for a restrictive one, its statement of reasons.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLlmTriage } from '../../detectors/llm/triage.ts';
import { effectiveClauses, platformPolicy } from '../../detectors/policy/decide.ts';
import type { Policy } from '../../detectors/policy/schema.ts';
import { statementOfReasons, submissionBatches } from '../../detectors/policy/sor.ts';
import {
  listPolicyVersions,
  loadActivePolicy,
  proposePolicy,
  reviewPolicy,
  unsubmittedStatements,
} from '../../detectors/policy/store.ts';
import { screenListing } from '../../detectors/screen.ts';
import { loadConfig } from '../../shared/config.ts';
import { listingInputSchema } from '../../shared/listing.ts';
import { withDatabase } from '../database.ts';

export const USAGE = `usage: wild-sentinel policy <command>
  show [--platform ID]               clauses in force for a platform (active policy)
  export                             the active policy as JSON
  versions                           proposed, active, superseded and rejected versions
  propose FILE.json --by NAME [--note TEXT]
  approve VERSION --by NAME          a second person activates a proposed version
  reject VERSION --by NAME [--note TEXT]
  check --platform ID < listing.json screen one listing (LLM triage if LLM_BASE_URL is set)
  statements                         unsubmitted statements of reasons, as DSA batches (JSON)
Examples:
  wild-sentinel policy show --platform shopa
  wild-sentinel policy check --platform shopa < listing.json`;

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function show(policy: Policy, platformId: string): void {
  const platform = platformPolicy(policy, platformId);
  const lines = [
    `policy ${policy.version} (${policy.framework}), platform ${platformId}`,
    `automatic blocking: ${platform.autoBlock.enabled ? `on at confidence >= ${platform.autoBlock.minConfidence}${platform.autoBlock.clauses ? ` for ${platform.autoBlock.clauses.join(', ')}` : ''}` : 'off (every restrictive decision goes to review)'}`,
    '',
  ];
  for (const c of effectiveClauses(policy, platform).sort((a, b) => b.priority - a.priority)) {
    lines.push(`${c.id} [${c.verdict}, priority ${c.priority}] ${c.title}`);
    lines.push(`  ${c.text}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      platform: { type: 'string' },
      by: { type: 'string' },
      note: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [command, target] = positionals;
  if (!command || values.help) {
    process.stderr.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const needs = (ok: unknown, what: string) => {
    if (!ok) throw new UsageError(what);
  };
  try {
    switch (command) {
      case 'show':
        show(await withDatabase(config, loadActivePolicy), values.platform ?? 'default');
        return 0;
      case 'export':
        print(await withDatabase(config, loadActivePolicy));
        return 0;
      case 'versions':
        print(await withDatabase(config, listPolicyVersions));
        return 0;
      case 'propose': {
        needs(target && values.by, 'propose needs FILE.json and --by NAME');
        const input = JSON.parse(readFileSync(target!, 'utf8'));
        print(await withDatabase(config, (db) => proposePolicy(db, input, values.by!, values.note ?? '')));
        return 0;
      }
      case 'approve':
      case 'reject': {
        needs(target && values.by, `${command} needs VERSION and --by NAME`);
        const decision = command === 'approve' ? 'approve' : 'reject';
        print(
          await withDatabase(config, (db) =>
            reviewPolicy(db, target!, values.by!, decision, values.note ?? ''),
          ),
        );
        return 0;
      }
      case 'check': {
        needs(values.platform, 'check needs --platform ID');
        const listing = listingInputSchema.parse(JSON.parse(await readStdin()));
        const policy = await withDatabase(config, loadActivePolicy);
        const context = { platformId: values.platform! };
        let decision = screenListing(listing, context, policy);
        const triage = createLlmTriage(config, { policy });
        if (triage) decision = await triage.triage(listing, decision, context);
        const statement = statementOfReasons(
          {
            decision,
            platformId: context.platformId,
            listing: { ...listing, receivedAt: new Date() },
            appliedAt: new Date(),
            decidedBy: 'engine',
          },
          policy,
        );
        print({ decision, statementOfReasons: statement });
        return 0;
      }
      case 'statements':
        print(submissionBatches(await withDatabase(config, (db) => unsubmittedStatements(db, 10_000))));
        return 0;
      default:
        throw new UsageError(`unknown policy command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}

class UsageError extends Error {}
