/**
 * Module resolution hook for JavaScript scripts that live outside any
 * project with mpi4ts installed (e.g. a script in /tmp run with a global
 * `mpi4ts`): the bare specifiers `mpi4ts`, `mpi4ts/futures`, `mpi4ts/stopwatch` and `mpi4ts/util/sync` then resolve
 * to the copy that runs the rank, as `from mpi4py import MPI` works wherever
 * the script is. Registered by entry.ts, only where it is needed: every
 * module load through a hook takes a round trip to the hook's thread.
 * (Compiled TypeScript needs no hook: compile.ts writes the copy's URL in.)
 */
let urls = { index: '', futures: '', stopwatch: '', utilSync: '' };

export function initialize(data: { index: string; futures: string; stopwatch: string; utilSync: string }): void {
  urls = data;
}

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<{ url: string; shortCircuit?: boolean }> {
  const own = specifier === 'mpi4ts' ? urls.index : specifier === 'mpi4ts/futures' ? urls.futures : specifier === 'mpi4ts/stopwatch' ? urls.stopwatch
    : specifier === 'mpi4ts/util/sync' ? urls.utilSync : null;
  if (own !== null) {
    try {
      return await next(specifier, context);
    } catch {
      return { url: own, shortCircuit: true };
    }
  }
  return next(specifier, context);
}
