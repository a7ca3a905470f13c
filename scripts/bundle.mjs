/**
 * After `tsc`: bundle what a rank loads into a few files, dist/bundle/.
 * A rank that loads the runtime as tsc emits it (about 50 ES modules)
 * spends ~30 ms of CPU per rank in Node's module loader resolving, reading
 * and linking them; bundled, about a third (`node bin/mpi4ts.js -n 4
 * examples/helloworld.ts`, whole-process CPU, measured for issue 16).
 *
 * Every entry a rank can start from or import is an entry here, with the
 * code they share in common chunks, so that a rank holds exactly one copy
 * of the runtime: the package's exports (`mpi4ts`, `mpi4ts/futures`, `mpi4ts/util/*`), the
 * rank entries of both transports and the futures worker programs. Files
 * are flat in dist/bundle/, and each module's `import.meta.url` still names
 * its file in dist/ (relative paths to rank-main.js, native/, the addons
 * keep working): a hoisted function computes it from the bundle's URL.
 * Packages (commander, esbuild, ...) stay external.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const out = path.join(dist, 'bundle');

/** Bundle file name: the dist module it stands for. */
export const ENTRIES = {
  'index': 'index.js',
  'futures-index': 'futures/index.js',
  'stopwatch': 'stopwatch.js',
  'util-sync': 'util/sync.js',
  'futures-server': 'futures/server.js',
  'futures-main': 'futures/main.js',
  'util-index': 'util/index.js',
  'util-pkl5': 'util/pkl5.js',
  'util-dtlib': 'util/dtlib.js',
  'util-pool': 'util/pool.js',
  'rank-main': 'transport/threads/rank-main.js',
  'rank-entry': 'transport/native/rank-entry.js',
  'bench-helloworld': 'cli/bench/helloworld.js',
  'bench-ringtest': 'cli/bench/ringtest.js',
  'bench-pingpong': 'cli/bench/pingpong.js',
};

/** Keeps each module's import.meta.url: the URL of its file in dist/. */
const moduleUrl = {
  name: 'module-url',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (a) => {
      let contents = await fs.promises.readFile(a.path, 'utf8');
      if (a.path.startsWith(dist) && contents.includes('import.meta.url')) {
        // Appended, so that line numbers (and tsc's source map) stay; hoisted, so usable anywhere.
        const rel = `../${path.relative(dist, a.path).split(path.sep).join('/')}`;
        contents = contents.replaceAll('import.meta.url', '__mpi4ts_module_url()') +
          `\nfunction __mpi4ts_module_url() { return new URL(${JSON.stringify(rel)}, import.meta.url).href; }\n`;
      }
      return { contents, loader: 'js' };
    });
  },
};

fs.rmSync(out, { recursive: true, force: true });
await esbuild.build({
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(dist, file)])),
  outdir: out, entryNames: '[name]', chunkNames: 'chunk-[hash]',
  bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
  packages: 'external',
  // Maps to src/*.ts beside the bundles, not named in them: a rank whose
  // script is TypeScript turns source maps on, and parsing the runtime's
  // map cost each rank ~8 ms of CPU, a tenth of a 4-rank helloworld (the
  // runtime's frames then name bundle lines; the functions keep their names).
  sourcemap: 'external', sourcesContent: false,
  // Classes that name themselves (`class Cartcomm { ... new Cartcomm() }`)
  // would otherwise be renamed `_Cartcomm`, and `MPI.Cartcomm.name` and the
  // error messages that name a class (`got Graphcomm`) would say so.
  keepNames: true,
  logLevel: 'warning',
  plugins: [moduleUrl],
});

/**
 * For the launcher: select.ts imports both transports' rank side for
 * selectTransport, which the launcher never calls; taken as free of side
 * effects, those imports go with it, so the launcher does not load the
 * embedded runtime's engine and addon (threads/yield.ts) or the native
 * one's. It loads a transport's launching code when it picks it (selectLauncher).
 */
const launcherOnly = {
  name: 'launcher-only',
  setup(build) {
    const select = path.join(dist, 'transport', 'select.js');
    build.onResolve({ filter: /^\./ }, (a) => (a.importer === select && a.kind === 'import-statement'
      ? { path: path.resolve(a.resolveDir, a.path), sideEffects: false }
      : undefined));
  },
};

// The launcher (bin/mpi4ts.js) in one file with its packages (commander), 20
// ms of CPU less per job than its ~25 modules; it holds no runtime, only the
// job's host. esbuild, which it loads only to compile, stays a package.
await esbuild.build({
  entryPoints: { cli: path.join(dist, 'cli/main.js') },
  outdir: out, bundle: true, format: 'esm', platform: 'node', target: 'node20',
  external: ['esbuild'], sourcemap: 'linked', sourcesContent: false, logLevel: 'warning',
  // commander is CommonJS: its require() of Node's modules needs a require.
  banner: { js: "import { createRequire as __mpi4ts_createRequire } from 'node:module'; const require = __mpi4ts_createRequire(import.meta.url);" },
  plugins: [launcherOnly, moduleUrl],
});

/**
 * Every bundle in Latin-1. esbuild writes strings and names as ASCII escapes,
 * but the doc comments it keeps carry the sources' characters, and a single
 * one above U+00FF (a dash in a comment) makes V8 hold the whole file as a
 * two-byte string: every rank keeps its runtime's source for lazy
 * compilation, so the 820 KB main chunk took 1.6 MB of each rank's old
 * space instead of 0.8 (and pushed a rank past V8's 8 MB threshold for
 * incremental marking; see configureRankHeaps in src/transport/threads/host.ts).
 * Such characters become '?', one UTF-16 unit for one, so source map columns
 * stay right; outside comments there are none (esbuild's ASCII output), which
 * the check below makes sure of.
 */
for (const file of fs.readdirSync(out).filter((f) => f.endsWith('.js'))) {
  const at = path.join(out, file);
  const text = fs.readFileSync(at, 'utf8');
  if (!/[^\u0000-\u00ff]/.test(text)) continue;
  const latin1 = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (comment) => comment.replace(/[^\u0000-\u00ff]/g, '?'));
  const left = /[^\u0000-\u00ff]/.exec(latin1);
  if (left !== null) {
    const line = latin1.slice(0, left.index).split('\n').length;
    throw new Error(`bundle: ${file}:${line} has ${JSON.stringify(left[0])} outside a comment (esbuild should have escaped it)`);
  }
  fs.writeFileSync(at, latin1);
}
