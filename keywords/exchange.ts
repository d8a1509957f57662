// Sharing the library with other platforms: a documented JSON export (keywords/FORMAT.md) with a checksum,
// its validating import, and the diff between two versions.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type Entry, entryId, type Library, librarySchema, libraryVersion } from './schema.ts';

export const EXPORT_FORMAT = 'wild-sentinel/keyword-library';
export const EXPORT_FORMAT_VERSION = 1;

/** JSON with object keys sorted at every level, so equal libraries hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function libraryChecksum(library: Library): string {
  return createHash('sha256').update(canonicalJson(library)).digest('hex');
}

export const exportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  formatVersion: z.literal(EXPORT_FORMAT_VERSION),
  version: libraryVersion,
  exportedAt: z.string(),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
  library: z.unknown(),
});
export type LibraryExport = z.infer<typeof exportSchema>;

export function exportLibrary(library: Library, now = new Date()): LibraryExport {
  return {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    version: library.version,
    exportedAt: now.toISOString(),
    checksum: libraryChecksum(library),
    library,
  };
}

export class ImportError extends Error {
  override name = 'ImportError';
}

/** Validates an export document (format, schema, checksum) and returns its library. */
export function importLibrary(json: unknown): Library {
  const doc = exportSchema.safeParse(json);
  if (!doc.success) {
    throw new ImportError(
      `not a keyword library export: ${doc.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const lib = librarySchema.safeParse(doc.data.library);
  if (!lib.success) {
    const first = lib.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ImportError(`invalid library: ${first.join('; ')}`);
  }
  if (libraryChecksum(lib.data) !== doc.data.checksum)
    throw new ImportError('checksum mismatch: the file was altered');
  if (lib.data.version !== doc.data.version)
    throw new ImportError('version does not match the library inside');
  return lib.data;
}

/**
 * Adds the entries of `incoming` that `base` lacks, as proposed (a lead approves them before they screen
 * anything), keeping their provenance and noting where they came from.
 */
export function mergeProposed(
  base: Library,
  incoming: Library,
  origin: string,
  version: string,
): { library: Library; added: number } {
  const known = new Set(base.entries.map(entryId));
  const speciesKeys = new Set(base.species.map((s) => s.key));
  const added: Entry[] = [];
  for (const e of incoming.entries) {
    if (known.has(entryId(e))) continue;
    known.add(entryId(e));
    added.push({
      ...e,
      species: e.species !== undefined && speciesKeys.has(e.species) ? e.species : undefined,
      status: 'proposed',
      addedIn: version,
      note: [e.note, `imported from ${origin}`].filter(Boolean).join('; '),
    });
  }
  return { library: { ...base, version, entries: [...base.entries, ...added] }, added: added.length };
}

export interface EntryChange {
  id: string;
  before: Entry;
  after: Entry;
  fields: string[];
}

export interface LibraryDiff {
  from: string;
  to: string;
  added: Entry[];
  removed: Entry[];
  changed: EntryChange[];
}

export function diffLibraries(from: Library, to: Library): LibraryDiff {
  const before = new Map(from.entries.map((e) => [entryId(e), e]));
  const after = new Map(to.entries.map((e) => [entryId(e), e]));
  const changed: EntryChange[] = [];
  for (const [id, b] of before) {
    const a = after.get(id);
    if (!a) continue;
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => canonicalJson(a[k as keyof Entry]) !== canonicalJson(b[k as keyof Entry]),
    );
    if (fields.length > 0) changed.push({ id, before: b, after: a, fields: fields.sort() });
  }
  return {
    from: from.version,
    to: to.version,
    added: [...after].filter(([id]) => !before.has(id)).map(([, e]) => e),
    removed: [...before].filter(([id]) => !after.has(id)).map(([, e]) => e),
    changed,
  };
}

/** A short changelog line for a diff, e.g. "+12 -1 ~3 (en +10, vi +2)". */
export function summarizeDiff(diff: LibraryDiff): string {
  const perLanguage = new Map<string, number>();
  for (const e of diff.added) perLanguage.set(e.language, (perLanguage.get(e.language) ?? 0) + 1);
  const langs = [...perLanguage].map(([l, n]) => `${l} +${n}`).join(', ');
  return `+${diff.added.length} -${diff.removed.length} ~${diff.changed.length}${langs ? ` (${langs})` : ''}`;
}
