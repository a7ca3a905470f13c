/**
 * Ring hop latency (issue #6, oversubscription): a 1-byte message goes around
 * the ring of all ranks (rank 0 sends to 1, ..., the last back to 0), as
 * mpi4py's `bench ringtest` does; the figure is the time per hop, so 16 ranks
 * on 2 cores can be set beside 2. Twin of bench/peer/ring.py. Rank 0 prints
 * one BENCH_JSON line: the mean over REPS repetitions of the lap time divided
 * by the number of hops.
 *
 *   npx mpi4ts -n 16 bench/ring.ts
 */
import { writeSync } from 'node:fs';
import { MPI } from 'mpi4ts';
import { benchVersions } from './lib/versions.ts';

const comm = MPI.COMM_WORLD;
const size = comm.size;
const rank = comm.rank;
const REPS = 5;
/** Warm-up repetitions per timed one. */
const WARMUP_FACTOR = 3;
const scale = Number(process.env['BENCH_SCALE'] || '1');
/** Laps per repetition: fewer with more ranks, so every size takes about as long. */
const laps = Math.max(10, Math.round((20000 * scale) / size));
const buf = new Uint8Array(1);
const next = (rank + 1) % size;
const prev = (rank - 1 + size) % size;

function lap(): void {
  if (rank === 0) {
    comm.Send(buf, next, 7);
    comm.Recv(buf, prev, 7);
  } else {
    comm.Recv(buf, prev, 7);
    comm.Send(buf, next, 7);
  }
}

/** One repetition: Barrier, then `laps` laps timed; microseconds per hop. */
function rep(): number {
  comm.Barrier();
  const t0 = MPI.Wtime();
  for (let i = 0; i < laps; i++) lap();
  return ((MPI.Wtime() - t0) / laps / size) * 1e6;
}

// Warm-up: three times the timed repetitions, whole (their Barriers too), as
// rma.ts and collectives.ts; the peer runs the same. With one set of laps
// and no Barrier, as before 2026-12-06, the first timed repetitions at 2
// ranks took 1.0-1.4 us a hop against 0.38-0.55 for the last ones.
for (let r = 0; r < WARMUP_FACTOR * REPS; r++) rep();
const reps: number[] = [];
for (let r = 0; r < REPS; r++) reps.push(rep());
if (rank === 0) {
  const mean = reps.reduce((a, b) => a + b, 0) / REPS;
  writeSync(1, `BENCH_JSON ${JSON.stringify({
    bench: 'ring', side: 'mpi4ts', ranks: size, scale, versions: benchVersions(), transport: 'threads',
    results: [{ id: 'hop', label: `ring of ${size}, 1 B, time per hop`, iters: laps * size, latency_us: { mean, min: Math.min(...reps), reps } }],
  })}\n`);
}
