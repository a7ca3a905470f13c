/**
 * One-sided communication (issue #15), in the manner of the OSU one-sided
 * benchmarks: Put and Get latency (8 B) and bandwidth (1 MiB) from rank 0
 * into rank 1's window under active target (Fence) and passive target
 * (Lock/Unlock), Accumulate(SUM) of 1 MiB of doubles under Lock/Unlock, and
 * (run at 4 ranks) nxtval: every rank increments a counter in rank 0's
 * window with Fetch_and_op under a shared lock, increments per second over
 * all ranks. Twin of bench/peer/rma.py: same cases, same iteration counts,
 * same protocol (warm-up of three times the timed operations, REPS repetitions timed with MPI.Wtime, Barrier
 * before each). Rank 0 prints one BENCH_JSON line.
 *
 *   npx mpi4ts -n 2 bench/rma.ts      (Put/Get/Accumulate cases)
 *   npx mpi4ts -n 4 bench/rma.ts      (nxtval only)
 *
 * Environment: BENCH_SCALE (multiplies every iteration count), BENCH_CASES
 * (comma-separated case ids). Iteration counts are fixed (no time budget):
 * under Fence both ranks must run the same number of epochs.
 */
import { writeSync } from 'node:fs';
import { MPI } from 'mpi4ts';
import { benchVersions } from './lib/versions.ts';

const comm = MPI.COMM_WORLD;
const rank = comm.rank;
const size = comm.size;
const REPS = 3;
/** Warm-up operations per timed operation (pingpong.ts's factor). */
const WARMUP_FACTOR = 3;
const MiB = 1024 * 1024;
const scale = Number(process.env['BENCH_SCALE'] || '1');
const only = (process.env['BENCH_CASES'] || '').split(',').filter((s) => s !== '');

type Kind = 'put' | 'get' | 'acc';
type Sync = 'fence' | 'lock';
interface Case { id: string; label: string; kind: Kind; sync: Sync; bytes: number; iters: number }

// Keep this list identical to CASES in bench/peer/rma.py.
const CASES: Case[] = [
  { id: 'put-fence-8', label: 'Put 8 B, Fence', kind: 'put', sync: 'fence', bytes: 8, iters: 20000 },
  { id: 'get-fence-8', label: 'Get 8 B, Fence', kind: 'get', sync: 'fence', bytes: 8, iters: 20000 },
  { id: 'put-lock-8', label: 'Put 8 B, Lock/Unlock', kind: 'put', sync: 'lock', bytes: 8, iters: 20000 },
  { id: 'get-lock-8', label: 'Get 8 B, Lock/Unlock', kind: 'get', sync: 'lock', bytes: 8, iters: 20000 },
  { id: 'put-fence-1m', label: 'Put 1 MiB, Fence', kind: 'put', sync: 'fence', bytes: MiB, iters: 1000 },
  { id: 'get-fence-1m', label: 'Get 1 MiB, Fence', kind: 'get', sync: 'fence', bytes: MiB, iters: 1000 },
  { id: 'put-lock-1m', label: 'Put 1 MiB, Lock/Unlock', kind: 'put', sync: 'lock', bytes: MiB, iters: 1000 },
  { id: 'get-lock-1m', label: 'Get 1 MiB, Lock/Unlock', kind: 'get', sync: 'lock', bytes: MiB, iters: 1000 },
  { id: 'acc-lock-1m', label: 'Accumulate SUM 1 MiB', kind: 'acc', sync: 'lock', bytes: MiB, iters: 500 },
];
const NXTVAL_ITERS = 20000;

const scaled = (n: number) => Math.max(10, Math.round(n * scale));
const wanted = (id: string) => only.length === 0 || only.includes(id);

interface Result {
  id: string; label: string; bytes: number | null; iters: number;
  latency_us?: { mean: number; min: number; stddev: number };
  bandwidth_MBps?: { mean: number; max: number };
  ops_per_s?: number;
}

function stats(c: Case, iters: number, perOp: number[]): Result {
  const mean = perOp.reduce((a, b) => a + b, 0) / perOp.length;
  const min = Math.min(...perOp);
  const stddev = Math.sqrt(perOp.reduce((a, b) => a + (b - mean) ** 2, 0) / perOp.length);
  return {
    id: c.id, label: c.label, bytes: c.bytes, iters,
    latency_us: { mean: mean * 1e6, min: min * 1e6, stddev: stddev * 1e6 },
    bandwidth_MBps: { mean: c.bytes / mean / 1e6, max: c.bytes / min / 1e6 },
  };
}

