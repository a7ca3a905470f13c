/**
 * `import { pkl5, dtlib, pool, sync } from 'mpi4ts/util'` (mpi4py's
 * `from mpi4py.util import pkl5, dtlib, pool, sync`); each is also its own
 * export, `mpi4ts/util/pkl5`, `mpi4ts/util/dtlib`, `mpi4ts/util/pool`,
 * `mpi4ts/util/sync`.
 */
export * as pkl5 from './pkl5.js';
export * as dtlib from './dtlib.js';
export * as pool from './pool.js';
export * as sync from './sync.js';
