/**
 * Julia set 640x480 on a futures pool (issue #4), twin of bench/peer/julia.py:
 * the seed's julia-futures computation (examples/julia-futures.ts, whose
 * `julia_line` the workers import from there) mapped over the 480 lines by
 * WORKERS spawned workers (argument, default 1). Workers are started
 * (bootup) before the clock; the first map and the best of REPS maps
 * (3, scaled by BENCH_SCALE) are reported.
 *
 *   npx mpi4ts -n 1 --usize 3 bench/julia.ts 2
 */
import { writeSync } from 'node:fs';
import { MPIPoolExecutor, isMain } from 'mpi4ts/futures';
import { julia_line } from '../examples/julia-futures.ts';
import { benchVersions } from './lib/versions.ts';

if (isMain(import.meta)) {
  const workers = Number(process.argv[2] ?? '1');
  const scale = Number(process.env['BENCH_SCALE'] ?? '1') || 1;
  const reps = Math.max(1, Math.round(3 * scale));
  const h = 480;
  const lines = Array.from({ length: h }, (_, k) => k);
  await using executor = await new MPIPoolExecutor({
    maxWorkers: workers, modules: [new URL('../examples/julia-futures.ts', import.meta.url).href], env: { MULTIPLIER: '1' },
  }).bootup();
  const times: number[] = [];
  let checksum = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const image = await executor.map(julia_line, lines);
    times.push((performance.now() - t0) / 1000);
    checksum = image.reduce((s, line) => s + line.reduce((a, b) => a + b, 0), 0);
  }
  const out = {
    bench: 'julia', side: 'mpi4ts', versions: benchVersions(), transport: 'threads', workers, checksum,
    results: [
      { id: 'cold', label: `first map, ${workers} worker${workers > 1 ? 's' : ''}`, iters: 1, seconds: times[0] },
      { id: 'warm', label: `best of ${reps} maps`, iters: reps, seconds: Math.min(...times) },
    ],
  };
  writeSync(1, `BENCH_JSON ${JSON.stringify(out)}\n`);
}
