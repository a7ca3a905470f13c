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
 * Environment: BENCH_SCALE (iteration multiplier), BENCH_CASES (ids).
 */
import { writeSync } from 'node:fs';
import { MPI } from 'mpi4ts';
import { benchVersions } from './lib/versions.ts';

const comm = MPI.COMM_WORLD;
const rank = comm.rank;
const REPS = 5;
const MiB = 1 << 20;

interface Case { id: string; label: string; iters: number; make: () => () => void }

const CASES: Case[] = [
  { id: 'barrier', label: 'Barrier', iters: 20000, make: () => () => comm.Barrier() },
  {
    id: 'bcast-8', label: 'Bcast 8 B', iters: 20000,
    make: () => { const b = new Uint8Array(8); return () => comm.Bcast(b, 0); },
  },
  {
    id: 'bcast-1m', label: 'Bcast 1 MiB', iters: 2000,
    make: () => { const b = new Uint8Array(MiB); return () => comm.Bcast(b, 0); },
  },
  {
    id: 'allreduce-1', label: 'Allreduce 1 double', iters: 20000,
    make: () => { const s = new Float64Array(1).fill(1), r = new Float64Array(1); return () => comm.Allreduce(s, r, MPI.SUM); },
  },
  {
    id: 'allreduce-1m', label: 'Allreduce 1 MiB doubles', iters: 500,
    make: () => { const s = new Float64Array(MiB / 8).fill(1), r = new Float64Array(MiB / 8); return () => comm.Allreduce(s, r, MPI.SUM); },
  },
  { id: 'obj-allreduce', label: 'allreduce(number)', iters: 20000, make: () => () => { comm.allreduce(rank, MPI.SUM); } },
  {
    id: 'obj-bcast', label: 'bcast(small object)', iters: 20000,
    make: () => { const o = { a: 1, b: [1, 2, 3] }; return () => { comm.bcast(rank === 0 ? o : null, 0); }; },
  },
];

function run(c: Case, scale: number): { id: string; label: string; iters: number; latency_us: { mean: number; min: number; reps: number[] } } {
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
  // Warm-up: the same repetitions, untimed (so the calls between them have
  // been seen too before timing starts; a JIT re-optimises on new types).
  for (let r = 0; r < REPS; r++) rep();
  const reps: number[] = [];
  for (let r = 0; r < REPS; r++) reps.push(rep());
  return { id: c.id, label: c.label, iters: n, latency_us: { mean: reps.reduce((a, b) => a + b, 0) / REPS, min: Math.min(...reps), reps } };
}

const scale = Number(process.env['BENCH_SCALE'] || '1');
const wanted = (process.env['BENCH_CASES'] ?? '').split(',').filter(Boolean);
const results = CASES.filter((c) => wanted.length === 0 || wanted.includes(c.id)).map((c) => run(c, scale));
if (rank === 0) {
  const out = {
    bench: 'collectives', side: 'mpi4ts', ranks: comm.size, scale,
    versions: benchVersions(),
    transport: 'threads', results,
  };
  writeSync(1, `BENCH_JSON ${JSON.stringify(out)}\n`);
}
