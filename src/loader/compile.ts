/**
 * Turn a TypeScript entry script and the TypeScript modules it imports into
 * plain JavaScript once, in the per-user cache (cache.ts), so that ranks,
 * spawned processes and futures workers import JavaScript without a loader
 * hook or a compiler of their own.
 *
 * Each source becomes one ES module (`<hash of path>-<name>.mjs`), compiled
 * by esbuild with the tsconfig.json nearest to it (paths aliases, decorators,
 * JSX settings). Its imports are resolved here, as esbuild resolves them
 * (extensionless `./util`, `./util.js` for `util.ts`, `paths`), and written
 * out resolved: TypeScript modules as their compiled neighbours, everything
 * else (packages, .js, .json) as the absolute URL of the file, because the
 * compiled module does not live where the source does. A module that cannot
 * be resolved keeps its specifier and fails at run time, as before.
 *
 * The compiled module still behaves as if it were the source: `import.meta`
 * (url, filename, dirname, resolve), `__filename` and `__dirname` name the
 * .ts file (isMain(import.meta) depends on it), and an inline source map
 * makes stack traces point at .ts lines once source maps are enabled
 * (entry.ts does that).
 */
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CACHE_FORMAT, canonical, contentHash, entryFromManifest, globHash, lookup, outDir, pruneCache, saveManifest,
  type CompiledEntry, type Manifest,
} from './cache.js';
import { isTypeScript } from './entry.js';
import { runtimeEntry } from '../core/entries.js';

/** This package's own modules, for scripts outside any project that has mpi4ts installed. */
const SELF: Record<string, string> = {
  'mpi4ts': runtimeEntry('index').href,
  'mpi4ts/futures': runtimeEntry('futures-index').href,
  'mpi4ts/stopwatch': runtimeEntry('stopwatch').href,
  'mpi4ts/util/sync': runtimeEntry('util-sync').href,
};

/** File name of a source's compiled module: unique per path, readable in stack traces of the compiler. */
function outName(source: string): string {
  return `${contentHash(source).slice(0, 12)}-${path.basename(source).replace(/\.[^.]*$/, '')}.mjs`;
}

/**
 * The tsconfig.json (or jsconfig.json) esbuild applies to files of `dir`,
 * and the closer candidates that do not exist (a new one would change the output).
 */
function configsOf(dir: string, out: Map<string, string | null>): void {
  for (let d = dir; ; d = path.dirname(d)) {
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const f = path.join(d, name);
      if (out.has(f)) return;
      let text: Buffer | null = null;
      try { text = fs.readFileSync(f); } catch { /* absent */ }
      out.set(f, text === null ? null : contentHash(text));
      if (text !== null) return;
    }
    if (path.dirname(d) === d) return;
  }
}

/** The package.json nearest above `dir` (a package's, for a file a bare specifier resolved to). */
function packageJsonOf(dir: string, out: Map<string, string | null>): void {
  for (let d = dir; ; d = path.dirname(d)) {
    const f = path.join(d, 'package.json');
    if (out.has(f)) return;
    try {
      out.set(f, contentHash(fs.readFileSync(f)));
      return;
    } catch { /* keep looking */ }
    if (path.dirname(d) === d) return;
  }
}

/**
 * The line put before each compiled module: its `import.meta` as the
 * source's, and `require` where the source uses it (ES modules have none).
 */
