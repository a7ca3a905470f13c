"""mpi4py side of the one-sided benchmark (issue #15), twin of bench/rma.ts.

    mpiexec --allow-run-as-root --oversubscribe -n 2 /usr/bin/python3 bench/peer/rma.py   (Put/Get/Accumulate)
    mpiexec --allow-run-as-root --oversubscribe -n 4 /usr/bin/python3 bench/peer/rma.py   (nxtval)
"""
import json
import math
import os
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
REPS = 3
WARMUP_FACTOR = 3  # warm-up operations per timed one, as bench/rma.ts
MiB = 1024 * 1024
scale = float(os.environ.get('BENCH_SCALE', '1') or '1')
only = [s for s in (os.environ.get('BENCH_CASES', '') or '').split(',') if s]

# Keep this list identical to CASES in bench/rma.ts.
CASES = [
    dict(id='put-fence-8', label='Put 8 B, Fence', kind='put', sync='fence', bytes=8, iters=20000),
    dict(id='get-fence-8', label='Get 8 B, Fence', kind='get', sync='fence', bytes=8, iters=20000),
    dict(id='put-lock-8', label='Put 8 B, Lock/Unlock', kind='put', sync='lock', bytes=8, iters=20000),
    dict(id='get-lock-8', label='Get 8 B, Lock/Unlock', kind='get', sync='lock', bytes=8, iters=20000),
    dict(id='put-fence-1m', label='Put 1 MiB, Fence', kind='put', sync='fence', bytes=MiB, iters=1000),
    dict(id='get-fence-1m', label='Get 1 MiB, Fence', kind='get', sync='fence', bytes=MiB, iters=1000),
    dict(id='put-lock-1m', label='Put 1 MiB, Lock/Unlock', kind='put', sync='lock', bytes=MiB, iters=1000),
    dict(id='get-lock-1m', label='Get 1 MiB, Lock/Unlock', kind='get', sync='lock', bytes=MiB, iters=1000),
    dict(id='acc-lock-1m', label='Accumulate SUM 1 MiB', kind='acc', sync='lock', bytes=MiB, iters=500),
]
NXTVAL_ITERS = 20000


def scaled(n):
    return max(10, round(n * scale))


def wanted(cid):
    return not only or cid in only


def stats(c, iters, per_op):
    mean = sum(per_op) / len(per_op)
    mn = min(per_op)
    sd = math.sqrt(sum((x - mean) ** 2 for x in per_op) / len(per_op))
    return dict(id=c['id'], label=c['label'], bytes=c['bytes'], iters=iters,
                latency_us=dict(mean=mean * 1e6, min=mn * 1e6, stddev=sd * 1e6),
                bandwidth_MBps=dict(mean=c['bytes'] / mean / 1e6, max=c['bytes'] / mn / 1e6))


def pair_case(win, c, iters):
    if c['kind'] == 'acc':
        origin = np.ones(c['bytes'] // 8, dtype=np.float64)
    else:
        origin = np.full(c['bytes'], rank + 1, dtype=np.uint8)
    kind = c['kind']

    def op():
        if kind == 'put':
            win.Put(origin, 1)
        elif kind == 'get':
            win.Get(origin, 1)
        else:
            win.Accumulate(origin, 1, None, MPI.SUM)

    def loop(n):
        if c['sync'] == 'fence':
            for _ in range(n):
                if rank == 0:
                    op()
                win.Fence()
        elif rank == 0:
            for _ in range(n):
                win.Lock(1, MPI.LOCK_EXCLUSIVE)
                op()
                win.Unlock(1)

    if c['sync'] == 'fence':
        win.Fence()
    n = max(1, iters // REPS)

    def rep():
        comm.Barrier()
        t0 = MPI.Wtime()
        loop(n)
        return (MPI.Wtime() - t0) / n

    for _ in range(WARMUP_FACTOR * REPS):  # warm-up: whole repetitions, as bench/rma.ts
        rep()
    per_op = [rep() for _ in range(REPS)]
    comm.Barrier()
    return per_op


def nxtval(iters):
    win = MPI.Win.Allocate(4 if rank == 0 else 0, 4, MPI.INFO_NULL, comm)
    one = np.ones(1, dtype=np.int32)
    got = np.zeros(1, dtype=np.int32)

    def loop(n):
        for _ in range(n):
            win.Lock(0, MPI.LOCK_SHARED)
            win.Fetch_and_op(one, got, 0, 0, MPI.SUM)
            win.Unlock(0)

    warm = WARMUP_FACTOR * iters
    loop(warm)
    rates = []
    n = max(1, iters // REPS)
    for _ in range(REPS):
        comm.Barrier()
        t0 = MPI.Wtime()
        loop(n)
        slowest = comm.allreduce(MPI.Wtime() - t0, op=MPI.MAX)
        rates.append(n * size / slowest)
    comm.Barrier()
    if rank == 0:
        win.Lock(0, MPI.LOCK_EXCLUSIVE)
        win.Get(got, 0)
        win.Unlock(0)
        expect = (warm + n * REPS) * size
        if got[0] != expect:
            raise SystemExit('nxtval: counter is %d, expected %d' % (got[0], expect))
    comm.Barrier()
    win.Free()
    return dict(id='nxtval', label='Fetch_and_op counter, %d ranks' % size, bytes=4, iters=n * REPS * size,
                ops_per_s=sum(rates) / len(rates))


results = []
if size == 2:
    win = MPI.Win.Allocate(MiB, 1, MPI.INFO_NULL, comm)
    for c in CASES:
        if not wanted(c['id']):
            continue
        iters = scaled(c['iters'])
        results.append(stats(c, iters, pair_case(win, c, iters)))
    win.Free()
elif wanted('nxtval'):
    results.append(nxtval(scaled(NXTVAL_ITERS)))
if rank == 0:
    import mpi4py
    out = dict(bench='rma', side='mpi4py', ranks=size, scale=scale,
               versions=dict(python=sys.version.split()[0], mpi4py=mpi4py.__version__, numpy=np.__version__,
                             mpi_library=MPI.Get_library_version().replace('\x00', '').strip().split('\n')[0],
                             mpi_standard='%d.%d' % MPI.Get_version()),
               transport='Open MPI', results=results)
    sys.stdout.write('BENCH_JSON ' + json.dumps(out) + '\n')
    sys.stdout.flush()
