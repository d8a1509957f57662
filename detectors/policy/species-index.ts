// Resolves whatever name a detector reports (an id, a common or scientific name, any case) to a row of
// the policy's species table. Unknown names stay unknown: the engine then sends them to review.
import type { Species } from './schema.ts';

export type SpeciesIndex = (name: string) => Species | undefined;

const norm = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();

export function indexSpecies(table: readonly Species[]): SpeciesIndex {
  const byName = new Map<string, Species>();
  for (const s of table) {
    for (const n of [s.id, ...s.names, ...s.scientific]) {
      const key = norm(n);
      if (!byName.has(key)) byName.set(key, s);
    }
  }
  // Detectors report the same few names over and over: remember each spelling's answer (bounded, since
  // a model's signal may name anything).
  const seen = new Map<string, Species | undefined>();
  return (name) => {
    if (seen.has(name)) return seen.get(name);
    const found = byName.get(norm(name));
    if (seen.size >= 10_000) seen.clear();
    seen.set(name, found);
    return found;
  };
}
