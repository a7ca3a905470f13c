/**
 * Collective MPI-IO bandwidth (issue #15): a 64 MiB file (times BENCH_SCALE)
 * written with Write_at_all and read back with Read_at_all by all ranks, in
 * a fresh temporary folder, two ways: contiguous (each rank one block of
 * size/n bytes at rank * size/n) and strided (the file is an N x N array of
 * doubles, each rank owns one block of a Compute_dims grid and sees it
 * through a subarray file view, so every rank's part is N/py rows of N/px
 * doubles, strided through the file). Twin of bench/peer/io.py: same sizes,
 * same protocol (one untimed write and read, then REPS repetitions, each
 * timed from a Barrier to the slowest rank's end; MB/s = file bytes / that
 * time). No Sync: both sides measure writes into the page cache. The data
 * read back is checked outside the timed part. Rank 0 prints one BENCH_JSON
 * line.
 *
 *   npx mpi4ts -n 4 bench/io.ts
 */
import { mkdtempSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MPI } from 'mpi4ts';
import { benchVersions } from './lib/versions.ts';

const comm = MPI.COMM_WORLD;
const rank = comm.rank;
const size = comm.size;
const REPS = 3;
const MiB = 1024 * 1024;
const scale = Number(process.env['BENCH_SCALE'] || '1');
const only = (process.env['BENCH_CASES'] || '').split(',').filter((s) => s !== '');
const wanted = (id: string) => only.length === 0 || only.includes(id);

const [py, px] = MPI.Compute_dims(size, 2);
/** Side of the N x N array of doubles: about 64 MiB * scale (at least 1 MiB), a multiple of both grid sides. */
const step = py * px;
const N = Math.max(step, Math.round(Math.sqrt(Math.max(MiB, 64 * MiB * scale) / 8) / step) * step);
const FILE_BYTES = N * N * 8;
/** Doubles each rank owns (the same count both ways). */
const LOCAL = FILE_BYTES / 8 / size;

interface Result { id: string; label: string; bytes: number; iters: number; bandwidth_MBps: { mean: number; max: number } }

const dir = comm.bcast(rank === 0 ? mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-bench-io-')) : null, 0) as string;
const filename = path.join(dir, 'data.bin');

/** The strided pass writes element (i, j) as this (negative: not what the contiguous pass left there), then checks it. */
const value = (i: number, j: number) => -(i * N + j) - 1;

function bandwidth(id: string, label: string, run: () => void): Result {
  run(); // untimed first pass
  const seconds: number[] = [];
  for (let r = 0; r < REPS; r++) {
    comm.Barrier();
    const t0 = MPI.Wtime();
    run();
    seconds.push(comm.allreduce(MPI.Wtime() - t0, MPI.MAX) as number);
  }
  const mean = seconds.reduce((a, b) => a + b, 0) / REPS;
  return { id, label, bytes: FILE_BYTES, iters: REPS, bandwidth_MBps: { mean: FILE_BYTES / mean / 1e6, max: FILE_BYTES / Math.min(...seconds) / 1e6 } };
}

function fail(what: string): never {
  throw new Error(`io bench: ${what} read back wrong data on rank ${rank}`);
}

const results: Result[] = [];
const fh = MPI.File.Open(comm, filename, MPI.MODE_CREATE | MPI.MODE_RDWR);

// Contiguous: rank r owns global elements [r * LOCAL, (r + 1) * LOCAL).
if (wanted('write-contig') || wanted('read-contig')) {
  const out = new Float64Array(LOCAL);
  for (let k = 0; k < LOCAL; k++) out[k] = rank * LOCAL + k;
  const back = new Float64Array(LOCAL);
  const offset = rank * LOCAL * 8;
  fh.Set_view(0, MPI.BYTE, MPI.BYTE);
  if (wanted('write-contig')) results.push(bandwidth('write-contig', 'Write_at_all, contiguous', () => fh.Write_at_all(offset, out)));
  else fh.Write_at_all(offset, out);
  if (wanted('read-contig')) results.push(bandwidth('read-contig', 'Read_at_all, contiguous', () => fh.Read_at_all(offset, back)));
  else fh.Read_at_all(offset, back);
  for (let k = 0; k < LOCAL; k += 4099) if (back[k] !== out[k]) fail('contiguous');
  if (back[LOCAL - 1] !== out[LOCAL - 1]) fail('contiguous');
}

// Strided: rank (a, b) of the py x px grid owns rows a*N/py.. and columns b*N/px.. of the N x N array.
if (wanted('write-strided') || wanted('read-strided')) {
  const rows = N / py, cols = N / px;
  const a = Math.floor(rank / px), b = rank % px;
  const filetype = MPI.DOUBLE.Create_subarray([N, N], [rows, cols], [a * rows, b * cols]).Commit();
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = value(a * rows + i, b * cols + j);
  const back = new Float64Array(rows * cols);
  fh.Set_view(0, MPI.DOUBLE, filetype);
  if (wanted('write-strided')) results.push(bandwidth('write-strided', 'Write_at_all, subarray view', () => fh.Write_at_all(0, out)));
  else fh.Write_at_all(0, out);
  if (wanted('read-strided')) results.push(bandwidth('read-strided', 'Read_at_all, subarray view', () => fh.Read_at_all(0, back)));
  else fh.Read_at_all(0, back);
  for (let k = 0; k < back.length; k += 4099) if (back[k] !== out[k]) fail('strided');
  if (back[back.length - 1] !== out[out.length - 1]) fail('strided');
  filetype.Free();
}

fh.Close();
comm.Barrier();
if (rank === 0) {
  rmSync(dir, { recursive: true, force: true });
  writeSync(1, `BENCH_JSON ${JSON.stringify({
    bench: 'io', side: 'mpi4ts', ranks: size, scale, file_bytes: FILE_BYTES, grid: [py, px],
    versions: benchVersions(), transport: 'threads', results,
  })}\n`);
}
