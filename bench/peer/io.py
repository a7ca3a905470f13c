"""mpi4py side of the collective MPI-IO benchmark (issue #15), twin of bench/io.ts.

    mpiexec --allow-run-as-root --oversubscribe -n 4 /usr/bin/python3 bench/peer/io.py
"""
import json
import math
import os
import shutil
import sys
import tempfile

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
REPS = 3
MiB = 1024 * 1024
scale = float(os.environ.get('BENCH_SCALE', '1') or '1')
only = [s for s in (os.environ.get('BENCH_CASES', '') or '').split(',') if s]


def wanted(cid):
    return not only or cid in only


py, px = MPI.Compute_dims(size, 2)
step = py * px
# JavaScript's Math.round: halves go up.
N = max(step, int(math.floor(math.sqrt(max(MiB, 64 * MiB * scale) / 8) / step + 0.5)) * step)
FILE_BYTES = N * N * 8
LOCAL = FILE_BYTES // 8 // size

folder = comm.bcast(tempfile.mkdtemp(prefix='mpi4py-bench-io-') if rank == 0 else None, 0)
filename = os.path.join(folder, 'data.bin')


def bandwidth(cid, label, run):
    run()
    seconds = []
    for _ in range(REPS):
        comm.Barrier()
        t0 = MPI.Wtime()
        run()
        seconds.append(comm.allreduce(MPI.Wtime() - t0, op=MPI.MAX))
    mean = sum(seconds) / REPS
    return dict(id=cid, label=label, bytes=FILE_BYTES, iters=REPS,
                bandwidth_MBps=dict(mean=FILE_BYTES / mean / 1e6, max=FILE_BYTES / min(seconds) / 1e6))


def check(back, out, what):
    if not np.array_equal(back, out):
        raise SystemExit('io bench: %s read back wrong data on rank %d' % (what, rank))


results = []
fh = MPI.File.Open(comm, filename, MPI.MODE_CREATE | MPI.MODE_RDWR)

if wanted('write-contig') or wanted('read-contig'):
    out = np.arange(rank * LOCAL, (rank + 1) * LOCAL, dtype=np.float64)
    back = np.empty(LOCAL, dtype=np.float64)
    offset = rank * LOCAL * 8
    fh.Set_view(0, MPI.BYTE, MPI.BYTE)
    if wanted('write-contig'):
        results.append(bandwidth('write-contig', 'Write_at_all, contiguous', lambda: fh.Write_at_all(offset, out)))
    else:
        fh.Write_at_all(offset, out)
    if wanted('read-contig'):
        results.append(bandwidth('read-contig', 'Read_at_all, contiguous', lambda: fh.Read_at_all(offset, back)))
    else:
        fh.Read_at_all(offset, back)
    check(back, out, 'contiguous')

if wanted('write-strided') or wanted('read-strided'):
    rows, cols = N // py, N // px
    a, b = divmod(rank, px)
    filetype = MPI.DOUBLE.Create_subarray([N, N], [rows, cols], [a * rows, b * cols]).Commit()
    i = np.arange(a * rows, (a + 1) * rows, dtype=np.float64)[:, None]
    j = np.arange(b * cols, (b + 1) * cols, dtype=np.float64)[None, :]
    out = np.ascontiguousarray(-(i * N + j) - 1)
    back = np.empty_like(out)
    fh.Set_view(0, MPI.DOUBLE, filetype)
    if wanted('write-strided'):
        results.append(bandwidth('write-strided', 'Write_at_all, subarray view', lambda: fh.Write_at_all(0, out)))
    else:
        fh.Write_at_all(0, out)
    if wanted('read-strided'):
        results.append(bandwidth('read-strided', 'Read_at_all, subarray view', lambda: fh.Read_at_all(0, back)))
    else:
        fh.Read_at_all(0, back)
    check(back, out, 'strided')
    filetype.Free()

fh.Close()
comm.Barrier()
if rank == 0:
    shutil.rmtree(folder, ignore_errors=True)
    import mpi4py
    res = dict(bench='io', side='mpi4py', ranks=size, scale=scale, file_bytes=FILE_BYTES, grid=[py, px],
               versions=dict(python=sys.version.split()[0], mpi4py=mpi4py.__version__, numpy=np.__version__,
                             mpi_library=MPI.Get_library_version().replace('\x00', '').strip().split('\n')[0],
                             mpi_standard='%d.%d' % MPI.Get_version()),
               transport='Open MPI', results=results)
    sys.stdout.write('BENCH_JSON ' + json.dumps(res) + '\n')
    sys.stdout.flush()
