/**
 * TypeScript in the page: a program and its own files compiled by
 * esbuild-wasm (the same esbuild as the CLI's, src/loader/compile.ts) into
 * one ES module. Its imports of mpi4ts, the Node built-ins and the packages
 * a browser run offers (modules.ts) become the URLs of their bundles in
 * dist/browser/, so that every module of a rank is one instance; any other
 * import is a compile error naming it.
 */
import * as esbuild from 'esbuild-wasm';
import * as path from './node/path.js';
import { MODULES, moduleFile } from './modules.js';

let ready: Promise<void> | null = null;
let wasmURL: string | null = null;

/** Where esbuild.wasm is when not beside this bundle (before the first compile). */
export function setCompilerWasmURL(url: string | URL): void {
  if (ready !== null) throw new Error('setCompilerWasmURL: the compiler has started already (call it before the first run or compile)');
  wasmURL = new URL(url, import.meta.url).href;
}

/** Start esbuild-wasm once per page (its wasm beside this bundle, dist/browser/esbuild.wasm, unless told). */
function initialize(): Promise<void> {
  ready ??= esbuild.initialize({ wasmURL: wasmURL ?? new URL('./esbuild.wasm', import.meta.url).href, worker: true });
  return ready;
}

/** The program's files by absolute path: the script is /main.ts, `./lib/x.ts` is /lib/x.ts. */
export function programFiles(script: string, files: Readonly<Record<string, string>> = {}): Record<string, string> {
  if (typeof script !== 'string') throw new TypeError(`script must be a string, got ${typeof script}`);
  if (files === null || typeof files !== 'object') throw new TypeError(`files must be an object of file texts by path, got ${files === null ? 'null' : typeof files}`);
  const all: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    if (typeof text !== 'string') throw new TypeError(`files['${name}'] must be a string, got ${typeof text}`);
    all[path.resolve('/', name)] = text;
  }
  all[MAIN] = script;
  return all;
}

/** Where the program's script is, for its argv[1] and import.meta. */
export const MAIN = '/main.ts';

const LOADERS: Record<string, esbuild.Loader> = {
  '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx', '.json': 'json',
};

/** A relative import's file, as esbuild resolves TypeScript's: as named, `.js` for `.ts`, extensionless, a folder's index. */
function findFile(files: Readonly<Record<string, string>>, wanted: string): string | undefined {
  const stem = wanted.replace(/\.(m|c)?jsx?$/, '');
  const candidates = [wanted, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${wanted}.ts`, `${wanted}.js`, `${wanted}/index.ts`, `${wanted}/index.js`];
  return candidates.find((c) => files[c] !== undefined);
}

function importable(): string {
  const names = Object.keys(MODULES);
  return `${names.filter((n) => n.startsWith('mpi4ts')).join(', ')}; ${names.filter((n) => n.startsWith('node:')).join(', ')}; `
    + `${names.filter((n) => !n.startsWith('mpi4ts') && !n.startsWith('node:')).join(', ')}; and the program's own files`;
}

/**
 * Compile the program file `entry` (an absolute path in `all`, from
 * programFiles) and the files it imports into one ES module: its text and
 * its source map (for stack traces, stack.ts); rejects with esbuild's
 * errors (/main.ts:line:column).
 */
export async function compileProgram(all: Readonly<Record<string, string>>, entry = MAIN): Promise<CompiledProgram> {
  if (all[entry] === undefined) throw new Error(`no file ${entry} among the program's files`);
  await initialize();
  const base = new URL('./', import.meta.url);
  /** The length of the line put before each source's first line, by path. */
  const shifts: Record<string, number> = {};
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true, write: false, format: 'esm', platform: 'neutral', target: 'es2022',
    outfile: '/main.js', logLevel: 'silent', sourcemap: 'external', sourcesContent: false,
    // Each module's own import.meta (url, filename, dirname), as src/loader/compile.ts gives it.
    define: { 'import.meta': '__mpi4ts_meta' },
    plugins: [{
      name: 'mpi4ts-program',
      setup(build) {
        build.onResolve({ filter: /.*/ }, (a) => {
          if (a.kind === 'entry-point') return { path: entry, namespace: 'file' };
          if (/^\.{0,2}\//.test(a.path)) {
            const wanted = path.resolve(a.importer ? path.dirname(a.importer) : '/', a.path);
            const found = findFile(all, wanted);
            if (found !== undefined) return { path: found, namespace: 'file' };
            return { errors: [{ text: `Could not resolve "${a.path}": no file ${wanted} in the program's files` }] };
          }
          const file = moduleFile(a.path);
          if (file !== undefined) return { path: new URL(`${file}.js`, base).href, external: true };
          return { errors: [{ text: `Could not resolve "${a.path}": a program in a browser can import ${importable()}` }] };
        });
        build.onLoad({ filter: /.*/, namespace: 'file' }, (a) => {
          const loader = LOADERS[path.extname(a.path)] ?? 'ts';
          const url = `file://${a.path}`;
          if (loader === 'json') return { contents: all[a.path]!, loader, resolveDir: path.dirname(a.path) };
          // On the first line, so that errors and stacks name the source's own lines (columns of line 1 are shifted back).
          const meta = `const __mpi4ts_meta = { url: ${JSON.stringify(url)}, filename: ${JSON.stringify(a.path)}, dirname: ${JSON.stringify(path.dirname(a.path))}, `
            + `resolve: (s) => new URL(s, ${JSON.stringify(url)}).href }; `;
          shifts[a.path] = meta.length;
          return { contents: meta + all[a.path]!, loader, resolveDir: path.dirname(a.path) };
        });
      },
    }],
  }).catch((e: unknown) => { throw unshifted(e, shifts); });
  const code = result.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '{"version":3,"sources":[],"mappings":""}';
  // Without its sourceMappingURL comment: the module is imported from a blob: URL, the map stays in the page.
  return { code: code.replace(/\n\/\/# sourceMappingURL=\S+\n?$/, '\n'), map, shifts };
}

/** A compiled program: one ES module, its source map, and the columns of each source's line 1 to take back (stack.ts). */
export interface CompiledProgram {
  readonly code: string;
  readonly map: string;
  readonly shifts: Readonly<Record<string, number>>;
}

/** esbuild's failure with the positions on a source's first line as in the source (the prelude taken out). */
function unshifted(e: unknown, shifts: Readonly<Record<string, number>>): unknown {
  const errors = (e as { errors?: { location?: { file: string; line: number; column: number } | null }[] }).errors;
  if (!(e instanceof Error) || !errors) return e;
  for (const { location: at } of errors) {
    const shift = at && at.line === 1 ? shifts[path.resolve('/', at.file)] : undefined;
    if (shift !== undefined) e.message = e.message.replace(`${at!.file}:1:${at!.column}:`, `${at!.file}:1:${Math.max(0, at!.column - shift)}:`);
  }
  return e;
}
