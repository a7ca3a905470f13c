// Port of the last program of seed 000 (a blog's notes on mpi4py): the
// upper-case (buffer) Reduce sums every rank's number into rank 0, which
// prints the one-element NumPy array (for 4 ranks 0+1+2+3: [6.]).
// Run with: npx mpi4ts -n 4 examples/helloworld_reduce.ts
import { MPI } from 'mpi4ts';
import { npStr } from './lib/pyformat.ts';

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const name = MPI.Get_processor_name();
void size; void name; // read but not used, as in the seed

const nprank = Float64Array.of(rank); // np.array(float(rank))
const result = new Float64Array(1); // np.zeros(1)
comm.Reduce(nprank, result, MPI.SUM, 0);

if (rank === 0) {
  console.log(npStr(result));
}
