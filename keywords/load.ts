// Reads the library's data files (keywords/library/) into one validated Library. Groups in the term files
// are expanded into entries, and the species table's common names become species-name entries unless a
// term file already lists the same name with its own provenance.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  alertMessagesSchema,
  type Entry,
  entryId,
  type Library,
  librarySchema,
  libraryVersion,
  type Species,
  speciesSchema,
  type TermFile,
  termFileSchema,
} from './schema.ts';

export const LIBRARY_DIR = fileURLToPath(new URL('./library/', import.meta.url));

const headerSchema = z.object({ version: libraryVersion, alertMessages: alertMessagesSchema });

export class LibraryFileError extends Error {
  constructor(file: string, error: unknown) {
    const detail =
      error instanceof z.ZodError
        ? error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
        : String(error);
    super(`${file}: ${detail}`);
    this.name = 'LibraryFileError';
  }
}

function readYaml<T>(file: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new LibraryFileError(file, err);
  }
}

/** Expands one term file's groups into entries. */
export function expandTermFile(file: TermFile): Entry[] {
  const entries: Entry[] = [];
  for (const group of file.groups) {
    for (const item of group.terms) {
      const o = typeof item === 'string' ? { term: item } : item;
      const source = o.source ?? group.source;
      const needsNativeReview =
        o.needsNativeReview ?? group.needsNativeReview ?? (source === undefined && !group.addedBy);
      entries.push({
        term: o.term,
        language: file.language,
        kind: group.kind,
        species: o.species ?? group.species,
        productType: o.productType ?? group.productType,
        negativeContext: group.negativeContext,
        strength: o.strength ?? group.strength,
        fpRisk: o.fpRisk ?? group.fpRisk,
        provenance: {
          source,
          addedBy: group.addedBy,
          needsNativeReview,
          reviewNote: needsNativeReview ? (o.reviewNote ?? group.reviewNote ?? file.reviewNote) : undefined,
        },
        addedIn: o.addedIn ?? group.addedIn ?? file.addedIn,
        status: o.status ?? 'active',
        note: o.note ?? group.note,
      });
    }
  }
  return entries;
}

/** A binomial or trinomial ("Astrochelys radiata"), not a group name ("Selachimorpha", "Manis spp."). */
const BINOMIAL = /^[A-Z][a-z]+(?: [a-z]{3,}){1,2}$/;

/**
 * Species-name entries from the species table, skipping names a term file already covers. The scientific
 * name is one too, in every language: breeders and reptile and bird sellers name species by it, and a
 * binomial means nothing else.
 */
export function speciesNameEntries(species: readonly Species[], existing: Set<string>): Entry[] {
  const entries: Entry[] = [];
  const add = (entry: Entry) => {
    const id = entryId(entry);
    if (existing.has(id)) return;
    existing.add(id);
    entries.push(entry);
  };
  for (const s of species) {
    const base = {
      kind: 'species',
      species: s.key,
      strength: 'weak',
      addedIn: s.addedIn,
      status: 'active',
    } as const;
    if (BINOMIAL.test(s.scientific)) {
      add({
        ...base,
        term: s.scientific,
        language: 'la',
        fpRisk: 'low',
        provenance: { source: s.source, needsNativeReview: false },
      });
    }
    for (const [language, names] of Object.entries(s.names)) {
      for (const term of names) {
        add({
          ...base,
          term,
          language,
          fpRisk: s.riskyNames.includes(term) ? 'high' : 'medium',
          provenance:
            language === 'en'
              ? { source: s.source, needsNativeReview: false }
              : {
                  needsNativeReview: true,
                  reviewNote: `common name of ${s.scientific} from the species table; confirm local usage`,
                },
        });
      }
    }
  }
  return entries;
}

/** The species table alone (keys, names per language), without the term files. */
export function loadSpeciesFromDir(dir = LIBRARY_DIR): Species[] {
  return readYaml(join(dir, 'species.yaml'), z.array(speciesSchema));
}

/** Loads and validates the whole library from a directory laid out like keywords/library/. */
export function loadLibraryFromDir(dir = LIBRARY_DIR): Library {
  const header = readYaml(join(dir, 'library.yaml'), headerSchema);
  const species = loadSpeciesFromDir(dir);
  const termDir = join(dir, 'terms');
  const entries: Entry[] = [];
  for (const name of readdirSync(termDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const file = readYaml(join(termDir, name), termFileSchema);
    entries.push(...expandTermFile(file));
  }
  const ids = new Set(entries.map(entryId));
  entries.push(...speciesNameEntries(species, ids));
  const result = librarySchema.safeParse({
    version: header.version,
    species,
    entries,
    alertMessages: header.alertMessages,
  });
  if (!result.success) throw new LibraryFileError(dir, result.error);
  return result.data;
}
