/**
 * Workers import the user's main script, which may be TypeScript and may
 * live outside any project with mpi4ts installed. The launcher prepares a
 * rank for its own script only (tsx for .ts, the mpi4ts alias for scripts
 * elsewhere); the futures entry points (server.js, main.js) are this
 * package's JavaScript, so they prepare for the user's script here.
 */
import { register } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const REGISTERED = Symbol.for('mpi4ts.futures.tsx');

/** @internal Let this thread import .ts/.mts/.cts modules (once). */
export async function enableTypeScript(): Promise<void> {
  const g = globalThis as { [REGISTERED]?: boolean };
  if (g[REGISTERED]) return;
  g[REGISTERED] = true;
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
  // mpi4ts/futures is <root>/futures/index.js (or .ts under tsx): root is the package's dist (or src).
  const here = fileURLToPath(import.meta.url);
  register(new URL(`./resolve-hooks${extname(here)}`, import.meta.url), { data: { root: new URL('../', import.meta.url).href } });
}
