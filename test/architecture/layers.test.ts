// The layers read one way: cli -> bots and api -> workflows -> detectors -> keywords -> shared. A module
// may import its own layer and the ones below it, never one above; bots and api do not import each other.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAYER: Record<string, number> = {
  shared: 0,
  keywords: 1,
  detectors: 2,
  workflows: 3,
  bots: 4,
  api: 4,
  cli: 5,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports and re-exports of a module (static and dynamic), resolved to project paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => relative(ROOT, resolve(dirname(file), s)));
}

const layerOf = (path: string) => LAYER[path.split('/')[0]!];

function violations(): string[] {
  const found: string[] = [];
  for (const top of Object.keys(LAYER)) {
    for (const file of sourceFiles(join(ROOT, top))) {
      const from = relative(ROOT, file);
      for (const target of importsOf(file)) {
        const [a, b] = [layerOf(from), layerOf(target)];
        if (a === undefined || b === undefined) continue;
        const sideways = a === b && from.split('/')[0] !== target.split('/')[0];
        if (b > a || sideways) found.push(`${from} -> ${target}`);
      }
    }
  }
  return found;
}

describe('dependency direction', () => {
  it('has no import that points up (or across between bots and api)', () => {
    expect(violations()).toEqual([]);
  });

  it('would catch an import that points up', () => {
    // The checker itself: a detector importing a workflow is one layer up.
    expect(layerOf('detectors/screen.ts')! < layerOf('workflows/case-workflow.ts')!).toBe(true);
    expect(importsOf(join(ROOT, 'cli/system.ts')).some((p) => p.startsWith('workflows/'))).toBe(true);
  });
});
