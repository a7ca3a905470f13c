/**
 * Futures throughput (issue #4), twin of bench/peer/futures.py (mpi4py.futures)
 * and bench/peer/futures_piscina.ts (piscina): tasks per second for 2,000
 * trivial calls on 2 spawned workers, one call per message and with
 * chunksize 50. Workers are started (bootup) before the clock starts; each
 * case is run REPS times (scaled by BENCH_SCALE) and the best run counts.
 *
 *   npx mpi4ts -n 1 --usize 3 bench/futures.ts            # BENCH_JSON line (bench/compare.ts)
 *   npx tsx bench/futures.ts --table                      # all three side by side, with ratios
 */
import { writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MPI } from 'mpi4ts';
import { MPIPoolExecutor, isMain } from 'mpi4ts/futures';
import { benchVersions } from './lib/versions.ts';

export const TASKS = 2000;
export const WORKERS = 2;

/** The trivial task. */
export function inc(x: number): number {
  return x + 1;
}

interface Case { id: string; label: string; chunksize: number }
export const CASES: Case[] = [
  { id: 'tasks-2000', label: `${TASKS} trivial tasks, ${WORKERS} workers`, chunksize: 1 },
  { id: 'tasks-2000-c50', label: `${TASKS} trivial tasks, ${WORKERS} workers, chunksize 50`, chunksize: 50 },
];

async function measure(): Promise<void> {
  const scale = Number(process.env['BENCH_SCALE'] ?? '1') || 1;
  const reps = Math.max(1, Math.round(5 * scale));
  const xs = Array.from({ length: TASKS }, (_, i) => i);
  await using executor = await new MPIPoolExecutor({ maxWorkers: WORKERS }).bootup();
  const results = [];
  for (const c of CASES) {
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      const out = await executor.map(inc, xs, { chunksize: c.chunksize });
      const s = (performance.now() - t0) / 1000;
      if (out.length !== TASKS || out[TASKS - 1] !== TASKS) throw new Error('wrong results');
      best = Math.min(best, s);
    }
    results.push({ id: c.id, label: c.label, iters: reps, seconds: best, tasks_per_s: TASKS / best });
  }
  const out = {
    bench: 'futures', side: 'mpi4ts', versions: benchVersions(), transport: 'threads',
    universe_size: MPI.COMM_WORLD.Get_attr(MPI.UNIVERSE_SIZE), results,
  };
  writeSync(1, `BENCH_JSON ${JSON.stringify(out)}\n`);
}

interface Side { name: string; cmd: string; args: string[]; env?: NodeJS.ProcessEnv }

/** Run the three programs one after the other and print one table. */
function table(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const sides: Side[] = [
    { name: 'mpi4ts', cmd: process.execPath, args: [path.join(root, 'bin', 'mpi4ts.js'), '-n', '1', '--usize', String(WORKERS + 1), path.join(root, 'bench', 'futures.ts')] },
    { name: 'mpi4py.futures', cmd: process.env['MPIEXEC'] || 'mpiexec', args: ['--allow-run-as-root', '--oversubscribe', '-n', '1', '--mca', 'pml', 'ob1', '--mca', 'btl', 'self,vader,tcp', '-x', 'BENCH_SCALE', process.env['PEER_PYTHON'] || '/usr/bin/python3', path.join(root, 'bench', 'peer', 'futures.py')] },
    { name: 'piscina', cmd: process.execPath, args: ['--import', 'tsx', path.join(root, 'bench', 'peer', 'futures_piscina.ts')] },
  ];
  const figures = new Map<string, Map<string, number>>();
  for (const s of sides) {
    process.stderr.write(`[futures] running ${s.name}: ${s.args.join(' ')}\n`);
    const r = spawnSync(s.cmd, s.args, { cwd: root, encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...s.env } });
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_JSON '));
    if (r.status !== 0 || !line) {
      process.stderr.write(`${s.name} failed (status ${r.status}):\n${r.stderr}\n${r.stdout}\n`);
      process.exitCode = 1;
      return;
    }
    const res = JSON.parse(line.slice('BENCH_JSON '.length)) as { results: { id: string; tasks_per_s: number }[] };
    figures.set(s.name, new Map(res.results.map((x) => [x.id, x.tasks_per_s])));
  }
  const f = (n: number): string => n.toFixed(0);
  console.log('| case | mpi4ts (tasks/s) | mpi4py.futures | piscina | mpi4ts / mpi4py | mpi4ts / piscina |');
  console.log('|---|--:|--:|--:|--:|--:|');
  for (const c of CASES) {
    const [o, p, q] = ['mpi4ts', 'mpi4py.futures', 'piscina'].map((n) => figures.get(n)!.get(c.id)!);
    console.log(`| ${c.label} | ${f(o!)} | ${f(p!)} | ${f(q!)} | ${(o! / p!).toFixed(2)} | ${(o! / q!).toFixed(2)} |`);
  }
  console.log(`\nhigher is better; 2 cores, load average ${os.loadavg()[0]!.toFixed(2)} at the end; ${new Date().toISOString()}`);
}

if (isMain(import.meta)) {
  if (process.argv.includes('--table')) table();
  else await measure();
}
