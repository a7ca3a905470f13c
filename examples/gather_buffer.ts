// Port of npgather.py (seed 001, section 5.3.3.2 "Gather from Python
// Memory"): every rank has 10 ints equal to its rank; rank 0 gathers them
// into the rows of a size x 10 array with the upper-case (buffer) Gather.
// Run with: npx mpi4ts -n 4 examples/gather_buffer.ts
import { MPI } from 'mpi4ts';
import { npStr } from './lib/pyformat.ts';

// Communicator group
const comm = MPI.COMM_WORLD;

// Number of processes in the communicator group
const size = comm.Get_size();

// Get the rank of the current process in the communicator group
const rank = comm.Get_rank();

// Each process gets an array with data based on its rank.
const sendbuf = new Int32Array(10).fill(rank); // np.zeros(10, dtype='i') + rank

// Print the data in sendbuf before gathering
console.log(`Buffer in process ${rank} before gathering: ${npStr(sendbuf)}`);

// Variable to store gathered data
let recvbuf: Int32Array | null = null;

// Process with rank 0 initializes recvbuf to a 2-D array containing
// only zeros. The size of the array is determined by the number of
// processes in the communicator group
if (rank === 0) {
  recvbuf = new Int32Array(size * 10); // np.zeros([size, 10], dtype='i')

  // Print recvbuf
  console.log(`recvbuf in process 0 before gathering: ${npStr(recvbuf, [size, 10])}`);
}

// Gathering occurs
comm.Gather(sendbuf, recvbuf, 0);

// Print recvbuf in process with rank 0 after gathering
if (rank === 0) {
  console.log(`recvbuf in process 0 after gathering: \n${npStr(recvbuf!, [size, 10])}`);
}
