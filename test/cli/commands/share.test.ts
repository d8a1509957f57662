// The share command against real databases: a peer trusted with its URL, a bundle file imported, its
// quarantined items listed by name and decided by that name, a false positive marked, an unreachable peer
// reported in one line.
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/share.ts';
import { addItems, createBank } from '../../../detectors/image/bank-store.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';
import { publishVersion } from '../../../keywords/versions.ts';
import { insertCandidates } from '../../../shared/db/term-candidates.ts';
import { generateSigningKey } from '../../../workflows/sharing/bundle.ts';
import { exportSignedBundle } from '../../../workflows/sharing/export.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

describe('wild-sentinel share', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'ws-share-cli-'));
  const keysA = generateSigningKey();
  const printed: string[] = [];
  const last = () => printed.at(-1) ?? '';

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const files = loadLibraryFromDir();
    await publishVersion(
      a.pool,
      {
        ...files,
        version: '99.0.0',
        entries: [...files.entries, { ...files.entries[0]!, term: 'xà cừ trắng' }],
      },
      'lead-a',
      'new code word',
    );
    await createBank(a.pool, { name: 'IVORY' }, 'test');
    await addItems(a.pool, 'IVORY', [{ pdq: 'f'.repeat(64), quality: 90 }], 'test');
    const bundle = await exportSignedBundle(
      a.pool,
      { origin: 'deploy-a', keywordVersion: 'latest', banks: ['IVORY'] },
      createPrivateKey(keysA.privateKeyPem),
    );
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle));
    writeFileSync(join(dir, 'a.pub'), keysA.publicKeyPem);
    writeFileSync(join(dir, 'a.key'), keysA.privateKeyPem, { mode: 0o600 });
    await insertCandidates(a.pool, 'week-2026-11-30', [
      {
        language: 'vi',
        term: 'ngà non',
        normalized: 'nga non',
        form: 'ngram',
        score: 18.2,
        positives: 5,
        missed: 1,
        negatives: 0,
        positiveDocs: 30,
        negativeDocs: 300,
        examples: [{ listingId: '424242', title: 'Vòng ngà non, inbox 0912 555 666' }],
        reportIds: ['515151'],
      },
    ]);
    vi.stubEnv('DATABASE_URL', b.url);
    vi.spyOn(console, 'log').mockImplementation((...x) => void printed.push(x.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...x) => void printed.push(x.join(' ')));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([a?.drop(), b?.drop()]);
  });

  it('trusts a peer with the URL it is fetched from, and lists it', async () => {
    expect(await run(['trust', 'deploy-a', join(dir, 'a.pub'), '--url', 'http://127.0.0.1:9/'])).toBe(0);
    expect(last()).toMatch(/^trusting deploy-a \(key [0-9a-f]{16}\); fetched from http:\/\/127\.0\.0\.1:9\//);
    expect(await run(['peers'])).toBe(0);
    expect(last()).toMatch(
      /^deploy-a {2}key [0-9a-f]{16} {2}http:\/\/127\.0\.0\.1:9, cursor 0, never fetched$/,
    );
    expect(await run(['trust', 'deploy-x', join(dir, 'a.pub'), '--url', 'ftp://x'])).toBe(2);
  });

  it('lists quarantined items by name and decides by that name', async () => {
    expect(await run(['import', join(dir, 'bundle.json'), '--actor', 'lead-b'])).toBe(0);
    printed.length = 0;
    expect(await run(['pending'])).toBe(0);
    expect(printed[0]).toMatch(
      /^deploy-a\/keyword-library:99\.0\.0 {2}keyword library 99\.0\.0 \(\d+ entries\)/,
    );
    expect(printed[1]).toMatch(/^deploy-a\/image-bank:IVORY {2}bank IVORY \(1 hashes\)/);
    expect(last()).toBe('decide with: wild-sentinel share decide <name> accept|reject');

    expect(await run(['decide', 'deploy-a/image-bank:IVORY', 'reject'])).toBe(0);
    expect(last()).toBe('deploy-a/image-bank:IVORY: rejected');
    expect(await run(['decide', 'deploy-a/keyword-library:99.0.0', 'accept'])).toBe(0);
    expect(last()).toBe('deploy-a/keyword-library:99.0.0: accepted');
    const { rows } = await b.pool.query(
      'SELECT library FROM keyword_library_versions ORDER BY published_at DESC LIMIT 1',
    );
    const added = (rows[0]!.library as { entries: { term: string; status: string }[] }).entries.find(
      (e) => e.term === 'xà cừ trắng',
    );
    expect(added?.status).toBe('proposed');
    expect(await run(['pending'])).toBe(0);
    expect(last()).toBe('nothing waits for a decision');

    expect(await run(['decide', 'deploy-a/no-such-item', 'accept'])).toBe(1);
    expect(last()).toMatch(/^no shared item "deploy-a\/no-such-item" \(see wild-sentinel share pending\)$/);
  });

  it('marks a false positive only with this deployment named, and reports an unreachable peer in one line', async () => {
    expect(await run(['false-positive', 'deploy-a/keyword-library:99.0.0'])).toBe(2);
    expect(last()).toMatch(/SHARE_ORIGIN/);
    expect(await run(['keygen', join(dir, 'keys')])).toBe(0);
    vi.stubEnv('SHARE_ORIGIN', 'deploy-b');
    vi.stubEnv('SHARE_SIGNING_KEY_FILE', join(dir, 'keys', 'share-signing.key'));
    expect(readFileSync(join(dir, 'keys', 'share-signing.pub'), 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
    expect(
      await run(['false-positive', 'deploy-a/keyword-library:99.0.0', '--note', 'not a code word here']),
    ).toBe(0);
    expect(last()).toBe(
      'deploy-a/keyword-library:99.0.0 is no longer used here; deploy-a is told with the next fetch',
    );
    const { rows } = await b.pool.query("SELECT audience, payload FROM share_outbox WHERE type = 'feedback'");
    expect(rows).toEqual([
      {
        audience: 'deploy-a',
        payload: {
          to: 'deploy-a',
          itemId: 'keyword-library:99.0.0',
          verdict: 'false-positive',
          note: 'not a code word here',
        },
      },
    ]);

    expect(await run(['fetch'])).toBe(1);
    expect(last()).toMatch(/^deploy-a: cannot reach http:\/\/127\.0\.0\.1:9: /);
    expect(last()).not.toMatch(/\n/);
    expect(await run(['feedback'])).toBe(0);
    expect(last()).toBe('no feedback from peers');
  });

  it('exports candidate terms when asked; on B they wait for a person and an accepted one becomes a candidate once', async () => {
    const file = join(dir, 'candidates.json');
    vi.stubEnv('DATABASE_URL', a.url);
    vi.stubEnv('SHARE_SIGNING_KEY_FILE', join(dir, 'a.key'));
    expect(await run(['export', '--origin', 'deploy-a', '--out', join(dir, 'plain.json')])).toBe(0);
    expect(readFileSync(join(dir, 'plain.json'), 'utf8')).not.toContain('term-candidate');
    expect(await run(['export', '--origin', 'deploy-a', '--candidates', '--out', file])).toBe(0);
    const json = readFileSync(file, 'utf8');
    expect(json).toContain('"term":"ngà non"');
    for (const leaked of ['424242', '515151', 'inbox', '0912']) expect(json).not.toContain(leaked);

    vi.stubEnv('DATABASE_URL', b.url);
    expect(await run(['import', file, '--actor', 'lead-b'])).toBe(0);
    printed.length = 0;
    expect(await run(['pending'])).toBe(0);
    const line = printed.find((l) => l.includes('candidate term'))!;
    expect(line).toMatch(
      /^deploy-a\/term-candidate:vi:[0-9a-f]{16} {2}candidate term "ngà non" \(vi, new there; in 5 confirmed or missed, 0 rejected or allowed listings; precision 100%\)/,
    );
    const name = line.split('  ')[0]!;
    expect(await run(['decide', name, 'accept', '--actor', 'lead-b'])).toBe(0);
    expect(last()).toBe(`${name}: accepted`);
    expect(await run(['import', file, '--actor', 'lead-b'])).toBe(0);
    expect(await run(['decide', name, 'accept', '--actor', 'lead-b'])).toBe(0);
    const { rows } = await b.pool.query(
      'SELECT term, origin, status, examples, report_ids FROM term_candidates',
    );
    expect(rows).toEqual([
      { term: 'ngà non', origin: 'shared by deploy-a', status: 'new', examples: [], report_ids: [] },
    ]);

    const tampered = JSON.parse(json) as { body: { items: { payload: { term: string } }[] } };
    tampered.body.items[0]!.payload.term = 'ngà già';
    writeFileSync(file, JSON.stringify(tampered));
    expect(await run(['import', file])).toBe(1);
    expect(last()).toMatch(/^refused \(bad_signature\): /);
  });
});
