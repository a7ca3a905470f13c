/**
 * Module resolution hook for JavaScript scripts that live outside any
 * project with mpi4ts installed (e.g. a script in /tmp run with a global
 * `mpi4ts`): the bare specifiers `mpi4ts`, `mpi4ts/futures`, `mpi4ts/stopwatch`, `mpi4ts/util`... then resolve
 * to the copy that runs the rank, as `from mpi4py import MPI` works wherever
 * the script is. Registered by entry.ts, only where it is needed: every
 * module load through a hook takes a round trip to the hook's thread.
 * (Compiled TypeScript needs no hook: compile.ts writes the copy's URL in.)
 */
/** URL of each package export (`mpi4ts`, `mpi4ts/futures`, `mpi4ts/util`, ...): core/entries.ts's packageExportURLs. */
let urls: Record<string, string> = {};

export function initialize(data: Record<string, string>): void {
  urls = data;
}

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<{ url: string; shortCircuit?: boolean }> {
  const own = Object.hasOwn(urls, specifier) ? urls[specifier] : undefined;
  if (own !== undefined) {
    try {
      return await next(specifier, context);
    } catch {
      return { url: own, shortCircuit: true };
    }
  }
  return next(specifier, context);
}
