/**
 * Where a process finds the runtime's entry points: the bundles
 * scripts/bundle.mjs makes after tsc (dist/bundle/<name>.js), one copy of
 * the runtime shared by all of them through common chunks. Every place that
 * starts a rank, a spawned process or a futures worker, and every import of
 * `mpi4ts` that the package does not resolve itself, goes through here, so a
 * process never loads the runtime twice (once bundled, once as tsc's files).
 */
export type RuntimeEntry = 'index' | 'futures-index' | 'stopwatch' | 'futures-server' | 'futures-main' | 'rank-main' | 'rank-entry'
  | 'bench-helloworld' | 'bench-ringtest' | 'bench-pingpong'
  | 'util-index' | 'util-pkl5' | 'util-dtlib' | 'util-pool' | 'util-sync';

/** URL of a runtime entry (this module is dist/core/entries.js, also when bundled). */
export function runtimeEntry(name: RuntimeEntry): URL {
  return new URL(`../bundle/${name}.js`, import.meta.url);
}

/** The package's exports by specifier (`mpi4ts`, `mpi4ts/futures`, `mpi4ts/util`, ...) and the runtime entry each is. */
export const PACKAGE_EXPORTS: Readonly<Record<string, RuntimeEntry>> = {
  'mpi4ts': 'index',
  'mpi4ts/futures': 'futures-index',
  'mpi4ts/stopwatch': 'stopwatch',
  'mpi4ts/util': 'util-index',
  'mpi4ts/util/pkl5': 'util-pkl5',
  'mpi4ts/util/dtlib': 'util-dtlib',
  'mpi4ts/util/pool': 'util-pool',
  'mpi4ts/util/sync': 'util-sync',
};

/** URL of each package export's bundle, by specifier. */
export function packageExportURLs(): Record<string, string> {
  return Object.fromEntries(Object.entries(PACKAGE_EXPORTS).map(([spec, entry]) => [spec, runtimeEntry(entry).href]));
}
