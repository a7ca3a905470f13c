"""Mandelbrot workload, mpi4py + numba side (twin of bench/mandelbrot.ts):
the seed's mandelbrot-parallel-numba.py computation without the picture,
timed on rank 0 from before the scan to after the Gatherv. The first run
includes numba's compilation, as the seed's StopWatch figure does.

    mpiexec --allow-run-as-root -n 2 /usr/bin/python3 bench/peer/mandelbrot.py
"""
import json
import sys

import numpy
from mpi4py import MPI
from numba import jit


@jit(nopython=True)
def mandelbrot(x, y, maxit):
    c = x + y * 1j
    z = 0 + 0j
    it = 0
    while abs(z) < 2 and it < maxit:
        z = z ** 2 + c
        it += 1
    return it


x1, x2 = -2.0, 1.0
y1, y2 = -1.0, 1.0
w, h = 1200, 800
maxit = 127
REPS = 5
comm = MPI.COMM_WORLD
size = comm.Get_size()
rank = comm.Get_rank()


def once():
    comm.Barrier()
    t0 = MPI.Wtime()
    N = h // size + (h % size > rank)
    start = comm.scan(N) - N
    Cl = numpy.zeros([N, w], dtype='i')
    dx = (x2 - x1) / w
    dy = (y2 - y1) / h
    for i in range(N):
        y = y1 + (i + start) * dy
        for j in range(w):
            x = x1 + j * dx
            Cl[i, j] = mandelbrot(x, y, maxit)
    counts = comm.gather(N, root=0)
    C = None
    if rank == 0:
        C = numpy.zeros([h, w], dtype='i')
    rowtype = MPI.INT.Create_contiguous(w)
    rowtype.Commit()
    comm.Gatherv(sendbuf=[Cl, MPI.INT], recvbuf=[C, (counts, None), rowtype], root=0)
    rowtype.Free()
    checksum = int(C.reshape(-1)[::97].sum()) if rank == 0 else 0
    return MPI.Wtime() - t0, checksum


cold, checksum = once()
best = min(once()[0] for _ in range(REPS))
if rank == 0:
    plural = 's' if size > 1 else ''
    out = dict(bench='mandelbrot', side='mpi4py', ranks=size, checksum=checksum,
               versions=dict(python=sys.version.split()[0], mpi4py=__import__('mpi4py').__version__, numpy=__import__('numpy').__version__,
                             mpi_library=MPI.Get_library_version().replace('\x00', '').strip().split('\n')[0],
                             mpi_standard='%d.%d' % MPI.Get_version()), transport='Open MPI + numba',
               results=[dict(id='cold', label=f'Mandelbrot 1200x800, first run ({size} rank{plural})', seconds=cold),
                        dict(id='warm', label=f'Mandelbrot 1200x800, best of {REPS} ({size} rank{plural})', seconds=best)])
    sys.stdout.write('BENCH_JSON ' + json.dumps(out) + '\n')
