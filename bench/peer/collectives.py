"""mpi4py side of the collective benchmark (issue #3), twin of bench/collectives.ts.

    mpiexec --allow-run-as-root --oversubscribe -n 4 /usr/bin/python3 bench/peer/collectives.py

Same cases, iteration counts and protocol as the mpi4ts side: warm-up (as
many iterations as timed), Barrier, REPS timed repetitions; a rank's figure is
its mean time per call, the reported latency the maximum over ranks averaged
over repetitions. Rank 0 prints one `BENCH_JSON {...}` line.
"""
import json
import os
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
REPS = 5
WARMUP_FACTOR = 3
MiB = 1 << 20


def case_barrier():
    return comm.Barrier


def case_bcast(nbytes):
    def make():
        # Filled, as the mpi4ts side (bench/collectives.ts): np.zeros of a
        # large size is calloc's fresh mapping, the kernel's zero page until
        # written, and the root never writes its buffer.
        b = np.ones(nbytes, dtype=np.uint8)
        return lambda: comm.Bcast(b, 0)
    return make


def case_allreduce(n):
    def make():
        s = np.ones(n, dtype=np.float64)
        r = np.zeros(n, dtype=np.float64)
        return lambda: comm.Allreduce(s, r, MPI.SUM)
    return make


def case_obj_allreduce():
    return lambda: comm.allreduce(rank, MPI.SUM)


def case_obj_bcast():
    o = {'a': 1, 'b': [1, 2, 3]}
    return lambda: comm.bcast(o if rank == 0 else None, 0)


CASES = [
    ('barrier', 'Barrier', 20000, case_barrier),
    ('bcast-8', 'Bcast 8 B', 20000, case_bcast(8)),
    ('bcast-1m', 'Bcast 1 MiB', 2000, case_bcast(MiB)),
    ('allreduce-1', 'Allreduce 1 double', 20000, case_allreduce(1)),
    ('allreduce-1m', 'Allreduce 1 MiB doubles', 500, case_allreduce(MiB // 8)),
    ('obj-allreduce', 'allreduce(number)', 20000, case_obj_allreduce),
    ('obj-bcast', 'bcast(small object)', 20000, case_obj_bcast),
]

# Bytes all ranks read and write in one call of the large cases (as Case.touched in bench/collectives.ts).
TOUCHED = {
    'bcast-1m': lambda p: 2 * (p - 1) * MiB,
    'allreduce-1m': lambda p: (3 * p - 1) * MiB,
}


def memcpy_rate():
    """Bytes a core reads and writes per second in a memcpy of 1 MiB (numpy copyto), rank 0 alone: as bench/collectives.ts."""
    best = 0.0
    if rank == 0:
        src = np.ones(MiB, dtype=np.uint8)
        dst = np.zeros(MiB, dtype=np.uint8)
        for rnd in range(6):
            t0 = MPI.Wtime()
            for _ in range(200):
                np.copyto(dst, src)
            rate = 2 * MiB * 200 / (MPI.Wtime() - t0)
            if rnd > 0:
                best = max(best, rate)
    comm.Barrier()
    return best


def bound_us(cid, rate):
    if cid not in TOUCHED or rate <= 0:
        return None
    return TOUCHED[cid](comm.Get_size()) / (min(comm.Get_size(), os.cpu_count() or 1) * rate) * 1e6


def run(cid, label, iters, make, scale, rate):
    n = max(REPS, round(iters * scale / REPS) * REPS)
    per_rep = n // REPS
    op = make()
    mine = np.zeros(1)
    worst = np.zeros(1)

    def rep():
        comm.Barrier()
        t0 = MPI.Wtime()
        for _ in range(per_rep):
            op()
        mine[0] = (MPI.Wtime() - t0) / per_rep
        comm.Allreduce(mine, worst, MPI.MAX)
        return float(worst[0]) * 1e6

    # Warm-up: three times the repetitions, untimed (as bench/collectives.ts).
    for _ in range(WARMUP_FACTOR * REPS):
        rep()
    reps = [rep() for _ in range(REPS)]
    out = dict(id=cid, label=label, iters=n, latency_us=dict(mean=sum(reps) / REPS, min=min(reps), reps=reps))
    bound = bound_us(cid, rate)
    if bound is not None:
        out['bound_us'] = bound
    return out


def main():
    scale = float(os.environ.get('BENCH_SCALE', '1') or '1')
    wanted = [c for c in os.environ.get('BENCH_CASES', '').split(',') if c]
    chosen = [c for c in CASES if not wanted or c[0] in wanted]
    rate = memcpy_rate() if any(c[0] in TOUCHED for c in chosen) else 0.0
    results = [run(*c, scale, rate) for c in chosen]
    if rank == 0:
        import mpi4py
        out = dict(bench='collectives', side='mpi4py', ranks=comm.Get_size(), scale=scale,
                   versions=dict(python=sys.version.split()[0], mpi4py=mpi4py.__version__, numpy=__import__('numpy').__version__,
                             mpi_library=MPI.Get_library_version().replace('\x00', '').strip().split('\n')[0],
                             mpi_standard='%d.%d' % MPI.Get_version()),
                   transport='Open MPI', results=results)
        if rate > 0:
            out['memcpy_GBps'] = rate / 1e9
        sys.stdout.write('BENCH_JSON ' + json.dumps(out) + '\n')
        sys.stdout.flush()


main()
