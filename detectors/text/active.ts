// The library every screening call uses. A new version is compiled first and then swapped in with one
// assignment, so a call in progress finishes on the version it started with and no call sees a half-built
// automaton. Listeners let long-running processes log or count reloads.
import { loadLibraryFromDir } from '../../keywords/load.ts';
import type { Library } from '../../keywords/schema.ts';
import { type CompiledLibrary, compileLibrary } from './compile.ts';

let active: CompiledLibrary | null = null;
const listeners = new Set<(library: CompiledLibrary) => void>();

/** The active compiled library; loads keywords/library/ on first use. */
export function getActiveLibrary(): CompiledLibrary {
  if (active === null) active = compileLibrary(loadLibraryFromDir());
  return active;
}

/** Compiles (if needed) and atomically activates a library version. */
export function setActiveLibrary(library: Library | CompiledLibrary): CompiledLibrary {
  const compiled = 'automaton' in library ? library : compileLibrary(library);
  active = compiled;
  for (const listener of listeners) listener(compiled);
  return compiled;
}

/** Calls listener after every activation; returns an unsubscribe function. */
export function onLibraryChange(listener: (library: CompiledLibrary) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
