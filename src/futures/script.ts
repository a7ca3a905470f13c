/**
 * The TypeScript form of Python's `if __name__ == '__main__':`. Workers find
 * task functions by importing the driver's main script, so the part of the
 * script that drives the pool must not run when a worker imports it:
 *
 *   export function product(x: number, y: number) { return x * y; }
 *   if (isMain(import.meta)) {
 *     await using executor = new MPIPoolExecutor();
 *     ...
 *   }
 */
import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WORKER = Symbol.for('mpi4ts.futures.worker');

type Flags = { [WORKER]?: boolean };

/** @internal Mark this rank as a futures worker (it imports main scripts, never drives them). */
export function markWorker(): void {
  (globalThis as Flags)[WORKER] = true;
}

/** True in a rank that serves a pool (spawned worker, launcher `--futures` worker). */
export function isWorker(): boolean {
  return (globalThis as Flags)[WORKER] === true;
}

function real(file: string): string {
  try { return fs.realpathSync(file); } catch { return file; }
}

/**
 * True when the module whose `import.meta` is given is the script this rank
 * was started with, and this rank is not a futures worker: Python's
 * `__name__ == '__main__'`.
 */
export function isMain(meta: { url: string }): boolean {
  if (meta === null || typeof meta !== 'object' || typeof meta.url !== 'string') {
    throw new TypeError(`isMain: expected import.meta, got ${meta === null ? 'null' : typeof meta}`);
  }
  if (isWorker()) return false;
  const entry = process.argv[1];
  if (!entry || !meta.url.startsWith('file:')) return false;
  return real(fileURLToPath(meta.url)) === real(entry);
}

/** @internal file: URL of this rank's main script (what workers import to find task functions), or null. */
export function mainScriptURL(): string | null {
  const entry = process.argv[1];
  if (!entry) return null;
  return pathToFileURL(real(entry)).href;
}
