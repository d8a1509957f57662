// Names instead of ids in what people read (platform names, species common names), and the other way round
// for what they type: a filter may name a platform or a species by its id or its name, in any case
// ("species=Pangolin"). A value that names nothing is an error that lists what would have matched, never a
// silent page of zeros.
import type { Queryable } from '../db/pool.ts';
import type { MetricsFilters } from './filters.ts';

export interface SpeciesRow {
  key: string;
  /** Common names by language tag; English first is the display name when none matches the key. */
  names: Record<string, readonly string[]>;
}

export interface SpeciesCatalogue {
  /** "African elephant" for african-elephant; an unknown key is shown as it is. */
  label(key: string): string;
  /** The species keys a key or a common name (any language, any case) stands for. */
  keysFor(value: string): string[];
}

const fold = (s: string) => s.normalize('NFKC').toLocaleLowerCase('en').trim();
const slug = (s: string) =>
  fold(s)
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '');
const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase('en') + s.slice(1);

export function speciesCatalogue(rows: readonly SpeciesRow[]): SpeciesCatalogue {
  const labels = new Map<string, string>();
  const byName = new Map<string, Set<string>>();
  const add = (name: string, key: string) => {
    const k = fold(name);
    if (!byName.has(k)) byName.set(k, new Set());
    byName.get(k)!.add(key);
  };
  for (const row of rows) {
    const english = row.names.en ?? [];
    const named = english.find((n) => slug(n) === row.key);
    labels.set(row.key, capitalise(named ?? row.key.replace(/-/g, ' ')));
    add(row.key, row.key);
    for (const names of Object.values(row.names)) for (const n of names) add(n, row.key);
  }
  return {
    label: (key) => labels.get(key) ?? key,
    keysFor(value) {
      const k = fold(value);
      // A key wins over a name that other species share ("elephant" is a key of no one, a name of one).
      if (labels.has(k)) return [k];
      return [...(byName.get(k) ?? byName.get(fold(value.replace(/[-_]+/g, ' '))) ?? [])].sort();
    },
  };
}

export class UnknownFilterError extends Error {
  constructor(
    readonly field: 'platform' | 'species',
    readonly value: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'UnknownFilterError';
  }
}

const list = (xs: string[]) => (xs.length > 12 ? `${xs.slice(0, 12).join(', ')}, …` : xs.join(', '));

/** The platform id a filter value names: its id or its name, in any case. */
async function platformId(db: Queryable, value: string): Promise<string> {
  const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM platforms ORDER BY id');
  const v = fold(value);
  const byId = rows.find((r) => r.id === v);
  if (byId) return byId.id;
  const byName = rows.filter((r) => fold(r.name) === v);
  if (byName.length === 1) return byName[0]!.id;
  if (byName.length > 1)
    throw new UnknownFilterError(
      'platform',
      value,
      `"${value}" names ${byName.length} platforms: use one of the ids ${list(byName.map((r) => r.id))}`,
    );
  throw new UnknownFilterError(
    'platform',
    value,
    `no platform "${value}"; known: ${list(rows.map((r) => `${r.id} (${r.name})`)) || 'none'}`,
  );
}

/**
 * The species key a filter value names, in any case: a key from the catalogue, else a species value the stored
 * evidence or reports carry (older or imported keys), else a common name from the catalogue.
 */
async function speciesKey(db: Queryable, value: string, catalogue: SpeciesCatalogue): Promise<string> {
  const keys = catalogue.keysFor(value);
  if (keys.length === 1 && keys[0] === fold(value)) return keys[0];
  const { rows } = await db.query<{ species: string }>(
    `SELECT s AS species FROM (
       SELECT unnest(species) AS s FROM metrics_case_facts UNION SELECT species FROM reports WHERE species IS NOT NULL) u
     WHERE lower(s) = lower($1) ORDER BY 1 LIMIT 1`,
    [value.trim()],
  );
  if (rows[0]) return rows[0].species;
  if (keys.length === 1) return keys[0]!;
  if (keys.length > 1) {
    throw new UnknownFilterError(
      'species',
      value,
      `"${value}" names ${keys.length} species: use one of ${list(keys.map((k) => `${k} (${catalogue.label(k)})`))}`,
    );
  }
  throw new UnknownFilterError(
    'species',
    value,
    `no species "${value}": use a species key or common name, like pangolin or African elephant`,
  );
}

/** The filters with the platform and species given by name turned into their ids. */
export async function resolveFilters(
  db: Queryable,
  f: MetricsFilters,
  catalogue: SpeciesCatalogue,
): Promise<MetricsFilters> {
  const [platform, species] = await Promise.all([
    f.platform ? platformId(db, f.platform) : undefined,
    f.species ? speciesKey(db, f.species, catalogue) : undefined,
  ]);
  return { ...f, platform, species };
}

export interface DisplayNames {
  platforms: Record<string, string>;
  species: Record<string, string>;
  /** Labels of the reviewers' rejection reason codes. */
  reasons: Record<string, string>;
}

/** Names for the platform ids and species keys an answer shows. */
export async function displayNames(
  db: Queryable,
  catalogue: SpeciesCatalogue,
  speciesKeys: Iterable<string>,
  reasons: Record<string, string> = {},
): Promise<DisplayNames> {
  const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM platforms ORDER BY id');
  return {
    platforms: Object.fromEntries(rows.map((r) => [r.id, r.name])),
    species: Object.fromEntries([...new Set(speciesKeys)].map((k) => [k, catalogue.label(k)])),
    reasons,
  };
}
