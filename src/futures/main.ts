/**
 * `mpi4ts -n K --futures app.ts [args]` (mpi4py `mpiexec -n K python -m
 * mpi4py.futures app.py`): rank 0 runs the script; ranks 1..K-1 form a pool
 * that every MPIPoolExecutor of rank 0 shares, instead of spawning workers.
 * The launcher starts every rank on this module with the script as first
 * argument.
 */
import * as path from 'node:path';
import { MPI } from '../index.js';
import { serve } from './worker.js';
import { markWorker } from './script.js';
import { scriptURL } from '../loader/entry.js';
import { splitRoot, setSharedPool, sharedPool, liveExecutors } from './pool.js';
import { EXIT } from './protocol.js';

const [script, ...args] = process.argv.slice(2);
if (script === undefined) {
  process.stderr.write('mpi4ts --futures: no script given (usage: mpi4ts -n K --futures app.ts [args])\n');
  process.exit(2);
}
const file = path.resolve(script);

const world = MPI.COMM_WORLD;
if (world.Get_size() === 1) {
  // No rank to share: executors spawn their workers, as without --futures.
  process.argv = [process.execPath, file, ...args];
  await import(await scriptURL(file));
} else {
  const inter = splitRoot(world, 0);
  if (world.Get_rank() === 0) {
    setSharedPool({ comm: inter, size: inter.Get_remote_size(), nextTag: 1, closed: false });
    // Once rank 0 has nothing left to do, let executors left open finish,
    // then release the pool (Python's exit-time join).
    const close = async (): Promise<void> => {
      const pool = sharedPool();
      if (pool === null || pool.closed) return;
      await Promise.all([...liveExecutors()].map((ex) => ex.shutdown({ wait: true }).catch(() => {})));
      if (pool.closed) return;
      pool.closed = true;
      const reqs = Array.from({ length: pool.size }, (_, w) => pool.comm.issend([EXIT], w, 0));
      for (const r of reqs) await r;
      pool.comm.Disconnect();
      setSharedPool(null);
    };
    process.on('beforeExit', () => { void close(); });
    // A script that ends with process.exit() skips beforeExit: still free the workers (small eager sends complete at once).
    process.on('exit', () => {
      const pool = sharedPool();
      if (pool === null || pool.closed) return;
      pool.closed = true;
      for (let w = 0; w < pool.size; w++) pool.comm.send([EXIT], w, 0);
    });
    process.argv = [process.execPath, file, ...args];
    await import(await scriptURL(file));
  } else {
    markWorker();
    process.argv = [process.execPath, file, ...args];
    await serve(inter, { shared: true });
    inter.Disconnect();
  }
}
