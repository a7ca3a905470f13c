// Port of mandelbrot-parallel-numba.py (seed 001, section 6.4 "Mandelbrot"):
// the ranks split the 800 rows of a 1200 x 800 picture of the Mandelbrot set
// (maxit 127), find their first row with an inclusive scan, and rank 0
// gathers the rows with Gatherv and a contiguous row datatype, times the
// computation and saves the picture as mandelbrot.png (the seed's
// pyplot.imsave: values mapped through the viridis colour map).
// Run with: npx mpi4ts -n 4 examples/mandelbrot.ts
//
// The seed's numba-compiled complex arithmetic is a loop over doubles here;
// `abs(z) < 2` is tested as |z|^2 < 4. The seed also writes a PDF copy; this
// port writes the PNG only.
import { MPI } from 'mpi4ts';
import { StopWatch } from 'mpi4ts/stopwatch';
import { imsave } from './lib/png.ts';

function mandelbrot(x: number, y: number, maxit: number): number {
  // c = x + y * 1j, z = 0 + 0j
  let zr = 0;
  let zi = 0;
  let it = 0;
  while (zr * zr + zi * zi < 4 && it < maxit) {
    // z = z ** 2 + c
    const t = zr * zr - zi * zi + x;
    zi = 2 * zr * zi + y;
    zr = t;
    it += 1;
  }
  return it;
}

const [x1, x2] = [-2.0, 1.0];
const [y1, y2] = [-1.0, 1.0];
const [w, h] = [1200, 800];
const maxit = 127;

const comm = MPI.COMM_WORLD;
const size = comm.Get_size();
const rank = comm.Get_rank();
if (rank === 0) {
  StopWatch.start(`parallel ${size}`);
}
// number of rows to compute here
const N = Math.floor(h / size) + (h % size > rank ? 1 : 0);

// first row to compute here
const start = comm.scan(N) - N;

// array to store local result
const Cl = new Int32Array(N * w); // numpy.zeros([N, w], dtype='i')

const dx = (x2 - x1) / w;
const dy = (y2 - y1) / h;
for (let i = 0; i < N; i++) {
  const y = y1 + (i + start) * dy;
  for (let j = 0; j < w; j++) {
    const x = x1 + j * dx;
    Cl[i * w + j] = mandelbrot(x, y, maxit);
  }
}

// gather results at root (process 0)

const counts = comm.gather(N, 0);
let C: Int32Array | null = null;
if (rank === 0) {
  C = new Int32Array(h * w); // numpy.zeros([h, w], dtype='i')
}

const rowtype = MPI.INT.Create_contiguous(w);
rowtype.Commit();

comm.Gatherv([Cl, MPI.INT], [C, [counts, null], rowtype], 0);

rowtype.Free();

if (rank === 0) {
  StopWatch.stop(`parallel ${size}`);

  imsave('mandelbrot.png', C!, w, h); // pyplot.imsave('mandelbrot-parallel-numba.png', C)

  StopWatch.benchmark();
}
