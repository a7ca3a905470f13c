/**
 * After `tsc` and scripts/bundle.mjs: the browser bundles of `mpi4ts/browser`
 * in dist/browser/ (issue 19), built from src/ by esbuild for the browser:
 *
 * - index.js: the page's module (run, compile), with esbuild-wasm, which
 *   loads esbuild.wasm from beside it;
 * - rank.js: a rank's Web Worker;
 * - one module per import a program may make (src/browser/modules.ts:
 *   mpi4ts and its subpaths, the Node built-ins' browser forms, pngjs,
 *   d3-scale-chromatic), sharing chunks with rank.js, so that a rank holds
 *   one copy of the runtime whatever the program imports.
 *
 * Node built-ins map to src/browser/node/ (polyfill packages where they
 * exist: buffer, events, path-browserify, assert, node-inspect-extracted,
 * @pkgjs/parseargs, msgpackr); one that has no browser form fails the build,
 * naming the importer. The native transport and the loader are replaced by
 * their browser stand-ins (src/browser/no-native.ts, no-launcher.ts, loader.ts,
 * entries.ts;
 * cli-progress by no-progress.ts: a rank has no terminal).
 * tsc's JavaScript of src/browser/ is removed; its declarations stay (the
 * package export's types).
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'browser');
const src = (p) => path.join(root, p);
// The table of importable modules, from its source (tsc's copy in dist/browser/ is removed below).
const table = await esbuild.build({ entryPoints: [src('src/browser/modules.ts')], write: false, format: 'esm', logLevel: 'warning' });
const { MODULES, INTERNAL_BUILTINS } = await import(`data:text/javascript;base64,${Buffer.from(table.outputFiles[0].text).toString('base64')}`);

/** Node built-ins and the modules with a browser stand-in. */
const browserForms = {
  name: 'mpi4ts-browser-forms',
  setup(build) {
    const builtins = { ...Object.fromEntries(Object.entries(MODULES).filter(([k]) => k.startsWith('node:')).map(([k, [, s]]) => [k, s])), ...INTERNAL_BUILTINS };
    build.onResolve({ filter: /^node:/ }, (a) => {
      const form = builtins[a.path];
      if (form !== undefined) return { path: src(form) };
      return { errors: [{ text: `${a.path} has no browser form (imported by ${path.relative(root, a.importer)}): add one to src/browser/modules.ts or keep the importer out of the browser bundle` }] };
    });
    const stand = (file) => ({ path: src(file) });
    build.onResolve({ filter: /^\.\/native\/(engine|addon)\.js$/ }, (a) => (a.importer === src('src/transport/select.ts') ? stand('src/browser/no-native.ts') : undefined));
    build.onResolve({ filter: /^\.\/(native|threads)\/launch\.js$/ }, (a) => (a.importer === src('src/transport/select.ts') ? stand('src/browser/no-launcher.ts') : undefined));
    build.onResolve({ filter: /\/loader\/entry\.js$/ }, () => stand('src/browser/loader.ts'));
    build.onResolve({ filter: /\/core\/entries\.js$/ }, (a) => (a.importer === src('src/browser/entries.ts') ? undefined : stand('src/browser/entries.ts')));
    build.onResolve({ filter: /^cli-progress$/ }, () => stand('src/browser/no-progress.ts'));
    build.onResolve({ filter: /^pngjs$/ }, () => ({ path: path.join(root, 'node_modules', 'pngjs', 'browser.js') }));
  },
};

for (const f of fs.readdirSync(out, { recursive: true })) {
  const file = path.join(out, f);
  if (/\.js(\.map)?$/.test(f) && fs.statSync(file).isFile()) fs.rmSync(file);
}

await esbuild.build({
  entryPoints: {
    index: src('src/browser/index.ts'),
    rank: src('src/browser/rank.ts'),
    // What a rank may start from besides a program: the futures pool's worker (spawned) and its -m mpi4ts.futures entry.
    'futures-server': src('src/futures/server.ts'),
    'futures-main': src('src/futures/main.ts'),
    ...Object.fromEntries(Object.values(MODULES).map(([file, source]) => [file, src(source)])),
  },
  outdir: out, entryNames: '[name]', chunkNames: 'chunk-[hash]',
  bundle: true, splitting: true, format: 'esm', platform: 'browser', target: 'es2022',
  inject: [src('src/browser/node/inject.ts')],
  define: { global: 'globalThis', MPI4TS_PACKAGE_VERSION: JSON.stringify(JSON.parse(fs.readFileSync(src('package.json'), 'utf8')).version) },
  sourcemap: 'linked', sourcesContent: false,
  // As scripts/bundle.mjs: class names stay (MPI.Cartcomm.name, error messages naming a class).
  keepNames: true,
  logLevel: 'warning',
  plugins: [browserForms],
});
fs.copyFileSync(path.join(root, 'node_modules', 'esbuild-wasm', 'esbuild.wasm'), path.join(out, 'esbuild.wasm'));
