"""mpi4py side of the ring hop benchmark (issue #6), twin of bench/ring.ts.

    mpiexec --allow-run-as-root --oversubscribe -n 16 /usr/bin/python3 bench/peer/ring.py
"""
import json
import os
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
size = comm.Get_size()
rank = comm.Get_rank()
REPS = 5
WARMUP_FACTOR = 3
scale = float(os.environ.get('BENCH_SCALE', '1') or '1')
laps = max(10, round(20000 * scale / size))
buf = np.zeros(1, dtype=np.uint8)
nxt = (rank + 1) % size
prv = (rank - 1 + size) % size


def lap():
    if rank == 0:
        comm.Send(buf, nxt, 7)
        comm.Recv(buf, prv, 7)
    else:
        comm.Recv(buf, prv, 7)
        comm.Send(buf, nxt, 7)


def rep():
    comm.Barrier()
    t0 = MPI.Wtime()
    for _ in range(laps):
        lap()
    return (MPI.Wtime() - t0) / laps / size * 1e6


for _ in range(WARMUP_FACTOR * REPS):  # warm-up: whole repetitions, as bench/ring.ts
    rep()
reps = [rep() for _ in range(REPS)]
if rank == 0:
    import mpi4py
    out = dict(bench='ring', side='mpi4py', ranks=size, scale=scale,
               versions=dict(python=sys.version.split()[0], mpi4py=mpi4py.__version__, numpy=np.__version__,
                             mpi_library=MPI.Get_library_version().replace('\x00', '').strip().split('\n')[0],
                             mpi_standard='%d.%d' % MPI.Get_version()),
               transport='Open MPI',
               results=[dict(id='hop', label='ring of %d, 1 B, time per hop' % size, iters=laps * size,
                             latency_us=dict(mean=sum(reps) / REPS, min=min(reps), reps=reps))])
    sys.stdout.write('BENCH_JSON ' + json.dumps(out) + '\n')
    sys.stdout.flush()