function prelude(source: string, code: string): string {
  const url = pathToFileURL(source).href;
  const meta = `const __mpi4ts_meta = { url: ${JSON.stringify(url)}, filename: ${JSON.stringify(source)}, dirname: ${JSON.stringify(path.dirname(source))}, ` +
    `resolve: (s, p) => /^\\.{0,2}\\//.test(s) && p === undefined ? new URL(s, ${JSON.stringify(url)}).href : import.meta.resolve(s, p) };`;
  const req = /\brequire\s*[(.]/.test(code) && !/\b(const|let|var|function)\s+require\b/.test(code)
    ? ` import { createRequire as __mpi4ts_createRequire } from 'node:module'; const require = __mpi4ts_createRequire(${JSON.stringify(url)});`
    : '';
  return meta + req;
}

/**
 * Without esbuild (not installed, or no binary for this platform): Node's
 * own type stripping runs the sources as they are where this Node.js has it
 * (22.6 with --experimental-strip-types, 22.18 and 23.6 by default), with
 * its limits: imports name the `.ts` file, no tsconfig `paths`.
 */
function withoutCompiler(entry: string): CompiledEntry {
  if (!(process.features as { typescript?: string | false }).typescript) {
    throw new Error(`cannot run TypeScript: the esbuild package is not installed (npm install esbuild), and Node.js ${process.version} strips no types itself (22.18, 23.6 and later do)`);
  }
  debug(entry, 'no esbuild: Node.js strips the types itself');
  const url = pathToFileURL(entry).href;
  return { url, modules: new Map([[entry, url]]), compiled: 0 };
}

function debug(entry: string, what: string): void {
  if ((process.env['MPI4TS_DEBUG'] ?? '').split(',').includes('compile')) {
    process.stderr.write(`mpi4ts: compile: ${entry}: ${what}\n`);
  }
}

/**
 * The compiled form of the TypeScript script `entry` (absolute path): from
 * the cache when its sources are unchanged, else compiled now and cached.
 * Syntax errors reject with esbuild's message (file:line:column).
 */
export async function compileEntry(file: string): Promise<CompiledEntry> {
  const entry = canonical(file);
  const t0 = performance.now();
  const hit = lookup(entry);
  if (hit !== null) {
    debug(entry, `cache hit, 0 files compiled (${(performance.now() - t0).toFixed(1)} ms)`);
    return hit;
  }
  const esbuild = await import('esbuild').catch(() => null);
  if (esbuild === null) return withoutCompiler(entry);
  const sources = new Map<string, string>();
  const externals = new Set<string>();
  /** Files that packages resolved to: their package.json (exports, main) decides what the next run resolves. */
  const packageFiles = new Set<string>();
  /** Absolute patterns of glob-style imports (`` import(`./${name}.ts`) ``): the files they match are bundled into the importer. */
  const globs = new Set<string>();
  const known = new Set([entry]);
  let round = [entry];
  const outputs = new Map<string, { code: string; map: string; source: string }>();
  while (round.length > 0) {
    const next: string[] = [];
    const names = new Map(round.map((s) => [outName(s).replace(/\.mjs$/, ''), s]));
    const result = await esbuild.build({
      entryPoints: Object.fromEntries(names),
      outdir: '/', outExtension: { '.js': '.mjs' },
      bundle: true, write: false, format: 'esm', platform: 'node', target: `node${process.versions.node.split('.')[0]}`,
      // One module per source: nothing is inlined or dropped, only types go.
      treeShaking: false,
      sourcemap: 'external', sourcesContent: false,
      // Resolve packages as Node does for `import` (no bundler-only `module` condition or field).
      conditions: [], mainFields: ['main'],
      define: { 'import.meta': '__mpi4ts_meta', '__filename': '__mpi4ts_meta.filename', '__dirname': '__mpi4ts_meta.dirname' },
      logLevel: 'silent',
      // The metafile names each glob-style import's pattern: esbuild resolves
      // those without asking plugins and bundles what matched now.
      metafile: true,
      plugins: [{
        name: 'mpi4ts-resolve',
        setup(build) {
          build.onResolve({ filter: /.*/ }, async (a) => {
            if (a.kind === 'entry-point' || a.pluginData === 'inner') return undefined;
            if (isBuiltin(a.path) || a.kind === 'require-call' || a.kind === 'require-resolve') return { path: a.path, external: true };
            const r = await build.resolve(a.path, { kind: a.kind, resolveDir: a.resolveDir, importer: a.importer, pluginData: 'inner' });
            if (r.errors.length > 0 || r.path === '') {
              const self = SELF[a.path];
              if (self !== undefined) return { path: self, external: true };
              // Unresolvable: fail at run time as it would have, naming the right place.
              const relative = /^\.{0,2}\//.test(a.path);
              return { path: relative ? new URL(a.path, pathToFileURL(a.importer)).href : a.path, external: true };
            }
            if (r.external || r.namespace !== 'file') return { path: r.path, external: true };
            if (isTypeScript(r.path)) {
              if (!known.has(r.path)) { known.add(r.path); next.push(r.path); }
              return { path: `./${outName(r.path)}`, external: true };
            }
            externals.add(r.path);
            if (!/^(\.{0,2}\/|file:)/.test(a.path)) packageFiles.add(r.path);
            return { path: pathToFileURL(r.path).href, external: true };
          });
          build.onLoad({ filter: /\.(c|m)?tsx?$/ }, async (a) => {
            const contents = await fs.promises.readFile(a.path, 'utf8');
            sources.set(a.path, contentHash(contents));
            return { contents, loader: a.path.endsWith('x') ? 'tsx' : 'ts' };
          });
        },
      }],
    });
    for (const [input, { imports }] of Object.entries(result.metafile.inputs)) {
      for (const i of imports) {
        if (i.path.includes('*') && /^\.{1,2}\//.test(i.path)) globs.add(path.resolve(path.dirname(path.resolve(input)), i.path));
      }
    }
    for (const f of result.outputFiles) {
      const name = path.basename(f.path);
      const id = name.replace(/\.mjs(\.map)?$/, '');
      const o = outputs.get(id) ?? { code: '', map: '', source: names.get(id)! };
      if (name.endsWith('.map')) o.map = f.text; else o.code = f.text;
      outputs.set(id, o);
    }
    round = next;
  }

  // Sources a glob import reached are inside their importer's module, not files of their own.
  const written = new Set([...outputs.values()].map((o) => o.source));
  const configs = new Map<string, string | null>();
  for (const s of sources.keys()) configsOf(path.dirname(s), configs);
  for (const f of packageFiles) packageJsonOf(path.dirname(f), configs);
  const manifestBody = {
    format: CACHE_FORMAT,
    entry,
    sources: [...sources].sort(([a], [b]) => a.localeCompare(b)).map(([p, hash]) => ({ path: p, hash, out: written.has(p) ? outName(p) : '' })),
    configs: [...configs].sort(([a], [b]) => a.localeCompare(b)).map(([p, hash]) => ({ path: p, hash })),
    externals: [...externals].sort(),
    globs: [...globs].sort().map((pattern) => ({ pattern, hash: globHash(pattern) })),
  };
  const key = contentHash(JSON.stringify({ ...manifestBody, esbuild: esbuild.version, node: process.versions.node.split('.')[0], self: SELF }));
  const manifest: Manifest = { ...manifestBody, key };

  const dir = outDir(key);
  if (!fs.existsSync(dir)) {
    const tmp = `${dir}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
    for (const o of outputs.values()) {
      const map = JSON.parse(o.map) as { sources: string[]; mappings: string };
      // The source by absolute URL (Node resolves a relative one against the
      // compiled file), one line further down for the prelude.
      map.sources = [pathToFileURL(o.source).href];
      map.mappings = `;${map.mappings}`;
      const code = `${prelude(o.source, o.code)}\n${o.code}` +
        `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
      fs.writeFileSync(path.join(tmp, outName(o.source)), code, { mode: 0o600 });
    }
    try {
      fs.renameSync(tmp, dir);
    } catch {
      // Another process compiled the same sources meanwhile: its folder is as good.
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  saveManifest(manifest);
  pruneCache();
  debug(entry, `${outputs.size} files compiled (${(performance.now() - t0).toFixed(1)} ms)`);
  return entryFromManifest(manifest, outputs.size);
}
