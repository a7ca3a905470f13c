/**
 * Mandelbrot workload (issue #3), twin of bench/peer/mandelbrot.py: the
 * seed's mandelbrot-parallel-numba computation (1200x800, maxit 127, rows
 * split over ranks, scan for the first row, Gatherv with a contiguous row
 * type), timed on rank 0 from before the scan to after the Gatherv, as the
 * seed's StopWatch does. No picture. Rank 0 prints one BENCH_JSON line with
 * the first (cold) run and the best of REPS further runs.
 *
 *   npx mpi4ts -n 2 bench/mandelbrot.ts
 *
 * BENCH_PHASES=1: rank 0 also prints on stderr, for each run, every rank's
 * [compute, gather of the row counts, row type, Gatherv, total] in ms: where
 * the speed-up from 1 to 2 ranks goes (`BENCH_PHASES=1 npx mpi4ts -n 1|2
 * bench/mandelbrot.ts`).
 */
import { writeSync } from 'node:fs';
import { MPI } from 'mpi4ts';
import { benchVersions } from './lib/versions.ts';

const [x1, x2, y1, y2, w, h, maxit] = [-2.0, 1.0, -1.0, 1.0, 1200, 800, 127];
const REPS = 5;
const PHASES = process.env['BENCH_PHASES'] === '1';
const comm = MPI.COMM_WORLD;
const size = comm.size;
const rank = comm.rank;

function mandelbrot(x: number, y: number): number {
  let zr = 0, zi = 0, it = 0;
  while (zr * zr + zi * zi < 4 && it < maxit) {
    const t = zr * zr - zi * zi + x;
    zi = 2 * zr * zi + y;
    zr = t;
    it++;
  }
  return it;
}

function once(): [number, number] {
  comm.Barrier();
  const t0 = MPI.Wtime();
  const N = Math.floor(h / size) + (h % size > rank ? 1 : 0);
  const start = comm.scan(N) - N;
  const Cl = new Int32Array(N * w);
  const dx = (x2 - x1) / w, dy = (y2 - y1) / h;
  for (let i = 0; i < N; i++) {
    const y = y1 + (i + start) * dy;
    for (let j = 0; j < w; j++) Cl[i * w + j] = mandelbrot(x1 + j * dx, y);
  }
  const t1 = MPI.Wtime();
  const counts = comm.gather(N, 0);
  const t2 = MPI.Wtime();
  const C = rank === 0 ? new Int32Array(h * w) : null;
  const rowtype = MPI.INT.Create_contiguous(w).Commit();
  const t3 = MPI.Wtime();
  comm.Gatherv([Cl, MPI.INT], [C, [counts, null], rowtype], 0);
  rowtype.Free();
  const t4 = MPI.Wtime();
  let checksum = 0;
  if (C) for (let k = 0; k < C.length; k += 97) checksum += C[k]!;
  const seconds = MPI.Wtime() - t0;
  if (PHASES) {
    // Gathered after the clock stopped: the timed run is the same with or without.
    const all = comm.gather([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0].map((v) => +(v * 1000).toFixed(1)), 0);
    if (rank === 0) writeSync(2, `${JSON.stringify(all)}\n`);
  }
  return [seconds, checksum];
}

const [cold, checksum] = once();
let best = Infinity;
for (let r = 0; r < REPS; r++) best = Math.min(best, once()[0]);
if (rank === 0) {
  writeSync(1, `BENCH_JSON ${JSON.stringify({
    bench: 'mandelbrot', side: 'mpi4ts', ranks: size, checksum,
    versions: benchVersions(), transport: 'threads',
    results: [
      { id: 'cold', label: `Mandelbrot 1200x800, first run (${size} rank${size > 1 ? 's' : ''})`, seconds: cold },
      { id: 'warm', label: `Mandelbrot 1200x800, best of ${REPS} (${size} rank${size > 1 ? 's' : ''})`, seconds: best },
    ],
  })}\n`);
}
