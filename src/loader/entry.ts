/**
 * What a process imports to run a user's script or module: the one place
 * that prepares for it, on every transport and in futures workers.
 *
 * - TypeScript: the compiled JavaScript from the per-user cache (compile.ts;
 *   the launcher has normally compiled it already, so this is a lookup),
 *   with source maps enabled so stack traces name the .ts lines.
 * - JavaScript: the file itself, the fast path; the `mpi4ts` alias hook is
 *   registered only for a script outside any project with mpi4ts installed.
 */
import { createRequire, register } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CompiledEntry } from './cache.js';
import { runtimeEntry } from '../core/entries.js';

/** TypeScript sources (not declaration files). */
export function isTypeScript(file: string): boolean {
  return /\.(c|m)?tsx?$/.test(file) && !/\.d\.(c|m)?ts$/.test(file);
}

/**
 * The compiled entry from the cache, compiled now if the cache lacks it.
 * Loaded on demand: a rank whose launcher compiled its script needs neither
 * module (nor node:crypto), and each costs every rank's start.
 */
async function fromCache(file: string): Promise<CompiledEntry> {
  const [{ lookup }, { compileEntry }] = await Promise.all([import('./cache.js'), import('./compile.js')]);
  return lookup(file) ?? compileEntry(file);
}

/** Compiled modules this process has imported or may import, by source path: a module imported twice is one instance. */
const compiledModules = new Map<string, string>();

function remember(file: string, c: CompiledEntry): string {
  for (const [source, url] of c.modules) if (!compiledModules.has(source)) compiledModules.set(source, url);
  return compiledModules.get(file) ?? c.url;
}

let aliasRegistered = false;

/** Let `file` (and the modules it imports) import `mpi4ts` even where no project installs it. */
function aliasIfNeeded(file: string): void {
  if (aliasRegistered) return;
  try {
    createRequire(file).resolve('mpi4ts');
    return;
  } catch { /* not installed where the script is */ }
  aliasRegistered = true;
  // alias-hooks.js next to this module (alias-hooks.ts when run from the sources under tsx).
  const ext = path.extname(fileURLToPath(import.meta.url));
  register(new URL(`./alias-hooks${ext}`, import.meta.url), { data: { index: runtimeEntry('index').href, futures: runtimeEntry('futures-index').href, stopwatch: runtimeEntry('stopwatch').href, utilSync: runtimeEntry('util-sync').href } });
}

/**
 * The URL to import for the script `file` (an absolute path). `compiled`:
 * the compiled entry's URL when the launcher already knows it.
 */
export async function scriptURL(file: string, compiled?: string): Promise<string> {
  if (!isTypeScript(file)) {
    aliasIfNeeded(file);
    return pathToFileURL(file).href;
  }
  process.setSourceMapsEnabled(true);
  if (compiled !== undefined) return compiled;
  const known = compiledModules.get(file);
  if (known !== undefined) return known;
  const url = remember(file, await fromCache(file));
  if (url === pathToFileURL(file).href) aliasIfNeeded(file); // Node strips the types (compile.ts withoutCompiler)
  return url;
}

/**
 * The specifier to import for `specifier` as a futures worker gets it: a
 * file: URL of a script or module (the driver's main script, its `modules`
 * option), or a package name, left as it is.
 */
export async function moduleSpecifier(specifier: string): Promise<string> {
  if (!specifier.startsWith('file:')) return specifier;
  return scriptURL(fileURLToPath(specifier));
}

/** Compile `file` if it is TypeScript (the launcher, before any rank starts): the URL ranks import, or undefined for JavaScript. */
export async function precompile(file: string): Promise<string | undefined> {
  if (!isTypeScript(file)) return undefined;
  const { compileEntry } = await import('./compile.js');
  return remember(file, await compileEntry(file));
}
