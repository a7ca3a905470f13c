/**
 * The only place that names concrete transports: the launcher `mpi4ts run`
 * uses (selectLauncher, which loads that transport's launching code only)
 * and the transport of a rank (selectTransport). A rank started by the
 * embedded launcher finds its bootstrap record in `workerData`; a process
 * started on its own is a singleton world of one rank (as mpi4py is when a
 * script runs without mpiexec), except a task of a multi-task srun step
 * that lacks the PMI plugin of its library: that ends at once (core/slurm.ts).
 */
import { writeSync } from 'node:fs';
import { workerData, parentPort } from 'node:worker_threads';
import type { Transport } from './spi.js';
import type { Launcher } from './launcher.js';
import { BOOTSTRAP_KEY, type RankBootstrap } from '../core/bootstrap.js';
import { ThreadsTransport, type RankToLauncher } from './threads/engine.js';
import { ProcTable } from './threads/proctable.js';
import { NativeTransport } from './native/engine.js';
import { builtLibraries, describeLibraries, launcherLibrary, loadAddon, nativeAvailability, type LibraryDescription } from './native/addon.js';
import { slurmPmiProblem } from '../core/slurm.js';

/**
 * Transport names `mpi4ts info` reports, with whether they can run here and
 * why not. Asynchronous, so that the launcher (which bundles this file, see
 * scripts/bundle.mjs) loads the embedded runtime's addon only when asked.
 */
export async function availableTransports(): Promise<{ name: string; available: boolean; detail: string }[]> {
  const { yieldCpu, yieldStatus } = await import('./threads/yield.js');
  return [
    {
      name: 'threads',
      available: true,
      detail: 'embedded: ranks are worker threads, messages move through shared memory; sched_yield for '
        + `oversubscribed ranks and single-copy transfers: ${yieldCpu !== null ? 'yes (native/sched)' : `no (${yieldStatus})`}`,
    },
    { name: 'native', available: nativeAvailability()[0], detail: nativeAvailability()[1] },
  ];
}

/**
 * The MPI libraries the native transport is built for, with the versions
 * each reports (`mpi4ts info`); given a library, that one only, as the
 * native transport would choose it (else the first built).
 */
export function nativeLibraries(library?: string): LibraryDescription[] {
  return describeLibraries(library);
}

/** The transports by name (`--transport`, MPI4TS_TRANSPORT), for messages. */
export const TRANSPORT_NAMES: readonly string[] = ['threads', 'native'];

/**
 * The launcher of the transport `name` (`mpi4ts run --transport`), or null
 * when there is no such transport. Only its code is loaded: the embedded
 * runtime's host or the mpiexec launcher, never both.
 */
export async function selectLauncher(name: string): Promise<Launcher | null> {
  switch (name) {
    case 'threads': return (await import('./threads/launch.js')).launcher;
    case 'native': return (await import('./native/launch.js')).launcher;
    default: return null;
  }
}

/** Create the transport of this process. */
export function selectTransport(): Transport {
  const wanted = process.env['MPI4TS_TRANSPORT'];
  if (wanted && wanted !== 'threads' && wanted !== 'native') {
    throw new Error(`MPI4TS_TRANSPORT=${wanted}: the transports are 'threads' and 'native'`);
  }
  const boot = (workerData as Record<string, unknown> | null)?.[BOOTSTRAP_KEY] as RankBootstrap | undefined;
  if (!boot && wanted !== 'threads') {
    // A task of `srun -n N` without the PMI plugin its library speaks would
    // be a silent world of one (or hang in MPI_Init): end the step now, with
    // the plugin to use. Task 0 says why; srun reports every task's exit.
    const problem = slurmPmiProblem(process.env, process.env['MPI4TS_MPI'] ?? launcherLibrary() ?? builtLibraries()[0] ?? null);
    if (problem !== null) {
      if (process.env['SLURM_PROCID'] === '0') writeSync(2, `mpi4ts: ${problem}\n`);
      process.exit(1);
    }
  }
  // A process started by an MPI launcher (and not a rank thread of the
  // embedded one) binds the MPI library, unless told otherwise.
  if (!boot && (wanted === 'native' || (wanted === undefined && launcherLibrary() !== null))) {
    const { addon, library } = loadAddon();
    return new NativeTransport(addon, library);
  }
  if (boot) {
    return new ThreadsTransport(boot, (m: RankToLauncher) => parentPort!.postMessage(m));
  }
  const table = ProcTable.create(1);
  const singleton: RankBootstrap = {
    version: 1, gpid: 0, worldRank: 0, worldGpids: [0], procTable: table.sab, controlPort: null,
    config: {}, timeOrigin: performance.timeOrigin, universeSize: 1, appnum: 0, script: process.argv[1] ?? '', argv: process.argv.slice(2), ownsStdin: true, tagOutput: false,
  };
  return new ThreadsTransport(singleton, (m: RankToLauncher) => {
    if (m.type === 'abort') {
      process.stderr.write(`mpi4ts: MPI_Abort with error code ${m.code}${m.reason ? `: ${m.reason}` : ''}\n`);
      process.exit(m.code);
    }
  });
}
