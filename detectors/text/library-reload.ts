// Hot reload: polls keyword_library_versions and activates a newer published version in this process,
// compiled in a worker thread (the event loop keeps serving) and swapped in atomically (setActiveLibrary). Start it in the worker and the API:
//   const stop = watchLibrary(pool, { intervalMs: 10_000, onError: (e) => log.warn(...) });

import { compareVersions, getVersion, latestVersion } from '../../keywords/versions.ts';
import type { Queryable } from '../../shared/db/pool.ts';
import { compileLibraryOffThread } from './compile-off-thread.ts';
import { type CompiledLibrary, getActiveLibrary, setActiveLibrary } from './index.ts';

export interface WatchOptions {
  intervalMs?: number;
  onReload?: (library: CompiledLibrary) => void;
  onError?: (error: unknown) => void;
}

/** Checks once; activates and returns the newer version, or undefined when already current. */
export async function reloadIfNewer(db: Queryable): Promise<CompiledLibrary | undefined> {
  const latest = await latestVersion(db);
  if (!latest) return undefined;
  const current = getActiveLibrary();
  if (compareVersions(latest.version, current.version) <= 0) return undefined;
  const compiled = await compileLibraryOffThread(await getVersion(db, latest.version));
  // Another poll may have activated this or a newer version while the thread compiled.
  if (compareVersions(compiled.version, getActiveLibrary().version) <= 0) return undefined;
  return setActiveLibrary(compiled);
}

/** Polls until the returned stop function is called. A failed poll is reported and retried next time. */
export function watchLibrary(db: Queryable, options: WatchOptions = {}): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const reloaded = await reloadIfNewer(db);
      if (reloaded) options.onReload?.(reloaded);
    } catch (err) {
      options.onError?.(err);
    }
    if (!stopped) timer = setTimeout(tick, options.intervalMs ?? 10_000);
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
