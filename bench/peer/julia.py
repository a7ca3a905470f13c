"""Julia set 640x480 on a futures pool, mpi4py side (twin of bench/julia.ts):
the seed's julia-futures.py computation (multiplier 1, no numba) mapped over
the 480 lines by WORKERS workers (argument, default 1) spawned by
MPIPoolExecutor; workers started (bootup) before the clock; the first map
and the best of REPS maps (3, scaled by BENCH_SCALE) are reported.

    mpiexec --allow-run-as-root --oversubscribe -n 1 /usr/bin/python3 bench/peer/julia.py 2
"""
import json
import os
import sys
import time

from mpi4py import MPI
from mpi4py.futures import MPIPoolExecutor

multiplier = 1
x0, x1, w = -2.0, +2.0, 640 * multiplier
y0, y1, h = -1.5, +1.5, 480 * multiplier
dx = (x1 - x0) / w
dy = (y1 - y0) / h

c = complex(0, 0.65)


def julia(x, y):
    z = complex(x, y)
    n = 255
    while abs(z) < 3 and n > 1:
        z = z**2 + c
        n -= 1
    return n


def julia_line(k):
    line = bytearray(w)
    y = y1 - k * dy
    for j in range(w):
        x = x0 + j * dx
        line[j] = julia(x, y)
    return line


if __name__ == '__main__':
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    scale = float(os.environ.get('BENCH_SCALE') or 1)
    reps = max(1, round(3 * scale))
    times = []
    checksum = 0
    with MPIPoolExecutor(max_workers=workers) as executor:
        executor.bootup()
        for _ in range(reps):
            t0 = time.perf_counter()
            image = list(executor.map(julia_line, range(h)))
            times.append(time.perf_counter() - t0)
            checksum = sum(sum(line) for line in image)
    out = dict(
        bench='julia', side='mpi4py', workers=workers, checksum=checksum,
        versions=dict(python=sys.version.split()[0], mpi4py=__import__('mpi4py').__version__,
                      mpi_library=MPI.Get_library_version().replace('\x00', '').strip().split('\n')[0],
                      mpi_standard='%d.%d' % MPI.Get_version()),
        transport='Open MPI (library defaults)',
        results=[dict(id='cold', label=f'first map, {workers} worker' + ('s' if workers > 1 else ''), iters=1, seconds=times[0]),
                 dict(id='warm', label=f'best of {reps} maps', iters=reps, seconds=min(times))])
    sys.stdout.write('BENCH_JSON ' + json.dumps(out) + '\n')
