// wild-sentinel migrate: applies pending database migrations and lists them.
import { loadConfig } from '../../shared/config.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { withDatabase } from '../database.ts';

export async function run(): Promise<number> {
  const applied = await withDatabase(loadConfig(), async (pool) => {
    // withDatabase already migrated; a second call reports nothing new but proves the state is current.
    return migrate(pool);
  });
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  return 0;
}
