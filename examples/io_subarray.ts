// Collective I/O with typed arrays (MPI-IO): a 2-D array distributed in
// blocks over the ranks is written to one file through subarray views,
// then read back, possibly by a different number of ranks, and checked.
//
// MPI-IO lets the processes of a communicator open one file together and
// each read or write its own part of it. A process describes its part with
// a file *view*: a displacement, an elementary type (here DOUBLE) and a
// filetype (here a subarray of the global array), so that its data, a
// plain contiguous block in memory, lands at the right places of the file,
// which then holds the global array in row-major order, as if one process
// had written it. The collective calls (Write_all, Read_all) are made by
// every process of the file's group together.
//
// Run with:
//   npx mpi4ts -n 4 examples/io_subarray.ts write array.bin 100 60
//   npx mpi4ts -n 3 examples/io_subarray.ts read array.bin 100 60
import { MPI } from 'mpi4ts';

const comm = MPI.COMM_WORLD;
const size = comm.Get_size();
const rank = comm.Get_rank();

const [mode, filename = 'array.bin', rowsArg = '100', colsArg = '60'] = process.argv.slice(2);
if (mode !== 'write' && mode !== 'read') throw new Error('usage: io_subarray.ts write|read FILE [ROWS COLS]');
const ROWS = Number(rowsArg);
const COLS = Number(colsArg);

// The ranks as a 2-D grid (MPI_Dims_create), this rank's place in it.
const dims = MPI.Compute_dims(size, 2);
const coords = [Math.floor(rank / dims[1]!), rank % dims[1]!];

/** Start and length of block `i` of `n` items split over `p` parts (the first n % p get one more). */
function block(n: number, p: number, i: number): [number, number] {
  const base = Math.floor(n / p);
  const rem = n % p;
  return [i * base + Math.min(i, rem), base + (i < rem ? 1 : 0)];
}
const [row0, nrows] = block(ROWS, dims[0]!, coords[0]!);
const [col0, ncols] = block(COLS, dims[1]!, coords[1]!);

// The value of global element (i, j): anything the reader can recompute.
const value = (i: number, j: number): number => i * COLS + j + 0.5;

// This rank's block of the global array, as a subarray filetype.
const filetype = MPI.DOUBLE.Create_subarray([ROWS, COLS], [nrows, ncols], [row0, col0]).Commit();
const local = new Float64Array(nrows * ncols);

if (mode === 'write') {
  for (let i = 0; i < nrows; i++) for (let j = 0; j < ncols; j++) local[i * ncols + j] = value(row0 + i, col0 + j);
  const fh = MPI.File.Open(comm, filename, MPI.MODE_WRONLY | MPI.MODE_CREATE);
  fh.Set_size(0); // drop what an earlier, larger run left
  fh.Set_view(0, MPI.DOUBLE, filetype);
  fh.Write_all(local);
  fh.Close();
  if (rank === 0) console.log(`wrote a ${ROWS}x${COLS} array of doubles from ${size} ranks (a ${dims[0]}x${dims[1]} grid of blocks) to ${filename}`);
} else {
  const fh = MPI.File.Open(comm, filename, MPI.MODE_RDONLY);
  const bytes = fh.Get_size();
  fh.Set_view(0, MPI.DOUBLE, filetype);
  const status = new MPI.Status();
  fh.Read_all(local, status);
  fh.Close();
  let wrong = status.Get_count(MPI.DOUBLE) === local.length ? 0 : local.length;
  for (let i = 0; i < nrows; i++) for (let j = 0; j < ncols; j++) if (local[i * ncols + j] !== value(row0 + i, col0 + j)) wrong++;
  const total = comm.allreduce(wrong);
  if (rank === 0) {
    console.log(`read a ${ROWS}x${COLS} array of doubles (${bytes} bytes) with ${size} ranks (a ${dims[0]}x${dims[1]} grid of blocks): ${total === 0 ? 'every element checks' : `${total} elements wrong`}`);
  }
  if (total !== 0) process.exitCode = 1;
}
filetype.Free();
