// Published library versions in keyword_library_versions: publish (with checksum and audit entry), list, read.

import { appendAudit } from '../shared/db/audit.ts';
import type { Queryable } from '../shared/db/pool.ts';
import { libraryChecksum, mergeProposed } from './exchange.ts';
import { loadLibraryFromDir } from './load.ts';
import { type Library, librarySchema } from './schema.ts';

export interface VersionSummary {
  version: string;
  publishedAt: Date;
  publishedBy: string;
  changelog: string;
  entryCount: number;
  checksum: string;
}

export class VersionError extends Error {
  override name = 'VersionError';
}

/** Orders "1.10.0" after "1.9.0". */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export async function publishVersion(
  db: Queryable,
  library: Library,
  publishedBy: string,
  changelog: string,
): Promise<VersionSummary> {
  const valid = librarySchema.parse(library);
  const latest = await latestVersion(db);
  if (latest && compareVersions(valid.version, latest.version) <= 0) {
    throw new VersionError(
      `version ${valid.version} is not newer than the latest published ${latest.version}`,
    );
  }
  const checksum = libraryChecksum(valid);
  const { rows } = await db.query<{ published_at: Date }>(
    `INSERT INTO keyword_library_versions (version, published_by, changelog, entry_count, checksum, library)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING published_at`,
    [valid.version, publishedBy, changelog, valid.entries.length, checksum, JSON.stringify(valid)],
  );
  await appendAudit(db, {
    actor: publishedBy,
    action: 'keywords.publish',
    subjectType: 'keyword_library',
    subjectId: valid.version,
    details: { changelog, entryCount: valid.entries.length, checksum },
  });
  return {
    version: valid.version,
    publishedAt: rows[0]!.published_at,
    publishedBy,
    changelog,
    entryCount: valid.entries.length,
    checksum,
  };
}

const toSummary = (r: {
  version: string;
  published_at: Date;
  published_by: string;
  changelog: string;
  entry_count: number;
  checksum: string;
}): VersionSummary => ({
  version: r.version,
  publishedAt: r.published_at,
  publishedBy: r.published_by,
  changelog: r.changelog,
  entryCount: r.entry_count,
  checksum: r.checksum,
});

export async function listVersions(db: Queryable): Promise<VersionSummary[]> {
  const { rows } = await db.query(
    'SELECT version, published_at, published_by, changelog, entry_count, checksum FROM keyword_library_versions',
  );
  return rows.map(toSummary).sort((a, b) => compareVersions(a.version, b.version));
}

export async function latestVersion(db: Queryable): Promise<VersionSummary | undefined> {
  return (await listVersions(db)).at(-1);
}

/** Reads and re-validates a published version (the database is a boundary too). */
export async function getVersion(db: Queryable, version: string): Promise<Library> {
  const { rows } = await db.query<{ library: unknown; checksum: string }>(
    'SELECT library, checksum FROM keyword_library_versions WHERE version = $1',
    [version],
  );
  if (rows.length === 0) throw new VersionError(`no published version ${version}`);
  const library = librarySchema.parse(rows[0]!.library);
  if (libraryChecksum(library) !== rows[0]!.checksum)
    throw new VersionError(`version ${version} fails its checksum`);
  return library;
}

/** The next patch version after the latest published one (or the given base). */
export function nextVersion(latest: string | undefined, base = '1.0.0'): string {
  if (!latest) return base;
  const [major, minor, patch] = latest.split('.').map(Number) as [number, number, number];
  const bumped = `${major}.${minor}.${patch + 1}`;
  return compareVersions(base, bumped) > 0 ? base : bumped;
}

/**
 * The path by which another library reaches this one: its entries that the latest published version (or
 * the bundled library) lacks are published in a new version as proposed, for a lead to activate or retire.
 * Nothing is published when there is nothing new and `skipWhenNothingNew` is set.
 */
export async function proposeEntries(
  db: Queryable,
  incoming: Library,
  o: { source: string; by: string; skipWhenNothingNew?: boolean },
): Promise<{ version: VersionSummary | null; added: number }> {
  const latest = await latestVersion(db);
  const base = latest ? await getVersion(db, latest.version) : loadLibraryFromDir();
  const version = nextVersion(latest?.version, base.version);
  const { library, added } = mergeProposed(base, incoming, o.source, version);
  if (added === 0 && o.skipWhenNothingNew) return { version: null, added };
  const published = await publishVersion(
    db,
    library,
    o.by,
    `import of ${incoming.version}: ${added} proposed entries`,
  );
  return { version: published, added };
}
