// Port of npscatter.py (seed 001, section 5.3.2.2 "Scatter from Python
// Memory"): rank 0 fills a size x 10 int array whose row i is all i, and
// scatters one row to each rank with the upper-case (buffer) Scatter.
// 2-D NumPy arrays are flat Int32Arrays here (row-major, as NumPy stores
// them), printed with their shape as NumPy prints them.
// Run with: npx mpi4ts -n 4 examples/scatter_buffer.ts
import { MPI } from 'mpi4ts';
import { npStr } from './lib/pyformat.ts';

// Communicator
const comm = MPI.COMM_WORLD;

// Number of processes in the communicator group
const size = comm.Get_size();

// Get the rank of the current process in the communicator group
const rank = comm.Get_rank();

// Data to be sent
let sendbuf: Int32Array | null = null;

// Process with rank 0 populates sendbuf with a 2-D array,
// based on the number of processes in our communicator group
if (rank === 0) {
  sendbuf = new Int32Array(size * 10); // np.zeros([size, 10], dtype='i')
  for (let i = 0; i < size; i++) sendbuf.fill(i, i * 10, (i + 1) * 10); // sendbuf.T[:, :] = range(size)

  // Print the content of sendbuf before scattering
  console.log(`sendbuf in 0: ${npStr(sendbuf, [size, 10])}`);
}

// Each process gets a buffer (initially containing just zeros)
// to store scattered data.
const recvbuf = new Int32Array(10);

// Print the content of recvbuf in each process before scattering
console.log(`recvbuf in ${rank}: ${npStr(recvbuf)}`);

// Scattering occurs
comm.Scatter(sendbuf, recvbuf, 0);

// Print the content of sendbuf in each process after scattering
console.log(`Buffer in process ${rank} contains: ${npStr(recvbuf)}`);
