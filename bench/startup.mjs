#!/usr/bin/env node
/**
 * Start-up of a whole job, both sides (issue #16): the seed's hello world
 * run as a user runs it, timed from outside as a user feels it.
 *
 *   node bench/startup.mjs mpi4ts 4     # node bin/mpi4ts.js -n 4 examples/helloworld.ts
 *   node bench/startup.mjs mpi4py 4     # mpiexec -n 4 python3 bench/peer/helloworld.py
 *
 * One untimed run first (it fills the caches both sides keep: mpi4ts's
 * compiled TypeScript, Python's bytecode), then RUNS timed runs; each run's
 * wall time, and its CPU time (user + system of the whole process tree, read
 * from this process's cutime/cstime in /proc/self/stat, which grow by each
 * child once it is waited for). Prints one BENCH_JSON line for
 * bench/compare.ts (startup-4, startup-16). BENCH_SCALE scales RUNS (10).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [side, ranksArg] = process.argv.slice(2);
const ranks = Number(ranksArg);
if (!['mpi4ts', 'mpi4py'].includes(side) || !(ranks >= 1)) {
  process.stderr.write('usage: node bench/startup.mjs mpi4ts|mpi4py RANKS\n');
  process.exit(2);
}
const scale = Number(process.env.BENCH_SCALE || '1');
const runs = Math.max(1, Math.round(10 * scale));
const [cmd, args] = side === 'mpi4ts'
  ? [process.execPath, [path.join(root, 'bin', 'mpi4ts.js'), '-n', String(ranks), 'examples/helloworld.ts']]
  : [process.env.MPIEXEC || 'mpiexec', ['--allow-run-as-root', '--oversubscribe', '-n', String(ranks),
      process.env.PEER_PYTHON || '/usr/bin/python3', 'bench/peer/helloworld.py']];

/** CPU seconds of this process's waited-for children so far. */
function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5) (cutime, cstime), counted from 1 with pid and comm before ')'.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function once() {
  const cpu0 = childrenCpu();
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const wall = (performance.now() - t0) / 1e3;
  // Counted as occurrences: Open MPI may join two ranks' lines when stdout is a pipe.
  const hellos = (r.stdout ?? '').split('Hello. This is rank').length - 1;
  if (r.status !== 0 || hellos !== ranks) {
    process.stderr.write(`${side}: ${[cmd, ...args].join(' ')} failed (exit ${r.status}, ${hellos} hellos)\n${r.stderr}\n`);
    process.exit(1);
  }
  return { wall, cpu: childrenCpu() - cpu0 };
}

/** What each side runs on, for the table's environment lines (asked once, untimed). */
function versions() {
  if (side === 'mpi4ts') {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    return { mpi4ts: pkg.version, node: process.version, v8: process.versions.v8 };
  }
  const py = spawnSync(process.env.PEER_PYTHON || '/usr/bin/python3', ['-c',
    'import json, sys, mpi4py, numpy; from mpi4py import MPI; ' +
    'print(json.dumps(dict(python=sys.version.split()[0], mpi4py=mpi4py.__version__, numpy=numpy.__version__, ' +
    "mpi_library=MPI.Get_library_version().split(chr(10))[0].strip(chr(0)), mpi_standard='%d.%d' % MPI.Get_version())))"],
  { encoding: 'utf8' });
  try { return JSON.parse(py.stdout); } catch { return {}; }
}

const first = once();
const timed = Array.from({ length: runs }, once);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const wall = timed.map((t) => t.wall);
const cpu = timed.map((t) => t.cpu);
const out = {
  bench: 'startup', side, ranks, scale, runs, versions: versions(),
  transport: side === 'mpi4ts' ? 'threads (embedded)' : 'Open MPI (library defaults)',
  command: [side === 'mpi4ts' ? 'node' : cmd, ...args].join(' '),
  results: [
    { id: 'first', label: 'first run', seconds: first.wall, cpu_seconds: first.cpu },
    { id: 'wall', label: `mean of ${runs}`, seconds: mean(wall), min: Math.min(...wall), cpu_seconds: mean(cpu), iters: runs },
  ],
};
process.stdout.write(`BENCH_JSON ${JSON.stringify(out)}\n`);
