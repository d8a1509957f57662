// The library a deployment screens with: its latest published version, or the bundled files before any is
// published (what the running processes load too, see detectors/text/library-reload.ts).
import { loadLibraryFromDir } from '../../keywords/load.ts';
import type { Library } from '../../keywords/schema.ts';
import { getVersion, latestVersion } from '../../keywords/versions.ts';
import type { Queryable } from '../../shared/db/pool.ts';

export async function currentLibrary(db: Queryable): Promise<Library> {
  const latest = await latestVersion(db);
  return latest ? getVersion(db, latest.version) : loadLibraryFromDir();
}
