"""Monte Carlo pi workload, mpi4py + numba side (twin of examples/parallel_pi.ts
run with BENCH_JSON=1): the seed's parallel_pi_numba.py sweep (Nruns_total 64,
N = 4**5 .. 4**max_log4 darts, blocks of 100000), timed on rank 0 around the
sweep only (no plotting). Usage:

    mpiexec --allow-run-as-root -n 2 /usr/bin/python3 bench/peer/parallel_pi_numba.py [max_log4]
"""
import json
import sys

import numpy as np
from mpi4py import MPI
from numba import jit


@jit(nopython=True)
def throw_darts(n):
    darts = 2 * np.random.random((n, 2)) - 1
    return darts


def in_unit_circle(p):
    return np.linalg.norm(p, axis=-1) <= 1.0


def estimate_pi(n, block=100000):
    total_number = 0
    i = 0
    while i < n:
        if n - i < block:
            block = n - i
        darts = throw_darts(block)
        number_in_circle = np.sum(in_unit_circle(darts))
        total_number += number_in_circle
        i += block
    return (4. * total_number) / n


def estimate_pi_in_parallel(comm, N):
    if rank == 0:
        data = [N for i in range(size)]
    else:
        data = None
    data = comm.scatter(data, root=0)
    pi_est = estimate_pi(N)
    pi_estimates = comm.gather(pi_est, root=0)
    if rank == 0:
        return pi_estimates


def estimate_pi_statistics(comm, Ndarts, Nruns_per_worker):
    results = []
    for i in range(Nruns_per_worker):
        result = estimate_pi_in_parallel(comm, Ndarts)
        if rank == 0:
            results.append(result)
    if rank == 0:
        return np.mean(results), np.std(results)


comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
max_log4 = int(sys.argv[1]) if len(sys.argv) > 1 else 14
Nruns_per_worker = 64 // size
t0 = MPI.Wtime()
for log4N in range(5, max_log4 + 1):
    N = int(4 ** log4N)
    result = estimate_pi_statistics(comm, N, Nruns_per_worker)
    if rank == 0:
        print(N, result[0], result[1])
seconds = MPI.Wtime() - t0
if rank == 0:
    plural = 's' if size > 1 else ''
    out = dict(bench='pi', side='mpi4py', ranks=size, versions=dict(python=sys.version.split()[0], mpi4py=__import__('mpi4py').__version__, numpy=__import__('numpy').__version__,
                             mpi_library=MPI.Get_library_version().replace('\x00', '').strip().split('\n')[0],
                             mpi_standard='%d.%d' % MPI.Get_version()),
               transport='Open MPI + numba',
               results=[dict(id='sweep', label=f'Monte Carlo pi, 4**5..4**{max_log4} darts x 64 runs ({size} rank{plural})',
                             seconds=seconds)])
    print('BENCH_JSON ' + json.dumps(out))
