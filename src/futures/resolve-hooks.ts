/**
 * Module resolution hook for futures workers whose main script lives outside
 * any project with mpi4ts installed: `mpi4ts` and `mpi4ts/futures` then
 * resolve to the copy the worker runs, as they do for the script's own ranks
 * (the launcher's hook is registered for the rank's own script only; a
 * worker's entry point is this package's, which always finds mpi4ts).
 */
let root = '';

export function initialize(data: { root: string }): void {
  root = data.root;
}

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'mpi4ts' || specifier === 'mpi4ts/futures') {
    try {
      return await next(specifier, context);
    } catch {
      return { url: new URL(specifier === 'mpi4ts' ? './index.js' : './futures/index.js', root).href, shortCircuit: true };
    }
  }
  return next(specifier, context);
}