/** One case between ranks 0 (origin) and 1 (target); seconds per operation of each repetition on rank 0. */
function pairCase(win: MPI.Win, c: Case, iters: number): number[] {
  const origin = c.kind === 'acc' ? new Float64Array(c.bytes / 8).fill(1) : new Uint8Array(c.bytes).fill(rank + 1);
  const op = (): void => {
    if (c.kind === 'put') win.Put(origin, 1);
    else if (c.kind === 'get') win.Get(origin, 1);
    else win.Accumulate(origin, 1, null, MPI.SUM);
  };
  const loop = (n: number): void => {
    if (c.sync === 'fence') {
      for (let i = 0; i < n; i++) {
        if (rank === 0) op();
        win.Fence();
      }
    } else if (rank === 0) {
      for (let i = 0; i < n; i++) {
        win.Lock(1, MPI.LOCK_EXCLUSIVE);
        op();
        win.Unlock(1);
      }
    }
  };
  if (c.sync === 'fence') win.Fence();
  const n = Math.max(1, Math.floor(iters / REPS));
  /** One repetition: Barrier, then n operations timed; seconds per operation. */
  const rep = (): number => {
    comm.Barrier();
    const t0 = MPI.Wtime();
    loop(n);
    return (MPI.Wtime() - t0) / n;
  };
  // Warm-up: whole repetitions, three times as many operations as timed
  // (pingpong.ts's factor; whole repetitions as collectives.ts, so that the
  // calls between them have been seen before timing starts). With a tenth
  // of the operations, as before 2026-12-06, the first case timed V8's
  // tier-up: Put 8 B + Fence 1.6-2.2 us against 0.26 us warm; with bare
  // loops, one repetition of three still took 1.4 us. The peer runs the same.
  for (let r = 0; r < WARMUP_FACTOR * REPS; r++) rep();
  const perOp: number[] = [];
  for (let r = 0; r < REPS; r++) perOp.push(rep());
  comm.Barrier();
  return perOp;
}

/** nxtval: every rank takes `iters` tickets from the counter in rank 0's window; all ranks' increments per second. */
function nxtval(iters: number): Result {
  const win = MPI.Win.Allocate(rank === 0 ? 4 : 0, 4, MPI.INFO_NULL, comm);
  const one = new Int32Array([1]);
  const got = new Int32Array(1);
  const loop = (n: number): void => {
    for (let i = 0; i < n; i++) {
      win.Lock(0, MPI.LOCK_SHARED);
      win.Fetch_and_op(one, got, 0, 0, MPI.SUM);
      win.Unlock(0);
    }
  };
  const warm = WARMUP_FACTOR * iters;
  loop(warm);
  const rates: number[] = [];
  const n = Math.max(1, Math.floor(iters / REPS));
  for (let r = 0; r < REPS; r++) {
    comm.Barrier();
    const t0 = MPI.Wtime();
    loop(n);
    const slowest = comm.allreduce(MPI.Wtime() - t0, MPI.MAX);
    rates.push((n * size) / slowest);
  }
  comm.Barrier();
  if (rank === 0) {
    win.Lock(0, MPI.LOCK_EXCLUSIVE);
    win.Get(got, 0);
    win.Unlock(0);
    const expect = (warm + n * REPS) * size;
    if (got[0] !== expect) throw new Error(`nxtval: counter is ${got[0]}, expected ${expect}`);
  }
  comm.Barrier();
  win.Free();
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  return { id: 'nxtval', label: `Fetch_and_op counter, ${size} ranks`, bytes: 4, iters: n * REPS * size, ops_per_s: mean };
}

const results: Result[] = [];
if (size === 2) {
  const win = MPI.Win.Allocate(MiB, 1, MPI.INFO_NULL, comm);
  for (const c of CASES) {
    if (!wanted(c.id)) continue;
    const iters = scaled(c.iters);
    const perOp = pairCase(win, c, iters);
    results.push(stats(c, iters, perOp));
  }
  win.Free();
} else if (wanted('nxtval')) {
  results.push(nxtval(scaled(NXTVAL_ITERS)));
}
if (rank === 0) {
  writeSync(1, `BENCH_JSON ${JSON.stringify({
    bench: 'rma', side: 'mpi4ts', ranks: size, scale, versions: benchVersions(), transport: 'threads', results,
  })}\n`);
}
