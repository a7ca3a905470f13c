/**
 * The per-user cache of compiled TypeScript (compile.ts writes it): one
 * folder of plain JavaScript per entry script and content, and one manifest
 * per entry script saying which sources (and tsconfig files) the folder was
 * made from. A lookup reads the manifest and hashes those sources: no
 * compiler is loaded when nothing changed.
 *
 *   <root>/entries/<hash of the entry's path>.json   the manifest
 *   <root>/out/<key>/<name>.mjs                       one module per source,
 *                                                     key = hash of every input
 *
 * The root is private to the user (mode 0700, owned by them): compiled code
 * is code every rank runs, so nobody else may write it, and the sources it
 * was made from are nobody else's to read.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bumped whenever compile.ts changes what it writes, so old folders are not reused. */
export const CACHE_FORMAT = 4;

/** The sources a compiled folder was made from, and where each module went. */
export interface Manifest {
  readonly format: number;
  /** Content key of the folder `out/<key>`. */
  readonly key: string;
  /** Absolute path of the entry script. */
  readonly entry: string;
  /**
   * Each compiled source: absolute path, content hash, file name in the
   * folder ('' for a source esbuild put inside its importer's module: one a
   * glob import, `import(`./${name}.ts`)`, reaches).
   */
  readonly sources: readonly { path: string; hash: string; out: string }[];
  /**
   * Files the output depends on besides the sources: tsconfig.json /
   * jsconfig.json consulted (null: must still not exist) and the
   * package.json of each package imported (its exports decide the file).
   */
  readonly configs: readonly { path: string; hash: string | null }[];
  /** Files outside the sources that the modules import by absolute URL (packages, .js, .json): must still exist. */
  readonly externals: readonly string[];
  /**
   * Each glob-style import (esbuild's reading of `` import(`./dir/${name}.ts`) ``
   * or `import('./dir/' + name)`: absolute pattern such as `/p/dir/*.ts`)
   * and the hash of what it matched, names and contents. esbuild puts every
   * file that matched into the importing module and nothing else, so a file
   * that appears, goes or changes makes the compiled module stale.
   */
  readonly globs: readonly { pattern: string; hash: string }[];
}

/** A compiled entry: the URL to import, and the URL of every module of its graph by source path. */
export interface CompiledEntry {
  readonly url: string;
  readonly modules: ReadonlyMap<string, string>;
  /** Sources compiled for this call: 0 when the cache had them. */
  readonly compiled: number;
}

export function contentHash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 32);
}

/** Root of this package (dist/loader/ -> ., or src/loader/ under tsx). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A folder that is ours alone: create it with mode 0700, or accept an
 * existing one only if we own it and nobody else may write it (a looser
 * mode on our own folder is tightened).
 */
function privateDir(dir: string): boolean {
  try {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    try { fs.mkdirSync(dir, { mode: 0o700 }); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; }
    const st = fs.lstatSync(dir);
    if (!st.isDirectory()) return false;
    const uid = process.getuid?.();
    if (uid === undefined) return true;
    if (st.uid !== uid) return false;
    if ((st.mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
    return true;
  } catch {
    return false;
  }
}

let root: string | null = null;

/**
 * The cache's root: `$XDG_CACHE_HOME/mpi4ts`, else `node_modules/.cache/mpi4ts`
 * in the node_modules that holds (or sits beside) this package, else
 * `~/.cache/mpi4ts`, else a private folder in the temporary directory;
 * the first that can be made private to the user.
 */
export function cacheRoot(): string {
  if (root !== null) return root;
  const candidates: string[] = [];
  const xdg = process.env['XDG_CACHE_HOME'];
  if (xdg && path.isAbsolute(xdg)) candidates.push(path.join(xdg, 'mpi4ts'));
  else {
    const parent = path.dirname(PACKAGE_ROOT.replace(/[\\/]$/, ''));
    if (path.basename(parent) === 'node_modules') candidates.push(path.join(parent, '.cache', 'mpi4ts'));
    else if (fs.existsSync(path.join(PACKAGE_ROOT, 'node_modules'))) candidates.push(path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'mpi4ts'));
    candidates.push(path.join(os.homedir(), '.cache', 'mpi4ts'));
  }
  candidates.push(path.join(os.tmpdir(), `mpi4ts-cache-${process.getuid?.() ?? os.userInfo().username}`));
  const found = candidates.find(privateDir);
  if (found === undefined) throw new Error(`no private folder for compiled TypeScript (tried ${candidates.join(', ')})`);
  root = found;
  return root;
}

function manifestPath(entry: string): string {
  return path.join(cacheRoot(), 'entries', `${contentHash(entry)}.json`);
}

export function outDir(key: string): string {
  return path.join(cacheRoot(), 'out', key);
}

function hashFile(file: string): string | null {
  try { return contentHash(fs.readFileSync(file)); } catch { return null; }
}

/** One glob segment (`t_*.ts`) as a regular expression: `*` is any run of characters within one path segment. */
function segmentRegExp(segment: string): RegExp {
  const literal = (p: string): string => p.replace(/[.+?^$|()[\]{}\\]/g, '\\$&');
  return new RegExp(`^${segment.split('*').map(literal).join('[^/]*')}$`);
}

/**
 * The files an absolute glob pattern matches, sorted (`/p/dir/t_*.ts`; a
 * string concatenation gives `**` segments): `*` within one segment, a `**`
 * segment any number of folders (symbolic links to folders are not
 * followed, so no walk loops). A superset of what esbuild bundles is
 * harmless: it can only cause an extra compile.
 */
export function globFiles(pattern: string): string[] {
  const segments = pattern.split('/');
  let fixed = 0;
  while (fixed < segments.length - 1 && !segments[fixed]!.includes('*')) fixed++;
  const base = segments.slice(0, fixed).join('/') || '/';
  const found: string[] = [];
  const walk = (dir: string, rest: string[]): void => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    const [segment, ...more] = rest;
    if (segment === undefined) return;
    if (segment === '**') {
      walk(dir, more);
      for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name), rest);
      return;
    }
    const re = segmentRegExp(segment);
    for (const e of entries) {
      if (!re.test(e.name)) continue;
      const p = path.join(dir, e.name);
      if (more.length === 0) { if (!e.isDirectory()) found.push(p); } else if (e.isDirectory()) walk(p, more);
    }
  };
  walk(base, segments.slice(fixed));
  return [...new Set(found)].sort();
}

