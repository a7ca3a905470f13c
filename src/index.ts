/**
 * mpi4ts: MPI for TypeScript. `import { MPI } from 'mpi4ts'` is the whole
 * API, named as in mpi4py (`from mpi4py import MPI`).
 * @module mpi4ts
 */

/**
 * mpi4ts: MPI for TypeScript. `import { MPI } from 'mpi4ts'` is the whole
 * API, named as in mpi4py (`from mpi4py import MPI`).
 */
export * as MPI from './mpi.js';
