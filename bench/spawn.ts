/**
 * Spawn latency (issue #4), twin of bench/peer/spawn.py: the time for
 * `MPI.COMM_SELF.Spawn` of 2 children running this script and `Disconnect`
 * from them, on a manager started alone. The children only take their
 * parent intercommunicator and disconnect, so the figure is the cost of
 * starting processes that join MPI (here: worker threads that load the
 * script and mpi4ts; for mpi4py: Python processes that import mpi4py and
 * connect through Open MPI's runtime). The first spawn is reported apart
 * (cold); then ITERS spawns (scaled by BENCH_SCALE, cut short by
 * BENCH_BUDGET seconds) give mean, min and standard deviation.
 *
 *   npx mpi4ts -n 1 --usize 8 bench/spawn.ts
 */
import { writeSync } from 'node:fs';
import { MPI } from 'mpi4ts';
import { benchVersions } from './lib/versions.ts';

const CHILDREN = 2;

if (process.argv[2] === 'child') {
  MPI.Comm.Get_parent().Disconnect();
} else {
  const scale = Number(process.env['BENCH_SCALE'] ?? '1') || 1;
  const budget = Number(process.env['BENCH_BUDGET'] ?? '10') || 10;
  // 5, not 20: the peer's library hangs in Spawn now and then (bench/compare.ts SPAWN_HANG),
  // and 21 spawns in a row hung in 3 runs of 3 on 2026-12-06. Same count on both sides.
  const planned = Math.max(3, Math.round(5 * scale));
  const once = (): number => {
    const t0 = MPI.Wtime();
    const inter = MPI.COMM_SELF.Spawn(process.argv[1]!, ['child'], CHILDREN);
    inter.Disconnect();
    return MPI.Wtime() - t0;
  };
  const cold = once();
  const times: number[] = [];
  const start = MPI.Wtime();
  while (times.length < planned && (times.length === 0 || MPI.Wtime() - start < budget)) times.push(once());
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const sd = Math.sqrt(times.reduce((a, t) => a + (t - mean) ** 2, 0) / times.length);
  const us = (s: number): number => s * 1e6;
  const result = {
    bench: 'spawn', side: 'mpi4ts', children: CHILDREN,
    versions: benchVersions(), transport: 'threads',
    universe_size: MPI.COMM_WORLD.Get_attr(MPI.UNIVERSE_SIZE),
    results: [
      { id: 'cold', label: `first Spawn of ${CHILDREN} + Disconnect`, iters: 1, seconds: cold, latency_us: { mean: us(cold), min: us(cold), stddev: 0 } },
      {
        id: 'warm', label: `Spawn of ${CHILDREN} + Disconnect`, iters: times.length, planned_iters: planned, capped: times.length < planned,
        seconds: mean, latency_us: { mean: us(mean), min: us(Math.min(...times)), stddev: us(sd) },
      },
    ],
  };
  writeSync(1, `BENCH_JSON ${JSON.stringify(result)}\n`);
}