/** Hash of what a glob pattern matches now: each file's path and content. */
export function globHash(pattern: string): string {
  return contentHash(globFiles(pattern).map((f) => `${f}\0${hashFile(f)}`).join('\n'));
}

/** The entry as the manifest describes it: URLs of its compiled modules. */
export function entryFromManifest(m: Manifest, compiled: number): CompiledEntry {
  const dir = outDir(m.key);
  const modules = new Map(m.sources.filter((s) => s.out !== '').map((s) => [s.path, pathToFileURL(path.join(dir, s.out)).href]));
  return { url: modules.get(m.entry)!, modules, compiled };
}

/** The compiled form of `entry` if the cache has it for the sources as they are now, else null. */
export function lookup(file: string): CompiledEntry | null {
  const entry = canonical(file);
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(manifestPath(entry), 'utf8')) as Manifest;
  } catch {
    return null;
  }
  if (m.format !== CACHE_FORMAT || m.entry !== entry) return null;
  for (const s of m.sources) if (hashFile(s.path) !== s.hash) return null;
  for (const c of m.configs) if (hashFile(c.path) !== c.hash) return null;
  for (const x of m.externals) if (!fs.existsSync(x)) return null;
  for (const g of m.globs) if (globHash(g.pattern) !== g.hash) return null;
  if (!fs.existsSync(outDir(m.key))) return null;
  return entryFromManifest(m, 0);
}

/**
 * The path a script is compiled and looked up under: its real path, as Node
 * resolves a symlinked main module (esbuild names the sources it loads by
 * real path too, so a script reached through a symlink would otherwise find
 * no compiled module for itself).
 */
export function canonical(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** How long a compiled folder no manifest names is kept: a job started before its sources changed may still import from it. */
const UNUSED_KEPT_MS = 24 * 3600 * 1000;

/**
 * Remove compiled folders that no manifest names any more (older versions
 * of changed sources) and left-over temporary ones, once a day old.
 * Called after a compile, never on the way to a rank's start.
 */
export function pruneCache(now = Date.now()): void {
  const root = cacheRoot();
  const named = new Set<string>();
  try {
    for (const f of fs.readdirSync(path.join(root, 'entries'))) {
      if (!f.endsWith('.json')) continue;
      try { named.add((JSON.parse(fs.readFileSync(path.join(root, 'entries', f), 'utf8')) as Manifest).key); } catch { /* being replaced */ }
    }
    for (const d of fs.readdirSync(path.join(root, 'out'))) {
      if (named.has(d)) continue;
      const dir = path.join(root, 'out', d);
      if (now - fs.statSync(dir).mtimeMs > UNUSED_KEPT_MS) fs.rmSync(dir, { recursive: true, force: true });
    }
  } catch { /* nothing to prune, or another process prunes */ }
}

/** Record `m` as the entry's current manifest (atomically: readers see the old one or the new one). */
export function saveManifest(m: Manifest): void {
  const file = manifestPath(m.entry);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, JSON.stringify(m), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
