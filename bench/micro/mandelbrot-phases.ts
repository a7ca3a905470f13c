/**
 * Where the time of bench/mandelbrot.ts goes, phase by phase, on every rank:
 * compute, the gather of the row counts, the row type, the Gatherv, and the
 * total (ms), for 8 runs in a row (the first ones include the JIT).
 *
 *   npx mpi4ts -n 1 bench/micro/mandelbrot-phases.ts
 *   npx mpi4ts -n 2 bench/micro/mandelbrot-phases.ts
 *
 * Rank 0 prints one line per run: [[compute, gather, rowtype, Gatherv, total] per rank].
 */
import { MPI } from 'mpi4ts';
const [x1, x2, y1, y2, w, h, maxit] = [-2.0, 1.0, -1.0, 1.0, 1200, 800, 127];
const comm = MPI.COMM_WORLD, size = comm.size, rank = comm.rank;
function mandelbrot(x: number, y: number): number {
  let zr = 0, zi = 0, it = 0;
  while (zr * zr + zi * zi < 4 && it < maxit) { const t = zr * zr - zi * zi + x; zi = 2 * zr * zi + y; zr = t; it++; }
  return it;
}
for (let rep = 0; rep < 8; rep++) {
  comm.Barrier();
  const t0 = MPI.Wtime();
  const N = Math.floor(h / size) + (h % size > rank ? 1 : 0);
  const start = comm.scan(N) - N;
  const Cl = new Int32Array(N * w);
  const dx = (x2 - x1) / w, dy = (y2 - y1) / h;
  for (let i = 0; i < N; i++) { const y = y1 + (i + start) * dy; for (let j = 0; j < w; j++) Cl[i * w + j] = mandelbrot(x1 + j * dx, y); }
  const t1 = MPI.Wtime();
  const counts = comm.gather(N, 0);
  const ta = MPI.Wtime();
  const C = rank === 0 ? new Int32Array(h * w) : null;
  const rowtype = MPI.INT.Create_contiguous(w).Commit();
  const tb = MPI.Wtime();
  comm.Gatherv([Cl, MPI.INT], [C, [counts, null], rowtype], 0);
  rowtype.Free();
  const t2 = MPI.Wtime();
  const all = comm.gather([t1 - t0, ta - t1, tb - ta, t2 - tb, t2 - t0].map((v) => +(v * 1000).toFixed(1)), 0);
  if (rank === 0) console.log(rep, JSON.stringify(all));
}
