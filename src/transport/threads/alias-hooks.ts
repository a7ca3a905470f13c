/**
 * Module resolution hook for ranks whose script lives outside any project
 * that has mpi4ts installed (e.g. a script in /tmp run with a global
 * `mpi4ts`): the bare specifier `mpi4ts` then resolves to the launcher's own
 * copy, as `from mpi4py import MPI` works wherever the script is.
 */
let target = '';

export function initialize(data: { target: string }): void {
  target = data.target;
}

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'mpi4ts' || specifier === 'mpi4ts/futures') {
    try {
      return await next(specifier, context);
    } catch {
      const url = specifier === 'mpi4ts' ? target : new URL('./futures/index.js', target).href;
      return { url, shortCircuit: true };
    }
  }
  return next(specifier, context);
}
