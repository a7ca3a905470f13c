// Port of allgather_buffer.py (seed 001, section 5.3.4 "Allgather Memory
// Objects"): each rank fills a row with i * rank for i in range(size); the
// upper-case (buffer) Allgather puts every row into every rank's
// size x size table: a multiplication table.
// As in the seed, row and table are float64 arrays (np.zeros) described as
// MPI.INT: the bytes move unchanged (each row is 2 * size INTs), so the
// table still reads as doubles.
// Run with: npx mpi4ts -n 4 examples/allgather_buffer.ts
import { MPI } from 'mpi4ts';
import { npStr } from './lib/pyformat.ts';

// Communicator group
const comm = MPI.COMM_WORLD;

// Number of processes in the communicator group
const size = comm.Get_size();

// Get the rank of the current process in the communicator group
const rank = comm.Get_rank();

// Initialize array and table
const row = new Float64Array(size); // np.zeros(size)
const table = new Float64Array(size * size); // np.zeros((size, size))

// Each process computes the local values and fills its array
for (let i = 0; i < size; i++) {
  const j = i * rank;
  row[i] = j;
}

// Print array in each process
console.log(`Process ${rank} table before Allgather: ${npStr(table, [size, size])}\n`);

// Gathering occurs
comm.Allgather([row, MPI.INT], [table, MPI.INT]);

// Print table in each process after gathering
console.log(`Process ${rank} table after Allgather: ${npStr(table, [size, size])}\n`);
