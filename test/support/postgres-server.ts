// Starts a throwaway PostgreSQL server from the installed binaries (initdb into a temp dir, pg_ctl start)
// for a developer's `npm test`; CI starts one in .ci/run and passes TEST_DATABASE_URL instead.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../shared/net/free-port.ts';

export interface PostgresServer {
  url: string;
  stop(): void;
}

export async function startPostgres(
  binDir = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin',
): Promise<PostgresServer> {
  if (!existsSync(join(binDir, 'initdb'))) {
    throw new Error(
      `PostgreSQL binaries not found in ${binDir}: apt-get install postgresql, or set TEST_DATABASE_URL`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'ws-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  // initdb refuses to run as root; run the server as the postgres system user then.
  const asUser = (cmd: string, args: string[]) =>
    process.getuid?.() === 0
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(binDir, cmd), ...args], { stdio: 'pipe' })
      : execFileSync(join(binDir, cmd), args, { stdio: 'pipe' });
  asUser('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  asUser('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        asUser('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
