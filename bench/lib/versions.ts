/** Versions of this side, recorded with every benchmark result. */
import { readFileSync } from 'node:fs';
import { MPI } from 'mpi4ts';

export function benchVersions(): Record<string, string | null> {
  let version: string | null = null;
  try {
    version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? null;
  } catch { /* not in the repository */ }
  return { node: process.version, v8: process.versions.v8, mpi4ts: version, mpi_library: MPI.Get_library_version() };
}
