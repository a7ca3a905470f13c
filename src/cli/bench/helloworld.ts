/**
 * `mpi4ts bench helloworld`: every rank says hello, in rank order
 * (`python -m mpi4py.bench helloworld`). Rank 0 prints its own line, then
 * receives each other rank's line in turn and prints it, so the order holds
 * however the ranks' output reaches the terminal.
 */
import { MPI } from '../../index.js';
import { benchOptions } from './options.js';
import { barrier } from './util.js';

const options = benchOptions('helloworld');
const verbose = !options['quiet'];

const comm = MPI.COMM_WORLD;
const size = comm.Get_size();
const rank = comm.Get_rank();
const name = MPI.Get_processor_name();
const message = `Hello, World! I am process ${String(rank).padStart(String(size - 1).length)} of ${size} on ${name}.\n`;

barrier(comm);
if (rank === 0) {
  if (verbose) process.stdout.write(message);
  for (let r = 1; r < size; r++) {
    const line = comm.recv<string>(r, 0);
    if (verbose) process.stdout.write(line);
  }
} else {
  comm.send(message, 0, 0);
}
barrier(comm);
