// wild-sentinel keywords proposals | approve ID --by NAME [--kind --strength --language --species] | reject ID
// --by NAME: the lead's side of proposed terms from the command line, for reviewers' code words (note modal)
// as much as for accepted candidate terms. Approval publishes a new library version, as the Slack button does.
import { parseArgs } from 'node:util';
import { termAdoptedDeliveries } from '../bots/volunteers/start.ts';
import { VersionError } from '../keywords/versions.ts';
import { loadConfig } from '../shared/config.ts';
import {
  completeProposal,
  decideProposal,
  getProposal,
  pendingProposals,
} from '../shared/db/keyword-proposals.ts';
import { adoptProposal } from '../workflows/terms/adopt.ts';
import { acceptFormSchema, tellAdoption } from '../workflows/terms/curation.ts';
import { withDatabase } from './database.ts';

const fieldsSchema = acceptFormSchema.partial();

export async function listProposals(): Promise<number> {
  return withDatabase(loadConfig(), async (db) => {
    for (const p of await pendingProposals(db)) {
      console.log(
        [
          p.id,
          p.createdAt.toISOString(),
          p.source,
          p.proposedBy,
          p.language ?? '?',
          p.kind ?? '?',
          p.strength ?? '?',
          p.species ?? '',
          p.term,
        ].join('\t'),
      );
    }
    return 0;
  });
}

export async function decideFromCli(decision: 'approve' | 'reject', args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      by: { type: 'string' },
      kind: { type: 'string' },
      strength: { type: 'string' },
      language: { type: 'string' },
      species: { type: 'string' },
    },
  });
  const id = positionals[0];
  if (!id || !/^\d{1,18}$/.test(id) || !values.by)
    throw new VersionError(`${decision} needs a proposal ID and --by NAME`);
  const fields = fieldsSchema.safeParse({
    kind: values.kind,
    strength: values.strength,
    language: values.language,
    species: values.species,
  });
  if (!fields.success)
    throw new VersionError(fields.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  const config = loadConfig();
  return withDatabase(config, async (db) => {
    if (!(await getProposal(db, id))) throw new VersionError(`no keyword proposal ${id}`);
    if (decision === 'reject') {
      if (!(await decideProposal(db, id, { status: 'rejected', by: values.by! })))
        throw new VersionError(`proposal ${id} is no longer pending`);
      console.log(`rejected proposal ${id}`);
      return 0;
    }
    await completeProposal(db, id, fields.data);
    const adopted = await adoptProposal(db, id, values.by!);
    if (!adopted.ok) throw new VersionError(adopted.reason);
    const told = await tellAdoption(db, termAdoptedDeliveries(config), adopted.proposal);
    console.log(
      adopted.alreadyAdopted
        ? `proposal ${id} was already adopted in ${adopted.version}`
        : `published ${adopted.version} with "${adopted.proposal.term}"; ${told} volunteers told (running processes reload it within 10 s)`,
    );
    return 0;
  });
}
