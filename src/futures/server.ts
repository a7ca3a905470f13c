/**
 * The program spawned workers run (mpi4py `python -m mpi4py.futures.server`):
 * connect to the parent, serve its executor, disconnect. Started by
 * MPIPoolExecutor through `MPI.COMM_SELF.Spawn`, never by hand.
 */
import { MPI } from '../index.js';
import { serve } from './worker.js';
import { markWorker } from './script.js';

const parent = MPI.Comm.Get_parent();
if (parent.isNull) {
  process.stderr.write('mpi4ts futures server: this program is started by MPIPoolExecutor (MPI.COMM_SELF.Spawn), not by hand\n');
  process.exit(2);
}
markWorker();
await serve(parent, { shared: false });
parent.Disconnect();
