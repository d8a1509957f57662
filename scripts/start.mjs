#!/usr/bin/env node
// `wild-sentinel start` (npm start, the Docker image): runs the CLI from one bundle of its TypeScript
// sources, built here by esbuild, rather than through tsx's loader. The loader keeps a compiler thread and
// the transpiled source of every module in the long-running process: about 35 MB of its idle memory (README,
// sizing). Other commands are short-lived and keep using tsx (bin/wild-sentinel.mjs).
//
// The bundle goes under node_modules/.cache, in a directory named by a hash of its own contents, written
// under a temporary name and renamed, so processes starting together never read half of one. Every
// module's import.meta.url still names its source file, so the files it reads beside itself (migrations,
// the keyword library, WebAssembly, worker scripts) are found where they are.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'wild-sentinel');
/** Where esbuild is told the bundle lives; the real directory has the same depth, so relative URLs hold. */
const STAGING = join(CACHE, 'start-bundle');

/** Rewrites import.meta.url in each module to its source file's URL, relative to the bundle. */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const contents = await readFile(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return { contents, loader: 'ts' };
      const fromBundle = relative(STAGING, args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: contents.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

async function bundle() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'cli/main.ts' },
    bundle: true,
    splitting: true, // commands, chat SDKs and campaign channels stay in chunks loaded when first used
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: STAGING,
    write: false,
    plugins: [sourceUrls],
    logLevel: 'warning',
  });
  const hash = createHash('sha256');
  for (const file of result.outputFiles) hash.update(file.path).update(file.contents);
  const dir = join(CACHE, `start-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(dir)) {
    const partial = `${dir}.${process.pid}.partial`;
    for (const file of result.outputFiles) {
      const target = join(partial, relative(STAGING, file.path));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    try {
      renameSync(partial, dir);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another process renamed the same bundle first
    }
  }
  pruneOldBundles(dir);
  return join(dir, 'main.js');
}

/**
 * Bundles of earlier versions go after a day (a process of that version may still be starting), and so do
 * half-written ones a killed process left behind.
 */
function pruneOldBundles(current) {
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (path === current || !/^start-[0-9a-f]+(\.\d+\.partial)?$/.test(name)) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > 24 * 3600 * 1000)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // Another process pruned it first.
    }
  }
}

let main;
try {
  main = await bundle();
} catch (err) {
  // A read-only install without a bundle built ahead still starts, through the TypeScript loader.
  if (process.argv[2] === '--build-only') throw err;
  console.error(`could not build the start bundle (${err.message}); running through tsx instead`);
} finally {
  await stop(); // esbuild's service process would otherwise stay beside the system for its whole life
}
if (main === undefined) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
} else if (process.argv[2] !== '--build-only') {
  // `--build-only` (setup, the Docker image's build step) stops once the bundle is in place.
  await import(pathToFileURL(main).href);
}
