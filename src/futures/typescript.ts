/**
 * Workers import the user's main script, which may be TypeScript. The
 * launcher registers tsx only when a rank's own script is TypeScript; the
 * futures entry points (server.js, main.js) are not, so they do it here.
 */
const REGISTERED = Symbol.for('mpi4ts.futures.tsx');

/** @internal Let this thread import .ts/.mts/.cts modules (once). */
export async function enableTypeScript(): Promise<void> {
  const g = globalThis as { [REGISTERED]?: boolean };
  if (g[REGISTERED]) return;
  g[REGISTERED] = true;
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
}
