/**
 * What an MPI library says of itself, read one way for MPI.get_vendor(),
 * MPI.Get_library_version() and `mpi4ts info --mpi-vendor` /
 * `--mpi-lib-version` (which ask a library without loading it here).
 */
import * as os from 'node:os';

/** Vendor name and version from MPI_Get_library_version's text: ["Open MPI", [4, 1, 6]], ["MPICH", [4, 0, 2]]. */
export function vendorOf(description: string): [string, [number, number, number]] {
  const triple = (m: RegExpExecArray | null): [number, number, number] =>
    [Number(m?.[1] ?? 0), Number(m?.[2] ?? 0), Number(m?.[3] ?? 0)];
  if (/Open MPI/.test(description)) return ['Open MPI', triple(/v(\d+)\.(\d+)(?:\.(\d+))?/.exec(description))];
  if (/MPICH/.test(description)) return ['MPICH', triple(/Version:\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(description))];
  if (/Intel/.test(description)) return ['Intel MPI', triple(/(\d+)\.(\d+)(?:\.(\d+))?/.exec(description))];
  return ['unknown', [0, 0, 0]];
}

/** mpi4ts as a vendor (the embedded runtime): its package version as a triple. */
export function ownVendor(version: string): [string, [number, number, number]] {
  const [a, b, c] = version.split('.').map((p) => Number.parseInt(p, 10));
  return ['mpi4ts', [a || 0, b || 0, c || 0]];
}

/** mpi4ts's part of MPI_Get_library_version: its transport and the Node.js (or browser, mpi4ts/browser) it runs on. */
export function ownLibraryVersion(transport: string): string {
  const runtime = process.release?.name === 'node' ? `Node.js ${process.version}` : process.version;
  return `mpi4ts (transport ${transport}, ${runtime}, ${os.platform()}-${os.arch()})`;
}

/** MPI_Get_library_version as mpi4ts answers it: the native library's own text, then `; ` and mpi4ts's; embedded, mpi4ts's alone. */
export function libraryVersion(transport: string, nativeDescription: string | null): string {
  const own = ownLibraryVersion(transport);
  return nativeDescription !== null ? `${nativeDescription.trim()}; ${own}` : own;
}
