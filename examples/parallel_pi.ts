// Port of parallel_pi.py (seed 001, section 6.3 "Monte Carlo Calculation of
// Pi", originally from https://cvw.cac.cornell.edu/python/exercise, modified
// by the cloudmesh team).
//
// An estimate of the numerical value of pi via Monte Carlo integration.
// Computation is distributed across processors via MPI.
//
// For N from 4**5 to 4**14, every rank throws N darts Nruns_total // size
// times; rank 0 prints the mean and standard deviation of the estimates for
// each N and plots them (pi_vs_log2_N.png, log2_std_vs_log2_N.png).
//
// Run with: npx mpi4ts -n 4 examples/parallel_pi.ts
// Options:
//   --max-log4 K   stop the sweep at N = 4**K (default 14, as the seed)
//   --seed S       seed of the random numbers (default: a fresh random one);
//                  each rank draws from its own stream derived from S
//
// The seed uses NumPy's random doubles and takes minutes; here the darts are
// thrown by a tight loop over a seedable xoshiro128** generator whose state
// lives in a Uint32Array, one 32-bit draw per dart: 16 bits for x and 16 for
// y, at the centres of a 65536 x 65536 grid over the square, compared in
// exact integer arithmetic. The grid's share of points inside the circle
// differs from pi/4 by 4e-8 (the estimate by 1.7e-7), far below the
// smallest standard deviation of the sweep (about 1e-4 at N = 4**14).
// The full sweep (22.9 billion darts, about 80 s of CPU) takes some 40 s on
// 2 idle cores.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { MPI } from 'mpi4ts';
import { StopWatch } from 'mpi4ts/stopwatch';
import { pyFloat } from './lib/pyformat.ts';
import { savePlot } from './lib/plot.ts';

StopWatch.start('Overall time');

// ---- random numbers: xoshiro128** (Blackman & Vigna), seeded by splitmix32 ----

/** Four words of xoshiro128** state from a seed and a stream number (the rank). */
function seedState(seed: number, stream: number): Uint32Array {
  const s = new Uint32Array(4);
  let z = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) | 0;
  for (let i = 0; i < 4; i++) { // splitmix32
    z = (z + 0x9e3779b9) | 0;
    let t = z ^ (z >>> 16); t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15; t = Math.imul(t, 0x735a2d97);
    s[i] = t ^ (t >>> 15);
  }
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1; // the all-zero state is not allowed
  return s;
}

let rng: Uint32Array; // this rank's generator state, set in main

/**
 * Throw n darts uniformly into the square [-1, 1] x [-1, 1] and return how
 * many land in the unit circle (throw_darts and in_unit_circle of the seed,
 * fused into one loop).
 */
