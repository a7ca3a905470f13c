/**
 * mpi4ts side of the collective benchmark (issue #3), twin of
 * bench/peer/collectives.py: same cases, iteration counts and protocol.
 *
 *   npx mpi4ts -n 4 bench/collectives.ts
 *
 * Each case: warm-up (REPS untimed repetitions, as many calls as timed: a JIT
 * needs them; the peer gets the same), then REPS timed repetitions, each a
 * Barrier and the calls. A rank's figure
 * is its mean time per call; the reported latency is the maximum over ranks
 * (what the slowest rank saw), averaged over repetitions. Rank 0 prints one
 * `BENCH_JSON {...}` line.
 *
 * The large cases also report `bound_us`, their memory-bandwidth bound: the
 * bytes all ranks touch in a call (Case.touched) over the memcpy rate of the
 * cores they share, measured here first (memcpyRate).
 *
 * Environment: BENCH_SCALE (iteration multiplier), BENCH_CASES (ids).
 */
import { writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MPI } from 'mpi4ts';
import { benchVersions } from './lib/versions.ts';

const comm = MPI.COMM_WORLD;
const rank = comm.rank;
const REPS = 5;
/** Warm-up repetitions per timed one (as pingpong.ts, rma.ts, ring.ts). */
const WARMUP_FACTOR = 3;
const MiB = 1 << 20;

/**
 * A case: `touched(p)`, for the large ones, is the bytes all ranks together
 * must read and write in one call (what the memory-bandwidth bound is made of):
 * Bcast of n bytes: each of the p - 1 others reads n and writes n; Allreduce
 * of n bytes (reduce-scatter, then allgather): each rank reads the n bytes of
 * its slice from every rank and writes its n/p result, then reads and writes
 * the (p - 1) n/p of the others' results, (3p - 1) n in all.
 */
interface Case { id: string; label: string; iters: number; make: () => () => void; touched?: (p: number) => number }

const CASES: Case[] = [
  { id: 'barrier', label: 'Barrier', iters: 20000, make: () => () => comm.Barrier() },
  {
    id: 'bcast-8', label: 'Bcast 8 B', iters: 20000,
    make: () => { const b = new Uint8Array(8).fill(1); return () => comm.Bcast(b, 0); },
  },
  {
    id: 'bcast-1m', label: 'Bcast 1 MiB', iters: 2000,
    // Filled, as a program's data is: a buffer never written would be the
    // kernel's zero page (one 4 KiB page for the whole MiB, always in cache)
    // wherever calloc maps it fresh, and the figure would depend on malloc's
    // history (bench/README.md, "Zero pages").
    make: () => { const b = new Uint8Array(MiB).fill(1); return () => comm.Bcast(b, 0); },
    touched: (p) => 2 * (p - 1) * MiB,
  },
  {
    id: 'allreduce-1', label: 'Allreduce 1 double', iters: 20000,
    make: () => { const s = new Float64Array(1).fill(1), r = new Float64Array(1); return () => comm.Allreduce(s, r, MPI.SUM); },
  },
  {
    id: 'allreduce-1m', label: 'Allreduce 1 MiB doubles', iters: 500,
    make: () => { const s = new Float64Array(MiB / 8).fill(1), r = new Float64Array(MiB / 8); return () => comm.Allreduce(s, r, MPI.SUM); },
    touched: (p) => (3 * p - 1) * MiB,
  },
  { id: 'obj-allreduce', label: 'allreduce(number)', iters: 20000, make: () => () => { comm.allreduce(rank, MPI.SUM); } },
  {
    id: 'obj-bcast', label: 'bcast(small object)', iters: 20000,
    make: () => { const o = { a: 1, b: [1, 2, 3] }; return () => { comm.bcast(rank === 0 ? o : null, 0); }; },
  },
];

/**
 * Bytes a core reads and writes per second in a memcpy of 1 MiB (TypedArray
 * set between arrays of one type is a memcpy): rank 0 alone, best of 5
 * rounds of 200 copies, the others waiting in a Barrier. Twin of the peer's
 * numpy copyto.
 */
function memcpyRate(): number {
  let best = 0;
  if (rank === 0) {
    const src = new Uint8Array(MiB).fill(1), dst = new Uint8Array(MiB);
    for (let round = 0; round < 6; round++) {
      const t0 = MPI.Wtime();
      for (let i = 0; i < 200; i++) dst.set(src);
      const rate = (2 * MiB * 200) / (MPI.Wtime() - t0);
      if (round > 0) best = Math.max(best, rate);
    }
  }
  comm.Barrier();
  return best;
}

/** The memory-bandwidth bound of a call: its bytes touched over the rate of the cores the ranks share. */
function boundUs(c: Case, rate: number): number | undefined {
  if (c.touched === undefined || rate <= 0) return undefined;
  return (c.touched(comm.size) / (Math.min(comm.size, availableParallelism()) * rate)) * 1e6;
}

function run(c: Case, scale: number, rate: number): { id: string; label: string; iters: number; latency_us: { mean: number; min: number; reps: number[] }; bound_us?: number } {
  const n = Math.max(REPS, Math.round((c.iters * scale) / REPS) * REPS);
  const perRep = n / REPS;
  const op = c.make();
  const mine = new Float64Array(1);
  const worst = new Float64Array(1);
  /** One repetition: the slowest rank's time per call, in microseconds. */
  const rep = (): number => {
    comm.Barrier();
    const t0 = MPI.Wtime();
    for (let i = 0; i < perRep; i++) op();
    mine[0] = (MPI.Wtime() - t0) / perRep;
    comm.Allreduce(mine, worst, MPI.MAX);
    return worst[0]! * 1e6;
  };
  // Warm-up: three times the repetitions, untimed (so the calls between them
  // have been seen too before timing starts; a JIT re-optimises on new
  // types). With one set, as before 2026-12-06, a 2-rank Barrier's timed
  // repetitions still fell from 0.6-0.7 us to 0.24-0.31.
  for (let r = 0; r < WARMUP_FACTOR * REPS; r++) rep();
  const reps: number[] = [];
  for (let r = 0; r < REPS; r++) reps.push(rep());
  const bound = boundUs(c, rate);
  return {
    id: c.id, label: c.label, iters: n, latency_us: { mean: reps.reduce((a, b) => a + b, 0) / REPS, min: Math.min(...reps), reps },
    ...(bound === undefined ? {} : { bound_us: bound }),
  };
}

const scale = Number(process.env['BENCH_SCALE'] || '1');
const wanted = (process.env['BENCH_CASES'] ?? '').split(',').filter(Boolean);
const chosen = CASES.filter((c) => wanted.length === 0 || wanted.includes(c.id));
const rate = chosen.some((c) => c.touched !== undefined) ? memcpyRate() : 0;
const results = chosen.map((c) => run(c, scale, rate));
if (rank === 0) {
  const out = {
    bench: 'collectives', side: 'mpi4ts', ranks: comm.size, scale,
    ...(rate > 0 ? { memcpy_GBps: rate / 1e9 } : {}),
    versions: benchVersions(),
    transport: 'threads', results,
  };
  writeSync(1, `BENCH_JSON ${JSON.stringify(out)}\n`);
}
