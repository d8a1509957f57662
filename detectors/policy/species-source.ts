// The policy's species table comes from the keyword library's species table (keywords/library/species.yaml),
// so names, groups and CITES appendices are kept in one place. This module only adds what the policy needs
// on top: a group slug, one appendix per row, and which animals bear ivory.
import { loadLibraryFromDir } from '../../keywords/load.ts';
import type { Species as LibrarySpecies } from '../../keywords/schema.ts';
import type { Appendix, SpeciesEntry } from './schema.ts';

/** Animals whose teeth or tusks are traded as ivory (domain.md §3.2: eBay AU, Google Ads, Amazon lists). */
export const IVORY_BEARING_GROUPS = ['elephants', 'fossil-ivory'];
export const IVORY_BEARING_SPECIES = [
  'narwhal',
  'sperm-whale',
  'walrus',
  'hippopotamus',
  'warthog',
  'orca',
  'dugong',
];

export const slugify = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * A split listing ("I/II": some populations or species in each) reads as Appendix II, so a claimed permit
 * goes to a reviewer instead of being ignored; the framework clauses for high-risk groups still apply.
 */
function appendixOf(cites: LibrarySpecies['cites']): Appendix | null {
  if (cites === 'not-listed') return null;
  if (cites === 'I/II') return 'II';
  return cites;
}

export function speciesFromLibrary(rows: readonly LibrarySpecies[]): SpeciesEntry[] {
  return rows.map((s) => {
    const group = slugify(s.group);
    const names = [...new Set(Object.values(s.names).flat())];
    const note = [s.cites === 'I/II' ? 'Split listing (I/II).' : '', s.citesNote ?? ''].join(' ').trim();
    return {
      id: s.key,
      names: names.length > 0 ? names : [s.key],
      scientific: [s.scientific],
      group,
      appendix: appendixOf(s.cites),
      ivory: IVORY_BEARING_GROUPS.includes(group) || IVORY_BEARING_SPECIES.includes(s.key),
      ...(note ? { note: note.slice(0, 500) } : {}),
      // The library cites a source per row but asks for re-verification against Species+.
      verified: false,
    };
  });
}

/** The species rows of the keyword library shipped in keywords/library/. */
export function librarySpecies(): SpeciesEntry[] {
  return speciesFromLibrary(loadLibraryFromDir().species);
}
