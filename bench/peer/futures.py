"""Futures throughput, mpi4py side (twin of bench/futures.ts): tasks per
second for 2,000 trivial calls on 2 workers spawned by MPIPoolExecutor, one
call per message and with chunksize 50; workers started (bootup) before the
clock; best of REPS runs (5, scaled by BENCH_SCALE).

    mpiexec --allow-run-as-root --oversubscribe -n 1 /usr/bin/python3 bench/peer/futures.py
"""
import json
import os
import sys
import time

from mpi4py import MPI
from mpi4py.futures import MPIPoolExecutor

TASKS = 2000
WORKERS = 2
CASES = [('tasks-2000', f'{TASKS} trivial tasks, {WORKERS} workers', 1),
         ('tasks-2000-c50', f'{TASKS} trivial tasks, {WORKERS} workers, chunksize 50', 50)]


def inc(x):
    return x + 1


if __name__ == '__main__':
    scale = float(os.environ.get('BENCH_SCALE') or 1)
    reps = max(1, round(5 * scale))
    xs = range(TASKS)
    results = []
    with MPIPoolExecutor(max_workers=WORKERS) as executor:
        executor.bootup()
        for cid, label, chunksize in CASES:
            best = float('inf')
            for _ in range(reps):
                t0 = time.perf_counter()
                out = list(executor.map(inc, xs, chunksize=chunksize))
                s = time.perf_counter() - t0
                assert len(out) == TASKS and out[-1] == TASKS
                best = min(best, s)
            results.append(dict(id=cid, label=label, iters=reps, seconds=best, tasks_per_s=TASKS / best))
    out = dict(
        bench='futures', side='mpi4py',
        versions=dict(python=sys.version.split()[0], mpi4py=__import__('mpi4py').__version__,
                      mpi_library=MPI.Get_library_version().replace('\x00', '').strip().split('\n')[0],
                      mpi_standard='%d.%d' % MPI.Get_version()),
        transport='Open MPI (library defaults)', results=results)
    sys.stdout.write('BENCH_JSON ' + json.dumps(out) + '\n')
