// Port of mpi4py's demo/compute-pi/cpi-rma.py: parallel computation of pi
// with Remote Memory Access. Rank 0 exposes the number of intervals and the
// sum in two windows; every rank Gets n in a fence epoch, computes its share
// of the midpoint rule, and Accumulates it into rank 0's pi with MPI.SUM.
//
// The demo reads n from the terminal until 0; here the values of n are the
// arguments (default 100 1000 10000), then 0 ends the loop as it does there.
// Run with: npx mpi4ts -n 4 examples/cpi-rma.ts [n ...]
//
// The demo's NumPy arrays are typed arrays here; the other ranks reach rank
// 0's through the window (directly where the memory is a SharedArrayBuffer,
// else through pinned copies).
import { MPI } from 'mpi4ts';

function get_n(queue: number[]): number {
  const n = queue.shift() ?? 0;
  return Number.isInteger(n) && n > 0 ? n : 0;
}

function comp_pi(n: number, myrank = 0, nprocs = 1): number {
  const h = 1.0 / n;
  let s = 0.0;
  for (let i = myrank + 1; i < n + 1; i += nprocs) {
    const x = h * (i - 0.5);
    s += 4.0 / (1.0 + x ** 2);
  }
  return s * h;
}

function prn_pi(pi: number, PI: number): void {
  console.log(`pi is approximately ${pi.toFixed(16)}, error is ${Math.abs(pi - PI).toFixed(16)}`);
}

const nprocs = MPI.COMM_WORLD.Get_size();
const myrank = MPI.COMM_WORLD.Get_rank();
const queue = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100, 1000, 10000];

const n = new Int32Array(1);
const pi = new Float64Array(1);
const mypi = new Float64Array(1);

let win_n: MPI.Win;
let win_pi: MPI.Win;
if (myrank === 0) {
  win_n = MPI.Win.Create(n, 1, MPI.INFO_NULL, MPI.COMM_WORLD);
  win_pi = MPI.Win.Create(pi, 1, MPI.INFO_NULL, MPI.COMM_WORLD);
} else {
  win_n = MPI.Win.Create(null, 1, MPI.INFO_NULL, MPI.COMM_WORLD);
  win_pi = MPI.Win.Create(null, 1, MPI.INFO_NULL, MPI.COMM_WORLD);
}

for (;;) {
  if (myrank === 0) {
    n.fill(get_n(queue));
    pi.fill(0.0);
  }
  win_n.Fence();
  if (myrank !== 0) win_n.Get([n, MPI.INT], 0);
  win_n.Fence();
  if (n[0] === 0) break;
  mypi.fill(comp_pi(n[0]!, myrank, nprocs));
  win_pi.Fence();
  win_pi.Accumulate([mypi, MPI.DOUBLE], 0, null, MPI.SUM);
  win_pi.Fence();
  if (myrank === 0) prn_pi(pi[0]!, Math.PI);
}

win_n.Free();
win_pi.Free();
