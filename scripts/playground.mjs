/**
 * After the browser runtime's bundle (dist/browser/): build the playground,
 * a static site in dist/playground/ that `mpi4ts playground` serves and that
 * works published as a plain folder (docs/playground.md):
 *
 *   index.html, style.css   from playground/
 *   app.js                  playground/app.ts, bundled by esbuild
 *   examples/               the examples of playground/examples.json, copied
 *                           from examples/ with examples/lib/, and
 *                           examples/index.json (their list, for the page)
 *   mpi4ts/                 a copy of dist/browser/ (mpi4ts/browser), which
 *                           the page imports as ./mpi4ts/index.js
 *   _headers                the two cross-origin isolation headers, for hosts
 *                           that read the file (Netlify, Cloudflare Pages)
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'playground');
const out = path.join(root, 'dist', 'playground');
const runtime = path.join(root, 'dist', 'browser');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'examples', 'lib'), { recursive: true });

for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(source, f), path.join(out, f));

await esbuild.build({
  entryPoints: { app: path.join(source, 'app.ts') },
  outdir: out, bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
  sourcemap: 'linked', logLevel: 'warning',
  // The page asks a CDN for the compiler's esbuild.wasm when the folder has none (the npm package leaves it out).
  define: { ESBUILD_WASM_VERSION: JSON.stringify(JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'esbuild-wasm', 'package.json'), 'utf8')).version) },
});

// The examples: their sources as they are in the repository, and their helpers.
const { examples } = JSON.parse(fs.readFileSync(path.join(source, 'examples.json'), 'utf8'));
for (const ex of examples) {
  const file = path.join(root, 'examples', `${ex.name}.ts`);
  if (!fs.existsSync(file)) throw new Error(`playground/examples.json: examples/${ex.name}.ts does not exist`);
  fs.copyFileSync(file, path.join(out, 'examples', `${ex.name}.ts`));
  for (const f of ex.files ?? []) { // what it reads (a CSV) or spawns (a worker program)
    fs.mkdirSync(path.dirname(path.join(out, 'examples', f)), { recursive: true });
    fs.copyFileSync(path.join(root, 'examples', f), path.join(out, 'examples', f));
  }
}
const lib = fs.readdirSync(path.join(root, 'examples', 'lib')).filter((f) => f.endsWith('.ts')).sort();
for (const f of lib) fs.copyFileSync(path.join(root, 'examples', 'lib', f), path.join(out, 'examples', 'lib', f));
fs.writeFileSync(path.join(out, 'examples', 'index.json'), `${JSON.stringify({ examples, lib }, null, 1)}\n`);

fs.writeFileSync(path.join(out, '_headers'), [
  '# Cross-origin isolation, without which the page has no SharedArrayBuffer (docs/playground.md).',
  '# Read by Netlify and Cloudflare Pages; other hosts need the same two headers set their way.',
  '/*',
  '  Cross-Origin-Opener-Policy: same-origin',
  '  Cross-Origin-Embedder-Policy: require-corp',
  '',
].join('\n'));

if (fs.existsSync(path.join(runtime, 'index.js'))) {
  // What a page loads: the modules, their maps and esbuild.wasm (not the declarations).
  fs.cpSync(runtime, path.join(out, 'mpi4ts'), { recursive: true, filter: (f) => !f.endsWith('.d.ts') });
} else {
  console.warn('playground: dist/browser/index.js is not built; the page will say that the runtime is missing');
}
