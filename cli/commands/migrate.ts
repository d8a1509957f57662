// wild-sentinel migrate: applies pending database migrations and lists them.
import { loadConfig } from '../../shared/config.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { withDatabase } from '../database.ts';

export const USAGE =
  'usage: wild-sentinel migrate\nApplies pending database migrations and lists them.' +
  '\nExamples:\n  wild-sentinel migrate';

export async function run(args: string[] = []): Promise<number> {
  if (args.length) {
    const help = args.every((a) => a === '--help' || a === '-h');
    if (help) console.log(USAGE);
    else console.error(`unknown argument: ${args[0]}\n${USAGE}`);
    return help ? 0 : 2;
  }
  const applied = await withDatabase(loadConfig(), migrate, { migrate: false });
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  return 0;
}
