/**
 * The machine's cores, as this process may use them: the same number in
 * every thread of the process, so ranks that size shared structures by it
 * (src/coll/shm.ts) agree.
 */
import * as os from 'node:os';

export const CORES: number = os.availableParallelism?.() ?? os.cpus().length;
