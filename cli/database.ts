// Opens the configured database for one-shot CLI commands: DATABASE_URL, or the embedded PGlite data.
import type { Config } from '../shared/config.ts';
import { startEmbeddedDatabase } from '../shared/db/embedded.ts';
import { migrate } from '../shared/db/migrate.ts';
import { createPool, type Pool } from '../shared/db/pool.ts';

export async function withDatabase<T>(config: Config, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedDatabase(config.DATA_DIR);
  const pool = createPool(config.DATABASE_URL ?? embedded!.url, 2);
  try {
    await migrate(pool);
    return await fn(pool);
  } finally {
    await pool.end();
    await embedded?.stop();
  }
}
