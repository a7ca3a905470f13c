/**
 * `import { pkl5, dtlib, pool } from 'mpi4ts/util'` (mpi4py's
 * `from mpi4py.util import pkl5, dtlib, pool`); each is also its own export,
 * `mpi4ts/util/pkl5`, `mpi4ts/util/dtlib`, `mpi4ts/util/pool`.
 */
export * as pkl5 from './pkl5.js';
export * as dtlib from './dtlib.js';
export * as pool from './pool.js';
