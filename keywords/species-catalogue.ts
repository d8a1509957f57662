// The species table as the metrics name it: display names for keys, and the keys a person's word for a
// species (its key, or a common name in any language, any case) stands for. Read once from species.yaml.
import { type SpeciesCatalogue, speciesCatalogue } from '../shared/metrics/names.ts';
import { loadSpeciesFromDir } from './load.ts';

let cached: SpeciesCatalogue | undefined;

export function librarySpeciesCatalogue(): SpeciesCatalogue {
  cached ??= speciesCatalogue(loadSpeciesFromDir().map((s) => ({ key: s.key, names: s.names })));
  return cached;
}
