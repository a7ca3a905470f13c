/**
 * `import { MPIPoolExecutor, MPICommExecutor } from 'mpi4ts/futures'`: run
 * calls on a pool of MPI worker ranks, as mpi4py.futures does.
 * @module mpi4ts/futures
 */
export { MPIPoolExecutor, MPICommExecutor, defaultMaxWorkers } from './pool.js';
export type { ExecutorOptions, CommExecutorOptions, ShutdownOptions, MapIterables } from './pool.js';
export { MapResult } from './map.js';
export type { MapOptions } from './map.js';
export { Future, BrokenExecutor, CancelledError, TimeoutError } from './future.js';
export { isMain } from './script.js';
