// Port of count.py (seed 001, section 6.2 "Counting Numbers"), with the
// seed's assignment done: rank 0 reads the parameters from the environment
// and broadcasts them to all workers (the seed's version read them on every
// rank). Each rank draws n random integers in 1..max_number, counts how often
// `find` occurs, and rank 0 gathers the counts and prints their total.
// Run with: npx mpi4ts -n 4 examples/count.ts
// To change the values set them on your terminal on the
// machine running rank 0 with
//   export N=20
//   export MAX=10
//   export FIND=8
import { MPI } from 'mpi4ts';
import { pyInt } from './lib/input.ts';
import { pyPrint } from './lib/pyformat.ts';

const comm = MPI.COMM_WORLD; // Communicator
const size = comm.Get_size(); // Number of processes
const rank = comm.Get_rank(); // Rank of this process
void size;

// random.randint(a, b): an integer in a..b, both included
function randint(a: number, b: number): number {
  return a + Math.floor(Math.random() * (b - a + 1));
}

// Get the input values or set them to a default (on rank 0 only) ...
let params: [number, number, number] | null = null;
if (rank === 0) {
  const n = pyInt(process.env.N || '20');
  const max_number = pyInt(process.env.MAX || '10');
  const find = pyInt(process.env.FIND || '8');
  params = [n, max_number, find];
}
// ... and broadcast them from rank 0 to all workers (the assignment)
const [n, max_number, find] = comm.bcast(params, 0)!;

// Each process gets different data, depending on its rank number
const data: number[] = [];
for (let i = 0; i < n; i++) {
  const r = randint(1, max_number);
  data.push(r);
}
const count = data.filter((x) => x === find).length; // data.count(find)

pyPrint(rank, count, data); // Print data from each process
const count_data = comm.gather(count, 0); // Gather the data

// Process 0 prints out the gathered data, rest of the processes
if (rank === 0) {
  pyPrint(rank, count_data);
  const total = count_data!.reduce((s, c) => s + c, 0); // sum(count_data)
  pyPrint(`Total number of ${find}'s:`, total);
}
