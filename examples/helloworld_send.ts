// Port of the second program of seed 000 (mpi4py notes): rank 0 sends the
// string "fred" to rank 1 with the lower-case (object) send, rank 1 prints it.
// Run with: npx mpi4ts -n 2 examples/helloworld_send.ts
// (As in the seed, every rank but 0 waits for a message from rank 0, so run
// it on exactly 2 ranks: with more, ranks 2 and up would wait forever.)
import { MPI } from 'mpi4ts';

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const name = MPI.Get_processor_name();
void size; void name; // computed but unused, as in the seed

if (rank === 0) {
  comm.send('fred', { dest: 1 });
} else {
  const counter = comm.recv<string>({ source: 0 });
  console.log(counter);
}