function darts_in_circle(n: number): number {
  let s0 = rng[0]! | 0, s1 = rng[1]! | 0, s2 = rng[2]! | 0, s3 = rng[3]! | 0;
  let inside = 0;
  for (let i = 0; i < n; i++) {
    // xoshiro128**: r is the next 32-bit draw
    let r = Math.imul(s1, 5); r = Math.imul((r << 7) | (r >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
    // x, y: the odd integers 2k - 65535 (k = 0..65535) of the high and low
    // halves, i.e. 65536 * the coordinates in (-1, 1) at the grid-cell centres
    const x = (r >> 15) | 1;
    const y = ((r << 16) >> 15) | 1;
    // Inside when x^2 + y^2 <= 2^32, tested exactly in 32-bit integers: the
    // squares are odd and below 2^32, so halving them (floor) drops only
    // the 1/2s, and the sum of the halves reaches 2^31 (its int32 sign bit
    // turns on) exactly when x^2 + y^2 > 2^32.
    const half = ((Math.imul(x, x) >>> 1) + (Math.imul(y, y) >>> 1)) | 0;
    inside += 1 + (half >> 31);
  }
  rng[0] = s0; rng[1] = s1; rng[2] = s2; rng[3] = s3;
  return inside;
}

/**
 * returns an estimate of pi by drawing n random numbers in the square
 * [[-1,1], [-1,1]] and calculating what fraction land within the unit
 * circle; in this version, draw random numbers in blocks of the specified
 * size, and keep a running total of the number of points within the unit
 * circle (as the seed, which did so to avoid allocating very large arrays)
 */
function estimate_pi(n: number, block = 100000): number {
  let total_number = 0;
  let i = 0;
  while (i < n) {
    if (n - i < block) {
      block = n - i;
    }
    const number_in_circle = darts_in_circle(block);
    total_number += number_in_circle;
    i += block;
  }
  return (4 * total_number) / n;
}

/**
 * on each of the available processes, calculate an estimate of pi by
 * drawing N random numbers; the manager process will assemble all of the
 * estimates produced by all workers, and compute the mean and standard
 * deviation across the independent runs
 */
function estimate_pi_in_parallel(comm: MPI.Intracomm, N: number): number[] | undefined {
  let data: number[] | null;
  if (rank === 0) {
    data = Array.from({ length: size }, () => N);
  } else {
    data = null;
  }
  const n = comm.scatter(data, 0);
  void n; // the seed scatters N but uses its own copy
  //
  const pi_est = estimate_pi(N);
  //
  const pi_estimates = comm.gather(pi_est, 0);
  if (rank === 0) {
    return pi_estimates;
  }
  return undefined;
}

function estimate_pi_statistics(comm: MPI.Intracomm, Ndarts: number, Nruns_per_worker: number): [number, number] | undefined {
  const results: number[][] = [];
  for (let i = 0; i < Nruns_per_worker; i++) {
    const result = estimate_pi_in_parallel(comm, Ndarts);
    if (rank === 0) {
      results.push(result!);
    }
  }
  if (rank === 0) {
    // np.mean and np.std (population) over all the estimates
    const all = results.flat();
    const pi_est_mean = all.reduce((s, v) => s + v, 0) / all.length;
    const pi_est_std = Math.sqrt(all.reduce((s, v) => s + (v - pi_est_mean) ** 2, 0) / all.length);
    return [pi_est_mean, pi_est_std];
  }
  return undefined;
}

// ---- main ----

const { values } = parseArgs({
  options: {
    'max-log4': { type: 'string', default: '14' },
    seed: { type: 'string' },
  },
});
const maxLog4 = Number(values['max-log4']);
if (!Number.isInteger(maxLog4) || maxLog4 < 5 || maxLog4 > 15) {
  console.error(`Error: Invalid value for '--max-log4': '${values['max-log4']}' is not an integer from 5 to 15.`);
  process.exit(2);
}

/*
 * for N from 4**5 to 4**14 (integer powers of 4),
 * compute mean and standard deviation of estimates of pi
 * by throwing N darts multiple times (Nruns_total times,
 * distributed across workers)
 */
const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
if (rank === 0) {
  console.log(`MPI size = ${size}`);
}
// One seed for the job (from --seed, or fresh on rank 0), one stream per rank.
const seed = comm.bcast(rank === 0 ? (values.seed !== undefined ? Number(values.seed) | 0 : randomBytes(4).readInt32LE()) : null, 0)!;
rng = seedState(seed, rank);
const Nruns_total = 64;
const Nruns_per_worker = Math.floor(Nruns_total / size);
//
const estimates: [number, number, number][] = [];
const sweepStart = performance.now();
for (let log4N = 5; log4N <= maxLog4; log4N++) {
  const N = 4 ** log4N;
  const result = estimate_pi_statistics(comm, N, Nruns_per_worker);
  if (rank === 0) {
    const [pi_est_mean, pi_est_std] = result!;
    estimates.push([N, pi_est_mean, pi_est_std]);
    console.log(`${N} ${pyFloat(pi_est_mean)} ${pyFloat(pi_est_std)}`);
  }
}
if (rank === 0 && process.env['BENCH_JSON']) {
  // For bench/compare.ts: the time of the sweep alone (the peer reports the same).
  const seconds = (performance.now() - sweepStart) / 1000;
  console.log(`BENCH_JSON ${JSON.stringify({
    bench: 'pi', side: 'mpi4ts', ranks: size, versions: { node: process.version, v8: process.versions.v8, mpi_library: MPI.Get_library_version() }, transport: 'threads',
    results: [{ id: 'sweep', label: `Monte Carlo pi, 4**5..4**${maxLog4} darts x 64 runs (${size} rank${size > 1 ? 's' : ''})`, seconds }],
  })}`);
}
if (rank === 0) {
  const log2N = estimates.map(([N]) => Math.log2(N));
  // plt.errorbar(np.log2(estimates[:,0]), estimates[:,1], yerr=estimates[:,2])
  await savePlot('pi_vs_log2_N.png', {
    x: log2N, y: estimates.map((e) => e[1]), yerr: estimates.map((e) => e[2]),
    ylabel: 'estimate of pi', xlabel: 'log2(number of darts N)',
  });
  // plt.plot(np.log2(estimates[:,0]), np.log2(estimates[:,2]))
  await savePlot('log2_std_vs_log2_N.png', {
    x: log2N, y: estimates.map((e) => Math.log2(e[2])),
    ylabel: 'log2(standard deviation)', xlabel: 'log2(number of darts N)',
  });
}
MPI.Finalize();

// On every rank, as in the seed: the machine, the timer and its # csv line.
StopWatch.stop('Overall time');
StopWatch.benchmark();
