// `start` builds the workflow bundle once per version of the code, in a worker thread, and reuses it: a
// restart finds it by the hash of the sources, an edited source builds a new one, and a cache it cannot
// write still gives a bundle.
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleInChild, cachedWorkflowBundle, sourceHash } from '../../workflows/bundle-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'ws-bundle-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workflow bundle cache', () => {
  it('hashes the sources: the same files give the same hash, an edit a new one', () => {
    const root = join(dir, 'src');
    mkdirSync(join(root, 'workflows', 'review'), { recursive: true });
    writeFileSync(join(root, 'workflows', 'case.ts'), 'export const a = 1;');
    writeFileSync(join(root, 'workflows', 'review', 'moves.ts'), 'export const b = 2;');
    writeFileSync(join(root, 'workflows', 'notes.md'), 'not code');
    const first = sourceHash(root, ['workflows']);
    expect(sourceHash(root, ['workflows'])).toBe(first);
    writeFileSync(join(root, 'workflows', 'notes.md'), 'still not code');
    expect(sourceHash(root, ['workflows'])).toBe(first);
    writeFileSync(join(root, 'workflows', 'review', 'moves.ts'), 'export const b = 3;');
    expect(sourceHash(root, ['workflows'])).not.toBe(first);
  });

  it('bundles once per hash and then reads the file', async () => {
    const cacheDir = join(dir, 'cache');
    let bundles = 0;
    const bundle = async () => {
      bundles += 1;
      return `// bundle ${bundles}`;
    };
    const a = await cachedWorkflowBundle({ cacheDir, hash: 'h1', bundle });
    const again = await cachedWorkflowBundle({ cacheDir, hash: 'h1', bundle });
    expect(again).toEqual(a);
    expect(a).toMatchObject({ codePath: join(cacheDir, 'workflow-bundle-h1.js') });
    expect(bundles).toBe(1);
    expect(await cachedWorkflowBundle({ cacheDir, hash: 'h2', bundle })).toMatchObject({
      codePath: join(cacheDir, 'workflow-bundle-h2.js'),
    });
    expect(bundles).toBe(2);
  });

  it('removes bundles of earlier versions once they are a day old', async () => {
    const cacheDir = join(dir, 'pruned');
    mkdirSync(cacheDir);
    const old = join(cacheDir, 'workflow-bundle-old.js');
    const recent = join(cacheDir, 'workflow-bundle-recent.js');
    const other = join(cacheDir, 'notes.txt');
    for (const f of [old, recent, other]) writeFileSync(f, '');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    utimesSync(other, twoDaysAgo, twoDaysAgo);
    await cachedWorkflowBundle({ cacheDir, hash: 'new', bundle: async () => '// new' });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(other)).toBe(true);
    expect(existsSync(join(cacheDir, 'workflow-bundle-new.js'))).toBe(true);
  });

  it('keeps the bundle in memory when the cache cannot be written', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const option = await cachedWorkflowBundle({
      cacheDir: join(blocker, 'cache'),
      hash: 'h3',
      bundle: async () => '// in memory',
    });
    expect(option).toEqual({ code: '// in memory' });
  });

  it('bundles the real workflows in a child process', { timeout: 120_000 }, async () => {
    const code = await bundleInChild();
    expect(code).toContain('caseWorkflow');
    expect(code).toContain('screeningWorkflow');
  });
});
