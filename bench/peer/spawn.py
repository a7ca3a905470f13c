"""Spawn latency, mpi4py side (twin of bench/spawn.ts): the time for
MPI.COMM_SELF.Spawn of 2 children running this script and Disconnect from
them. The first spawn is reported apart (cold); then ITERS spawns (scaled by
BENCH_SCALE, cut short by BENCH_BUDGET seconds) give mean, min and standard
deviation. Open MPI runs with its defaults, as mpi4py's users run it.

    mpiexec --allow-run-as-root --oversubscribe -n 1 /usr/bin/python3 bench/peer/spawn.py
"""
import json
import math
import os
import sys

from mpi4py import MPI

CHILDREN = 2

if len(sys.argv) > 1 and sys.argv[1] == 'child':
    MPI.Comm.Get_parent().Disconnect()
    sys.exit(0)

scale = float(os.environ.get('BENCH_SCALE') or 1)
budget = float(os.environ.get('BENCH_BUDGET') or 10)
# 5, not 20, as bench/spawn.ts (Open MPI hangs in Spawn now and then: bench/compare.ts SPAWN_HANG)
planned = max(3, round(5 * scale))


def once():
    t0 = MPI.Wtime()
    inter = MPI.COMM_SELF.Spawn(sys.executable, args=[os.path.abspath(__file__), 'child'], maxprocs=CHILDREN)
    inter.Disconnect()
    return MPI.Wtime() - t0


cold = once()
times = []
start = MPI.Wtime()
while len(times) < planned and (not times or MPI.Wtime() - start < budget):
    times.append(once())
mean = sum(times) / len(times)
sd = math.sqrt(sum((t - mean) ** 2 for t in times) / len(times))
out = dict(
    bench='spawn', side='mpi4py', children=CHILDREN,
    versions=dict(python=sys.version.split()[0], mpi4py=__import__('mpi4py').__version__, numpy=__import__('numpy').__version__,
                  mpi_library=MPI.Get_library_version().replace('\x00', '').strip().split('\n')[0],
                  mpi_standard='%d.%d' % MPI.Get_version()),
    transport='Open MPI (library defaults)',
    universe_size=MPI.COMM_WORLD.Get_attr(MPI.UNIVERSE_SIZE),
    results=[
        dict(id='cold', label=f'first Spawn of {CHILDREN} + Disconnect', iters=1, seconds=cold,
             latency_us=dict(mean=cold * 1e6, min=cold * 1e6, stddev=0)),
        dict(id='warm', label=f'Spawn of {CHILDREN} + Disconnect', iters=len(times), planned_iters=planned,
             capped=len(times) < planned, seconds=mean,
             latency_us=dict(mean=mean * 1e6, min=min(times) * 1e6, stddev=sd * 1e6)),
    ])
sys.stdout.write('BENCH_JSON ' + json.dumps(out) + '\n')
