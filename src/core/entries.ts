/**
 * Where a process finds the runtime's entry points: the bundles
 * scripts/bundle.mjs makes after tsc (dist/bundle/<name>.js), one copy of
 * the runtime shared by all of them through common chunks. Every place that
 * starts a rank, a spawned process or a futures worker, and every import of
 * `mpi4ts` that the package does not resolve itself, goes through here, so a
 * process never loads the runtime twice (once bundled, once as tsc's files).
 */
export type RuntimeEntry = 'index' | 'futures-index' | 'stopwatch' | 'util-sync' | 'futures-server' | 'futures-main' | 'rank-main' | 'rank-entry'
  | 'bench-helloworld' | 'bench-ringtest' | 'bench-pingpong';

/** URL of a runtime entry (this module is dist/core/entries.js, also when bundled). */
export function runtimeEntry(name: RuntimeEntry): URL {
  return new URL(`../bundle/${name}.js`, import.meta.url);
}
