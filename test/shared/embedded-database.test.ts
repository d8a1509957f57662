// The embedded PostgreSQL under DATA_DIR: one server per directory whoever asks, CLI commands that wait
// for each other instead of sharing a server one of them will stop, and data that outlives the server.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedDatabase } from '../../shared/db/embedded.ts';
import { createPool } from '../../shared/db/pool.ts';

const CLI = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
const dirs: string[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ws-embedded-'));
  chmodSync(dir, 0o755); // the server runs as `postgres` when the tests run as root
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the embedded PostgreSQL', () => {
  it('starts one server for two simultaneous openers, serves 64 concurrent queries, and keeps data', async () => {
    const dir = dataDir();
    const [a, b] = await Promise.all([
      openEmbeddedDatabase(dir, 'system'),
      openEmbeddedDatabase(dir, 'system'),
    ]);
    expect([a.owned, b.owned].sort()).toEqual([false, true]);
    expect(a.url).toBe(b.url);
    const owner = a.owned ? a : b;

    const pool = createPool(owner.url, { max: 16 });
    await pool.query('CREATE TABLE kept (n int)');
    const sums = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        pool.query<{ s: number }>('SELECT $1::int + count(*)::int AS s FROM pg_class', [i]),
      ),
    );
    expect(new Set(sums.map((r, i) => r.rows[0]!.s - i)).size).toBe(1); // every answer is its own query's
    await pool.query('INSERT INTO kept VALUES (42)');
    await pool.end();
    await owner.stop();
    expect(existsSync(join(dir, 'postgres', 'postmaster.pid'))).toBe(false);

    const again = await openEmbeddedDatabase(dir, 'cli');
    const reopened = createPool(again.url, { max: 1 });
    expect((await reopened.query('SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
    await reopened.end();
    await again.stop();
  });

  it('starts on a relative directory, as the default DATA_DIR ./data is', async () => {
    const parent = dataDir();
    const cwd = process.cwd();
    process.chdir(parent);
    try {
      const db = await openEmbeddedDatabase('./data', 'cli');
      const pool = createPool(db.url, { max: 1 });
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await pool.end();
      await db.stop();
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(parent, 'data', 'postgres', 'PG_VERSION'))).toBe(true);
  });

  it('runs two CLI commands on one directory one after the other', async () => {
    const dir = dataDir();
    const run = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'migrate'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dir, LOG_LEVEL: 'error' },
      });
    const outputs = (await Promise.all([run(), run()])).map((r) => r.stdout.trim()).sort();
    expect(outputs[0]).toMatch(/^applied: 0001, /);
    expect(outputs[1]).toBe('database is up to date');
    expect(existsSync(join(dir, 'postgres', 'postmaster.pid'))).toBe(false);
  });

  it('starts afresh after a command was killed with SIGKILL in the middle of initdb', async () => {
    const dir = dataDir();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dir, LOG_LEVEL: 'error' };
    // Its own process group, so the kill takes initdb with it, as a container stop or power loss would.
    const first = spawn(process.execPath, ['--import', 'tsx', CLI, 'migrate'], {
      env,
      stdio: 'ignore',
      detached: true,
    });
    const initdbRunning = () => readdirSync(dir).some((name) => /^postgres\.initdb-\d+$/.test(name));
    for (let waited = 0; !initdbRunning(); waited += 20) {
      if (waited > 60_000) throw new Error('initdb never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    const exited = new Promise((r) => first.once('exit', r));
    process.kill(-first.pid!, 'SIGKILL');
    await exited;
    expect(existsSync(join(dir, 'postgres', 'PG_VERSION'))).toBe(false);

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'migrate'], {
      env,
    });
    expect(stdout.trim()).toMatch(/^applied: 0001, /);
    expect(readdirSync(dir).filter((name) => name.includes('initdb'))).toEqual([]);
  });
});
