/**
 * What a program run by mpi4ts/browser may import: specifier -> the module
 * file in dist/browser/ (without .js) and its source. scripts/bundle-browser.mjs
 * bundles each source as that file (one shared copy of the runtime, in
 * common chunks with the rank entry); compile() (index.ts) resolves a
 * program's imports to them. `node:x` and `x` name the same built-in.
 */
export const MODULES: Readonly<Record<string, readonly [file: string, source: string]>> = {
  'mpi4ts': ['mpi4ts', 'src/index.ts'],
  'mpi4ts/futures': ['mpi4ts-futures', 'src/futures/index.ts'],
  'mpi4ts/stopwatch': ['mpi4ts-stopwatch', 'src/stopwatch.ts'],
  'mpi4ts/util': ['mpi4ts-util', 'src/util/index.ts'],
  'mpi4ts/util/pkl5': ['mpi4ts-util-pkl5', 'src/util/pkl5.ts'],
  'mpi4ts/util/dtlib': ['mpi4ts-util-dtlib', 'src/util/dtlib.ts'],
  'mpi4ts/util/pool': ['mpi4ts-util-pool', 'src/util/pool.ts'],
  'mpi4ts/util/sync': ['mpi4ts-util-sync', 'src/util/sync.ts'],
  'node:fs': ['node-fs', 'src/browser/node/fs.ts'],
  'node:fs/promises': ['node-fs-promises', 'src/browser/node/fs-promises.ts'],
  'node:os': ['node-os', 'src/browser/node/os.ts'],
  'node:path': ['node-path', 'src/browser/node/path.ts'],
  'node:util': ['node-util', 'src/browser/node/util.ts'],
  'node:crypto': ['node-crypto', 'src/browser/node/crypto.ts'],
  'node:assert': ['node-assert', 'src/browser/node/assert.ts'],
  'node:assert/strict': ['node-assert-strict', 'src/browser/node/assert-strict.ts'],
  'node:url': ['node-url', 'src/browser/node/url.ts'],
  'node:events': ['node-events', 'src/browser/node/events.ts'],
  'node:buffer': ['node-buffer', 'src/browser/node/buffer.ts'],
  'node:timers': ['node-timers', 'src/browser/node/timers-module.ts'],
  'node:timers/promises': ['node-timers-promises', 'src/browser/node/timers-promises.ts'],
  'node:perf_hooks': ['node-perf_hooks', 'src/browser/node/perf_hooks.ts'],
  'node:process': ['node-process', 'src/browser/node/process.ts'],
  'node:worker_threads': ['node-worker_threads', 'src/browser/node/worker_threads.ts'],
  'node:v8': ['node-v8', 'src/browser/node/v8.ts'],
  'node:tty': ['node-tty', 'src/browser/node/tty.ts'],
  'pngjs': ['pngjs', 'src/browser/packages/pngjs.ts'],
  'd3-scale-chromatic': ['d3-scale-chromatic', 'src/browser/packages/d3-scale-chromatic.ts'],
  // examples/lib/plot.ts: Vega to SVG, then SVG to PNG (drawn by the page: src/browser/raster.ts).
  'vega': ['vega', 'src/browser/packages/vega.ts'],
  '@resvg/resvg-js': ['resvg', 'src/browser/packages/resvg.ts'],
};

/** Node built-ins the runtime itself needs beyond those (src/transport/threads/yield.ts). */
export const INTERNAL_BUILTINS: Readonly<Record<string, string>> = {
  'node:module': 'src/browser/node/module.ts',
};

/** The module a program's import `specifier` names, or undefined if a program in a browser cannot import it. */
export function moduleFile(specifier: string): string | undefined {
  const key = specifier.startsWith('node:') || MODULES[specifier] !== undefined ? specifier : `node:${specifier}`;
  return MODULES[key]?.[0];
}
