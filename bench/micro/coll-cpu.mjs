/**
 * CPU time a rank spends per collective call, beside the wall time: with
 * more ranks than cores the wall time of a Barrier is roughly the sum of
 * every rank's CPU time divided by the cores, and the CPU time moves less
 * from run to run than the wall time on a noisy machine. Reads
 * /proc/thread-self/schedstat (Linux) before and after the timed calls:
 * nanoseconds on a core, and the number of times the rank got one.
 *
 *   npx mpi4ts -n 8 bench/micro/coll-cpu.mjs
 *   CASES=allreduce ITERS=40000 npx mpi4ts -n 4 bench/micro/coll-cpu.mjs
 *   CASES=bcast-1m BYTES=262144 ITERS=2000 npx mpi4ts -n 2 bench/micro/coll-cpu.mjs
 *
 * Cases: barrier, allreduce (one double), bcast (8 B), bcast-1m (BYTES,
 * default 1 MiB), obj-bcast (bcast of a small object, as bench/collectives.ts).
 *
 * Prints per case: the slowest rank's wall time per call, each rank's CPU
 * time per call (us) and its turns on a core per call.
 */
import { MPI } from 'mpi4ts';
import * as fs from 'node:fs';

const comm = MPI.COMM_WORLD;
const rank = comm.rank;
const N = Number(process.env.ITERS ?? 20000);
const s = new Float64Array(1);
const r = new Float64Array(1);
const b = new Uint8Array(8);
// Filled: a root buffer never written reads the kernel's zero page (bench/README.md, "Zero pages").
const big = new Uint8Array(Number(process.env.BYTES ?? 1 << 20)).fill(1);
const obj = { a: 1, b: [1, 2, 3] };
const cases = {
  barrier: () => comm.Barrier(),
  allreduce: () => comm.Allreduce(s, r, MPI.SUM),
  bcast: () => comm.Bcast(b, 0),
  'bcast-1m': () => comm.Bcast(big, 0),
  'obj-bcast': () => comm.bcast(rank === 0 ? obj : null, 0),
};
const schedstat = () => fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);

for (const name of (process.env.CASES ?? 'barrier,allreduce,bcast').split(',')) {
  const f = cases[name];
  if (f === undefined) throw new RangeError(`CASES: unknown case '${name}' (barrier, allreduce, bcast, bcast-1m, obj-bcast)`);
  for (let i = 0; i < N; i++) f();
  comm.Barrier();
  const a = schedstat();
  const t0 = MPI.Wtime();
  for (let i = 0; i < N; i++) f();
  const wall = ((MPI.Wtime() - t0) / N) * 1e6;
  const z = schedstat();
  const all = comm.gather([wall, (z[0] - a[0]) / N / 1000, (z[2] - a[2]) / N], 0);
  if (rank === 0) {
    console.log(`${name}: wall ${Math.max(...all.map((x) => x[0])).toFixed(2)} us/call;`,
      `cpu us/call ${all.map((x) => x[1].toFixed(2)).join(' ')};`,
      `turns/call ${all.map((x) => x[2].toFixed(2)).join(' ')}`);
  }
}
