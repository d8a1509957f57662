// Opens the configured database for one-shot CLI commands: DATABASE_URL, or the embedded PostgreSQL
// (the running system's server when there is one, else a server of its own for the command's duration).
import type { Config } from '../shared/config.ts';
import { openEmbeddedDatabase } from '../shared/db/embedded.ts';
import { migrate } from '../shared/db/migrate.ts';
import { createPool, type Pool } from '../shared/db/pool.ts';

export async function withDatabase<T>(
  config: Config,
  fn: (pool: Pool) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const embedded = config.DATABASE_URL ? undefined : await openEmbeddedDatabase(config.DATA_DIR, 'cli');
  const pool = createPool(config.DATABASE_URL ?? embedded!.url, { max: 2 });
  try {
    if (options.migrate !== false) await migrate(pool);
    return await fn(pool);
  } finally {
    await pool.end();
    await embedded?.stop();
  }
}
