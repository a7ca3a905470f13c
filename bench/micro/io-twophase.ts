/**
 * Two-phase against independent collective I/O on the same subarray views
 * as bench/io.ts (an N x N array of doubles over a Compute_dims grid), two
 * handles of one file opened with romio_cb_read/romio_cb_write 'enable' and
 * 'disable', their calls alternated so both meet the same machine load.
 * Prints the 3rd and 6th best of 8 (MB/s of the whole file). Results:
 * bench/results/io-sieve.md.
 *
 *   N=1448 npx mpi4ts -n 4 bench/micro/io-twophase.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MPI } from 'mpi4ts';
const comm = MPI.COMM_WORLD; const rank = comm.rank, size = comm.size;
const N = Number(process.env.N || 1448);
const [py, px] = MPI.Compute_dims(size, 2);
const rows = N / py, cols = N / px, a = Math.floor(rank / px), b = rank % px;
const dir = comm.bcast(rank === 0 ? mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-twophase-')) : null, 0) as string;
const filename = path.join(dir, 'data.bin');
const ft = MPI.DOUBLE.Create_subarray([N, N], [rows, cols], [a * rows, b * cols]).Commit();
const open = (mode: string) => {
  const fh = MPI.File.Open(comm, filename, MPI.MODE_CREATE | MPI.MODE_RDWR, MPI.Info.Create({ romio_cb_write: mode, romio_cb_read: mode }));
  fh.Set_view(0, MPI.DOUBLE, ft);
  return fh;
};
const fhs = { enable: open('enable'), disable: open('disable') };
const out = new Float64Array(rows * cols).fill(rank);
const t: Record<string, number[]> = { 'enable-w': [], 'disable-w': [], 'enable-r': [], 'disable-r': [] };
for (let r = 0; r < 8; r++) {
  for (const mode of ['enable', 'disable'] as const) {
    comm.Barrier(); let t0 = MPI.Wtime(); fhs[mode].Write_at_all(0, out); t[`${mode}-w`]!.push(comm.allreduce(MPI.Wtime() - t0, MPI.MAX) as number);
    comm.Barrier(); t0 = MPI.Wtime(); fhs[mode].Read_at_all(0, out); t[`${mode}-r`]!.push(comm.allreduce(MPI.Wtime() - t0, MPI.MAX) as number);
  }
}
if (rank === 0) console.log(`N=${N} runs ${cols * 8} B: ` + Object.entries(t).map(([k, v]) => { v.sort((x, y) => x - y); return `${k} ${(N * N * 8 / v[2]! / 1e6).toFixed(0)}..${(N * N * 8 / v[5]! / 1e6).toFixed(0)}`; }).join('  ') + ' MB/s');
fhs.enable.Close();
fhs.disable.Close();
if (rank === 0) rmSync(dir, { recursive: true, force: true });
