/**
 * One rank on COMM_SELF in a loop: CPU time per call of the small-message
 * paths (the fixed cost of a call: argument checks, buffer parsing, the
 * collective's entry, the transport's matching), without any peer.
 *
 *   node bench/micro/self_loop.mjs                     # every case
 *   SELF_CASES=Bcast,Isend SELF_ITERS=100000 node bench/micro/self_loop.mjs
 *
 * Prints ns per call for each case: the best of SELF_REPEATS rounds of
 * process CPU time (user + system), which a busy machine disturbs less than
 * wall time does. To compare two builds, run each in turn several times
 * (e.g. a checkout of the older commit, built, beside this one); figures
 * and the recipe: bench/results/self-loop.md.
 */
import { MPI } from 'mpi4ts';

const comm = MPI.COMM_SELF;
const N = Number(process.env['SELF_ITERS'] ?? 100000);
const REPEATS = Number(process.env['SELF_REPEATS'] ?? 5);
const buf = new Float64Array(1);
const rbuf = new Float64Array(1);
const obj = { a: 1, b: [1, 2, 3] };

const cases = {
  'Bcast 8 B': () => comm.Bcast(buf, 0),
  'bcast object': () => comm.bcast(obj, 0),
  'Barrier': () => comm.Barrier(),
  'Allreduce 8 B': () => comm.Allreduce(buf, rbuf, MPI.SUM),
  'Isend+Recv+Wait 8 B': () => { const r = comm.Isend(buf, 0, 1); comm.Recv(rbuf, 0, 1); r.Wait(); },
  'Sendrecv 8 B': () => comm.Sendrecv(buf, 0, 2, rbuf, 0, 2),
};
const only = process.env['SELF_CASES']?.split(',');

function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

const out = [];
for (const [name, fn] of Object.entries(cases)) {
  if (only && !only.some((o) => name.startsWith(o))) continue;
  for (let i = 0; i < N / 5; i++) fn();
  let best = Infinity;
  for (let k = 0; k < REPEATS; k++) {
    const t0 = cpuNs();
    for (let i = 0; i < N; i++) fn();
    best = Math.min(best, (cpuNs() - t0) / N);
  }
  out.push(`${name}: ${best.toFixed(0)}`);
}
console.log(out.join(' | '));
