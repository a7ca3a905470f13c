/**
 * Side-by-side benchmarks: mpi4ts vs mpi4py, both measured in the same run.
 *
 *   npx tsx bench/compare.ts [name...] [--json] [--ours-only | --peer-only]
 *                            [--scale F] [--budget S] [--cases id,id] [--no-write]
 *
 * Each benchmark is an entry in BENCHMARKS: the command for our side, the
 * command for the mpi4py side, and the rows of the table. An entry may add
 * a third side, the same benchmark in C on the same MPI library (compiled
 * with mpicc at run time into a temporary folder): its table gets a C
 * column and a second ratio, mpi4ts / C. Both programs print
 * one `BENCH_JSON {...}` line on rank 0; this runner runs them one after the
 * other, parses those lines and prints one table with ratios (ours / peer).
 * A side that fails is reported with its stderr and a non-zero exit: no
 * figure is ever printed that was not measured in this run.
 *
 * Exit codes: 0 ok, 1 a side failed or produced no result, 2 usage error or
 * missing prerequisite (mpiexec, mpi4py, numpy, bin/mpi4ts.js, mpicc).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

const PYTHON = process.env.PEER_PYTHON || '/usr/bin/python3';
const MPIEXEC = process.env.MPIEXEC || 'mpiexec';
/** The C side's compiler: Open MPI's wrapper, to match the mpiexec and the mpi4py side. */
const MPICC = process.env.MPICC || 'mpicc.openmpi';
/** Where the C side is compiled; removed at exit. */
const BUILD_DIR = path.join(os.tmpdir(), `mpi4ts-bench-${process.pid}`);
const INSTALL_HINT = 'install it with: apt-get install -y python3-mpi4py python3-numpy (this pulls in Open MPI and mpiexec)';

// ------------------------------------------------------------------ tables

type Side = 'ours' | 'peer' | 'c';
const SIDE_NAME: Record<Side, string> = { ours: 'mpi4ts', peer: 'mpi4py', c: 'C' };

interface Command {
  cmd: string; args: string[]; timeoutMs: number;
  /** Run once before the command (compiling the C side); throws Failure. */
  prepare?: () => void;
  /** Runs that may time out before the side fails, and why a rerun is fair (printed with each retry). */
  retry?: { attempts: number; why: string };
}

/**
 * Open MPI 4.1.4 as Debian builds it (with the external PMIx 4.2) now and
 * then never returns from MPI_Comm_spawn, whatever the settings: 30 Spawn +
 * Disconnect in a row hung at the 2nd, 3rd, 19th or not at all in runs of
 * 2026-12-06 (defaults and `--mca btl self,vader,tcp` alike). That is
 * openpmix/openpmix#2735 ("Intermittent spawn hang in 4.x series": OMPI
 * 4.1.x over an external PMIx 4.x). A hung peer is run again; if it hangs
 * every time, its side is reported failed and the other benchmarks still run.
 */
const SPAWN_HANG = { attempts: 3, why: "Open MPI's MPI_Comm_spawn hangs now and then here (bench/compare.ts SPAWN_HANG)" };

/** What a column of a row shows, and which way is better. */
interface Metric {
  heading: string;
  better: 'lower' | 'higher';
  value(result: CaseResult): number | undefined;
}

const METRICS = {
  latency: {
    heading: 'latency (us)', better: 'lower',
    value: (r: CaseResult) => r.latency_us?.mean,
  },
  bandwidth: {
    heading: 'bandwidth (MB/s)', better: 'higher',
    value: (r: CaseResult) => r.bandwidth_MBps?.mean,
  },
  time: {
    heading: 'time (s)', better: 'lower',
    value: (r: CaseResult) => r.seconds,
  },
  rate: {
    heading: 'tasks/s', better: 'higher',
    value: (r: CaseResult) => r.tasks_per_s,
  },
  cpu: {
    heading: 'CPU time (s)', better: 'lower',
    value: (r: CaseResult) => r.cpu_seconds,
  },
  ops: {
    heading: 'ops/s', better: 'higher',
    value: (r: CaseResult) => r.ops_per_s,
  },
  /** Time per call over the memory-bandwidth bound (bytes touched / measured memcpy rate): 1.00 is memory speed. */
  bound: {
    heading: 'x memory bound', better: 'lower',
    value: (r: CaseResult) => (r.latency_us !== undefined && r.bound_us !== undefined && r.bound_us > 0 ? r.latency_us.mean / r.bound_us : undefined),
  },
} satisfies Record<string, Metric>;
type MetricName = keyof typeof METRICS;

interface Row { id: string; label: string; metrics: MetricName[] }

interface Benchmark {
  name: string;
  title: string;
  ranks: number;
  ours: Command;
  peer: Command;
  /** The same benchmark in C on the same library, when there is one. */
  c?: Command;
  rows: Row[];
  /** What the figures are, for the results file (default: ping-pong's half round-trip). */
  measures?: string;
}

/**
 * mpiexec for the peer side, run as mpi4py's users run it: the library's
 * defaults (no MCA selection; Open MPI picks its transports itself), plus
 * what running as root on a 2-core machine needs.
 */
function mpiexec(ranks: number, script: string): string[] {
  return mpiexecProgram(ranks, [PYTHON, script]);
}

function mpiexecProgram(ranks: number, program: string[]): string[] {
  return [
    '--allow-run-as-root', '--oversubscribe', '-n', String(ranks),
    '-x', 'BENCH_SCALE', '-x', 'BENCH_CASES', '-x', 'BENCH_BUDGET', '-x', 'BENCH_JSON',
    ...program,
  ];
}

/**
 * The C side: `source` compiled with MPICC (-O2) into a temporary folder
 * when the side runs, then started by the same mpiexec as the peer.
 */
function cProgram(ranks: number, source: string, timeoutMs: number): Command {
  const binary = path.join(BUILD_DIR, path.basename(source, '.c'));
  return {
    cmd: MPIEXEC, args: mpiexecProgram(ranks, [binary]), timeoutMs,
    prepare() {
      mkdirSync(BUILD_DIR, { recursive: true });
      const r = spawnSync(MPICC, ['-O2', '-Wall', source, '-o', binary, '-lm'], { cwd: ROOT, encoding: 'utf8' });
      if (r.error || r.status !== 0) {
        const why = r.error ? r.error.message : (r.stderr || r.stdout || '').trim();
        throw new Failure(`cannot compile the C side (${MPICC} ${source}): ${why}\n` +
          'install Open MPI\'s compiler wrapper (apt-get install -y libopenmpi-dev) or set MPICC', 2);
      }
    },
  };
}

function mpi4ts(ranks: number, script: string): string[] {
  return [path.join('bin', 'mpi4ts.js'), '-n', String(ranks), script];
}

/**
 * Our side on the native transport: the same mpiexec, MCA settings and
 * environment as the peer's, so both bind the same Open MPI the same way
 * (the process picks the native transport from the launcher's environment).
 */
function nativeMpiexec(ranks: number, script: string): string[] {
  return mpiexec(ranks, script).map((a) => (a === PYTHON ? process.execPath : a === script ? path.join('dist', 'bundle', 'rank-entry.js') : a))
    .concat(script);
}

// Add further benchmarks (collectives, futures, ...) here.
const BENCHMARKS: Benchmark[] = [
  {
    name: 'pingpong',
    title: 'ping-pong, 2 ranks, half round-trip',
    ranks: 2,
    ours: { cmd: process.execPath, args: mpi4ts(2, 'bench/pingpong.ts'), timeoutMs: 300_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(2, 'bench/peer/pingpong.py'), timeoutMs: 300_000 },
    rows: [
      { id: 'buf-8', label: 'Send/Recv 8 B', metrics: ['latency'] },
      { id: 'buf-1k', label: 'Send/Recv 1 KiB', metrics: ['latency'] },
      { id: 'buf-64k', label: 'Send/Recv 64 KiB', metrics: ['latency', 'bandwidth'] },
      { id: 'buf-1m', label: 'Send/Recv 1 MiB', metrics: ['latency', 'bandwidth'] },
      { id: 'buf-16m', label: 'Send/Recv 16 MiB', metrics: ['latency', 'bandwidth'] },
      { id: 'obj-small', label: 'send/recv small object', metrics: ['latency'] },
      { id: 'obj-1m', label: 'send/recv 1 MiB object', metrics: ['latency', 'bandwidth'] },
    ],
  },
  ...[2, 4, 8].map((n): Benchmark => ({
    name: `collectives-${n}`,
    title: `collectives, ${n} ranks, time per call (slowest rank)`,
    ranks: n,
    ours: { cmd: process.execPath, args: mpi4ts(n, 'bench/collectives.ts'), timeoutMs: 600_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(n, 'bench/peer/collectives.py'), timeoutMs: 600_000 },
    measures: 'Latency is the mean time per call of the slowest rank. x memory bound is that time over the call\'s ' +
      'memory-bandwidth bound: the bytes all ranks read and write (Bcast of n bytes 2(p-1)n, Allreduce (3p-1)n) over ' +
      'the memcpy rate of one core (1 MiB copies, measured by each side before its cases) times the cores the ranks share.',
    rows: [
      { id: 'barrier', label: 'Barrier', metrics: ['latency'] },
      { id: 'bcast-8', label: 'Bcast 8 B', metrics: ['latency'] },
      { id: 'bcast-1m', label: 'Bcast 1 MiB', metrics: ['latency', 'bound'] },
      { id: 'allreduce-1', label: 'Allreduce 1 double', metrics: ['latency'] },
      { id: 'allreduce-1m', label: 'Allreduce 1 MiB', metrics: ['latency', 'bound'] },
      { id: 'obj-allreduce', label: 'allreduce(number)', metrics: ['latency'] },
      { id: 'obj-bcast', label: 'bcast(small object)', metrics: ['latency'] },
    ],
  })),
  {
    name: 'pingpong-native',
    title: 'ping-pong, 2 ranks, half round-trip; mpi4ts on the native transport (Open MPI, library defaults)',
    ranks: 2,
    ours: { cmd: MPIEXEC, args: nativeMpiexec(2, 'bench/pingpong.ts'), timeoutMs: 300_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(2, 'bench/peer/pingpong.py'), timeoutMs: 300_000 },
    c: cProgram(2, 'bench/peer/pingpong.c', 300_000),
    rows: [
      { id: 'buf-8', label: 'Send/Recv 8 B', metrics: ['latency'] },
      { id: 'buf-1k', label: 'Send/Recv 1 KiB', metrics: ['latency'] },
      { id: 'buf-64k', label: 'Send/Recv 64 KiB', metrics: ['latency', 'bandwidth'] },
      { id: 'buf-1m', label: 'Send/Recv 1 MiB', metrics: ['latency', 'bandwidth'] },
      { id: 'buf-16m', label: 'Send/Recv 16 MiB', metrics: ['latency', 'bandwidth'] },
      { id: 'obj-small', label: 'send/recv small object', metrics: ['latency'] },
      { id: 'obj-1m', label: 'send/recv 1 MiB object', metrics: ['latency', 'bandwidth'] },
    ],
  },
  ...[2, 4].map((n): Benchmark => ({
    name: `collectives-native-${n}`,
    title: `collectives, ${n} ranks, time per call (slowest rank); mpi4ts on the native transport (Open MPI)`,
    ranks: n,
    ours: { cmd: MPIEXEC, args: nativeMpiexec(n, 'bench/collectives.ts'), timeoutMs: 600_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(n, 'bench/peer/collectives.py'), timeoutMs: 600_000 },
    rows: [
      { id: 'barrier', label: 'Barrier', metrics: ['latency'] },
      { id: 'bcast-8', label: 'Bcast 8 B', metrics: ['latency'] },
      { id: 'bcast-1m', label: 'Bcast 1 MiB', metrics: ['latency'] },
      { id: 'allreduce-1', label: 'Allreduce 1 double', metrics: ['latency'] },
      { id: 'allreduce-1m', label: 'Allreduce 1 MiB', metrics: ['latency'] },
      { id: 'obj-allreduce', label: 'allreduce(number)', metrics: ['latency'] },
      { id: 'obj-bcast', label: 'bcast(small object)', metrics: ['latency'] },
    ],
  })),
  ...[1, 2].map((n): Benchmark => ({
    name: `mandelbrot-${n}`,
    title: `Mandelbrot 1200x800 maxit 127, ${n} rank${n > 1 ? 's' : ''} (peer: the seed's numba version)`,
    ranks: n,
    ours: { cmd: process.execPath, args: mpi4ts(n, 'bench/mandelbrot.ts'), timeoutMs: 300_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(n, 'bench/peer/mandelbrot.py'), timeoutMs: 300_000 },
    rows: [
      { id: 'cold', label: 'first run (incl. JIT)', metrics: ['time'] },
      { id: 'warm', label: 'best of 5 runs', metrics: ['time'] },
    ],
  })),
  ...[1, 2].map((n): Benchmark => ({
    name: `pi-${n}`,
    title: `Monte Carlo pi sweep 4**5..4**11 darts x 64 runs, ${n} rank${n > 1 ? 's' : ''} (peer: the seed's numba version)`,
    ranks: n,
    ours: { cmd: process.execPath, args: [...mpi4ts(n, 'examples/parallel_pi.ts'), '--max-log4', '11'], timeoutMs: 600_000 },
    peer: { cmd: MPIEXEC, args: [...mpiexec(n, 'bench/peer/parallel_pi_numba.py'), '11'], timeoutMs: 900_000 },
    rows: [{ id: 'sweep', label: 'sweep', metrics: ['time'] }],
  })),
  {
    name: 'spawn',
    title: 'Spawn of 2 children + Disconnect, manager alone (-n 1)',
    ranks: 1,
    ours: { cmd: process.execPath, args: [path.join('bin', 'mpi4ts.js'), '-n', '1', '--usize', '8', 'bench/spawn.ts'], timeoutMs: 300_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(1, 'bench/peer/spawn.py'), timeoutMs: 60_000, retry: SPAWN_HANG },
    rows: [
      { id: 'cold', label: 'first spawn', metrics: ['latency'] },
      { id: 'warm', label: 'further spawns (mean)', metrics: ['latency'] },
    ],
  },
  {
    // piscina, the third side of issue #4's table, is run by `npx tsx bench/futures.ts --table`.
    name: 'futures',
    title: 'futures throughput: 2,000 trivial tasks on 2 spawned workers, best of 5 (driver alone, -n 1)',
    ranks: 1,
    ours: { cmd: process.execPath, args: [path.join('bin', 'mpi4ts.js'), '-n', '1', '--usize', '3', 'bench/futures.ts'], timeoutMs: 300_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(1, 'bench/peer/futures.py'), timeoutMs: 120_000, retry: SPAWN_HANG },
    rows: [
      { id: 'tasks-2000', label: 'map, one call per message', metrics: ['rate', 'time'] },
      { id: 'tasks-2000-c50', label: 'map, chunksize 50', metrics: ['rate', 'time'] },
    ],
  },
  // Issue #6's oversubscription figure: time per hop at 16 ranks on this machine's cores against 2.
  ...[2, 4, 16].map((n): Benchmark => ({
    name: `ring-${n}`,
    title: `ring of ${n} ranks, 1-byte message, time per hop`,
    ranks: n,
    ours: { cmd: process.execPath, args: mpi4ts(n, 'bench/ring.ts'), timeoutMs: 300_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(n, 'bench/peer/ring.py'), timeoutMs: 300_000 },
    rows: [{ id: 'hop', label: `time per hop (${n} ranks)`, metrics: ['latency'] }],
  })),
  // Issue #16: a whole job's start-up as a user feels it, hello world at 4 and 16 ranks.
  ...[4, 16].map((n): Benchmark => ({
    name: `startup-${n}`,
    title: `start-up of the seed's hello world, ${n} ranks, whole job from outside (wall, and CPU of the process tree)`,
    ranks: n,
    ours: { cmd: process.execPath, args: ['bench/startup.mjs', 'mpi4ts', String(n)], timeoutMs: 600_000 },
    peer: { cmd: process.execPath, args: ['bench/startup.mjs', 'mpi4py', String(n)], timeoutMs: 600_000 },
    rows: [
      { id: 'first', label: 'first run', metrics: ['time'] },
      { id: 'wall', label: 'next runs (mean)', metrics: ['time', 'cpu'] },
    ],
  })),
  ...[1, 2].map((n): Benchmark => ({
    name: `julia-${n}`,
    title: `Julia set 640x480 on a futures pool (the seed's julia-futures, no numba), ${n} worker${n > 1 ? 's' : ''}`,
    ranks: 1,
    ours: { cmd: process.execPath, args: [path.join('bin', 'mpi4ts.js'), '-n', '1', '--usize', String(n + 1), 'bench/julia.ts', String(n)], timeoutMs: 300_000 },
    peer: { cmd: MPIEXEC, args: [...mpiexec(1, 'bench/peer/julia.py'), String(n)], timeoutMs: 300_000, retry: SPAWN_HANG },
    rows: [
      { id: 'cold', label: 'first map (workers started)', metrics: ['time'] },
      { id: 'warm', label: 'best of 3 maps', metrics: ['time'] },
    ],
  })),
  // Issue #15: one-sided communication (OSU-style Put/Get latency and bandwidth, Accumulate) at
  // 2 ranks, and the nxtval counter (Fetch_and_op on rank 0's window) at 4; `rma` selects both.
  {
    name: 'rma-2',
    title: 'one-sided, rank 0 into rank 1\'s window, time per operation with its synchronisation',
    ranks: 2,
    ours: { cmd: process.execPath, args: mpi4ts(2, 'bench/rma.ts'), timeoutMs: 600_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(2, 'bench/peer/rma.py'), timeoutMs: 600_000 },
    measures: 'Latency is the mean time of one operation with its synchronisation (Put + Fence on both ranks, or ' +
      'Lock + Put + Unlock on rank 0); bandwidth is bytes / that time (MB = 10^6 bytes).',
    rows: [
      { id: 'put-fence-8', label: 'Put 8 B, Fence', metrics: ['latency'] },
      { id: 'get-fence-8', label: 'Get 8 B, Fence', metrics: ['latency'] },
      { id: 'put-lock-8', label: 'Put 8 B, Lock/Unlock', metrics: ['latency'] },
      { id: 'get-lock-8', label: 'Get 8 B, Lock/Unlock', metrics: ['latency'] },
      { id: 'put-fence-1m', label: 'Put 1 MiB, Fence', metrics: ['latency', 'bandwidth'] },
      { id: 'get-fence-1m', label: 'Get 1 MiB, Fence', metrics: ['latency', 'bandwidth'] },
      { id: 'put-lock-1m', label: 'Put 1 MiB, Lock/Unlock', metrics: ['latency', 'bandwidth'] },
      { id: 'get-lock-1m', label: 'Get 1 MiB, Lock/Unlock', metrics: ['latency', 'bandwidth'] },
      { id: 'acc-lock-1m', label: 'Accumulate SUM 1 MiB', metrics: ['latency', 'bandwidth'] },
    ],
  },
  {
    name: 'rma-4',
    title: 'one-sided counter (nxtval): Lock shared + Fetch_and_op + Unlock on rank 0\'s window, 4 ranks',
    ranks: 4,
    ours: { cmd: process.execPath, args: mpi4ts(4, 'bench/rma.ts'), timeoutMs: 600_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(4, 'bench/peer/rma.py'), timeoutMs: 600_000 },
    measures: 'Increments of the counter per second, all ranks together, timed to the slowest rank.',
    rows: [{ id: 'nxtval', label: 'increments, all ranks', metrics: ['ops'] }],
  },
  // Issue #15: collective MPI-IO into a temporary folder (page cache, no Sync); `io` selects it.
  {
    name: 'io-4',
    title: 'collective MPI-IO, 64 MiB file (x --scale), 4 ranks, MB/s of the whole file',
    ranks: 4,
    ours: { cmd: process.execPath, args: mpi4ts(4, 'bench/io.ts'), timeoutMs: 600_000 },
    peer: { cmd: MPIEXEC, args: mpiexec(4, 'bench/peer/io.py'), timeoutMs: 600_000 },
    measures: 'Bandwidth is the file\'s bytes / the time of one collective call, from a Barrier to the slowest ' +
      'rank\'s end, mean of 3 (MB = 10^6 bytes); writes go to the page cache (no Sync) on both sides.',
    rows: [
      { id: 'write-contig', label: 'Write_at_all contig', metrics: ['bandwidth'] },
      { id: 'read-contig', label: 'Read_at_all contig', metrics: ['bandwidth'] },
      { id: 'write-strided', label: 'Write_at_all subarray', metrics: ['bandwidth'] },
      { id: 'read-strided', label: 'Read_at_all subarray', metrics: ['bandwidth'] },
    ],
  },
];

// ----------------------------------------------------------------- results

interface CaseResult {
  id: string;
  label?: string;
  bytes?: number | null;
  iters?: number;
  planned_iters?: number;
  capped?: boolean;
  latency_us?: { mean: number; min: number; stddev: number };
  bandwidth_MBps?: { mean: number; max: number };
  /** Workloads: wall time of the computation. */
  seconds?: number;
  /** Futures: calls completed per second. */
  tasks_per_s?: number;
  /** Start-up: CPU time of the whole process tree. */
  cpu_seconds?: number;
  /** One-sided counter (nxtval): increments per second over all ranks. */
  ops_per_s?: number;
  /** Collectives: the memory-bandwidth bound of a call (bytes touched / memcpy rate), in microseconds. */
  bound_us?: number;
}

interface SideOutput {
  bench: string;
  side: string;
  versions?: Record<string, string | null>;
  transport?: string;
  elapsed_s?: number;
  results: (CaseResult | null)[];
  [k: string]: unknown;
}

interface RunInfo { command: string; wall_s: number; load_before: number; output: SideOutput }

interface TableLine {
  id: string; label: string; metric: MetricName; heading: string; better: 'lower' | 'higher';
  ours: number | null; peer: number | null; ratio: number | null;
  /** The C side and mpi4ts / C, for benchmarks with one (null otherwise). */
  c: number | null; ratioC: number | null;
  /** Sides that ran fewer iterations than planned (time budget): figures marked with '*'. */
  capped: string[];
}

class Failure extends Error {
  constructor(message: string, readonly exitCode: number) { super(message); }
}

// ------------------------------------------------------------------ checks

function checkPeerPrerequisites(): void {
  const v = spawnSync(MPIEXEC, ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) {
    throw new Failure(`mpiexec not found or not working (${MPIEXEC}${v.error ? ': ' + v.error.message : ''});\n${INSTALL_HINT}`, 2);
  }
  const p = spawnSync(PYTHON, ['-c', 'import mpi4py, numpy'], { encoding: 'utf8' });
  if (p.error || p.status !== 0) {
    const why = p.error ? p.error.message : (p.stderr || '').trim().split('\n').pop();
    throw new Failure(`mpi4py/numpy not importable by ${PYTHON} (${why});\n${INSTALL_HINT}\n(set PEER_PYTHON to use another interpreter)`, 2);
  }
}

function checkOursPrerequisites(): void {
  if (!existsSync(path.join(ROOT, 'bin', 'mpi4ts.js'))) {
    throw new Failure('bin/mpi4ts.js not found: the mpi4ts runtime is not built/installed in this checkout', 2);
  }
}

// --------------------------------------------------------------------- run

function runSide(bench: Benchmark, side: Side, env: NodeJS.ProcessEnv): RunInfo {
  const command = bench[side];
  if (command === undefined) throw new Failure(`${bench.name} has no ${SIDE_NAME[side]} side`, 2);
  const { cmd, args, timeoutMs } = command;
  command.prepare?.();
  const shown = [cmd === process.execPath ? 'node' : cmd, ...args].join(' ');
  process.stderr.write(`[compare] ${bench.name}: running ${SIDE_NAME[side]}: ${shown}\n`);
  const load = Math.round(os.loadavg()[0] * 100) / 100;
  const attempts = command.retry?.attempts ?? 1;
  let t0 = 0;
  const once = () => {
    t0 = performance.now();
    return spawnSync(cmd, args, {
      cwd: ROOT, env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGTERM', maxBuffer: 64 * 1024 * 1024,
    });
  };
  let r = once();
  for (let attempt = 2; attempt <= attempts && (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT'; attempt++) {
    process.stderr.write(`[compare] ${bench.name}: ${SIDE_NAME[side]} timed out after ${timeoutMs / 1e3} s; run ${attempt} of ${attempts} (${command.retry!.why})\n`);
    r = once();
  }
  const wall = (performance.now() - t0) / 1e3;
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  const dump = () =>
    `--- ${SIDE_NAME[side]} stderr ---\n${stderr.trimEnd() || '(empty)'}\n` +
    `--- ${SIDE_NAME[side]} stdout (last 40 lines) ---\n${stdout.trimEnd().split('\n').slice(-40).join('\n') || '(empty)'}`;

  if (r.error) {
    const timedOut = (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    const why = timedOut ? `timed out after ${timeoutMs / 1e3} s` : r.error.message;
    throw new Failure(`${SIDE_NAME[side]} side of ${bench.name} failed: ${why}\n  command: ${shown}\n${dump()}`, 1);
  }
  if (r.status !== 0) {
    const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
    throw new Failure(`${SIDE_NAME[side]} side of ${bench.name} failed (${why})\n  command: ${shown}\n${dump()}`, 1);
  }
  const lines = stdout.split('\n').filter((l) => l.includes('BENCH_JSON '));
  if (lines.length !== 1) {
    throw new Failure(`${SIDE_NAME[side]} side of ${bench.name} printed ${lines.length} BENCH_JSON lines (expected 1)\n  command: ${shown}\n${dump()}`, 1);
  }
  let output: SideOutput;
  try {
    const line = lines[0];
    output = JSON.parse(line.slice(line.indexOf('BENCH_JSON ') + 'BENCH_JSON '.length)) as SideOutput;
  } catch (e) {
    throw new Failure(`${SIDE_NAME[side]} side of ${bench.name}: unparsable BENCH_JSON line (${(e as Error).message})\n${dump()}`, 1);
  }
  // A family of benchmarks (collectives-2, -4, -8) shares one program: its name is the prefix.
  if (!(output.bench === bench.name || bench.name.startsWith(`${output.bench}-`)) || output.side !== SIDE_NAME[side] || !Array.isArray(output.results)) {
    throw new Failure(`${SIDE_NAME[side]} side of ${bench.name}: BENCH_JSON is not a ${bench.name}/${SIDE_NAME[side]} result`, 1);
  }
  return { command: shown, wall_s: wall, load_before: load, output };
}

function tabulate(bench: Benchmark, ours?: RunInfo, peer?: RunInfo, cSide?: RunInfo): TableLine[] {
  const find = (run: RunInfo | undefined, id: string) => run?.output.results.find((x) => x?.id === id) ?? undefined;
  const lines: TableLine[] = [];
  for (const row of bench.rows) {
    const o = find(ours, row.id);
    const p = find(peer, row.id);
    const k = find(cSide, row.id);
    if (!o && !p && !k) continue; // filtered out with --cases
    for (const m of row.metrics) {
      const metric: Metric = METRICS[m];
      const ov = o ? metric.value(o) ?? null : null;
      const pv = p ? metric.value(p) ?? null : null;
      const cv = k ? metric.value(k) ?? null : null;
      const ratio = ov !== null && pv !== null && pv > 0 ? ov / pv : null;
      const ratioC = ov !== null && cv !== null && cv > 0 ? ov / cv : null;
      const capped = [o?.capped ? SIDE_NAME.ours : null, p?.capped ? SIDE_NAME.peer : null, k?.capped ? SIDE_NAME.c : null]
        .filter((x): x is string => x !== null);
      lines.push({ id: row.id, label: row.label, metric: m, heading: metric.heading, better: metric.better, ours: ov, peer: pv, ratio, c: cv, ratioC, capped });
    }
  }
  return lines;
}

// ------------------------------------------------------------- environment

interface Environment {
  date: string;
  cpu: string;
  cores: number;
  memory_GiB: number;
  os: string;
  runner_node: string;
  /** 1-minute load average just before the benchmark started (other work skews the figures). */
  load_before: number;
}

function environment(): Environment {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch { /* not Linux */ }
  return {
    date: new Date().toISOString(),
    cpu,
    cores: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    memory_GiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    runner_node: process.version,
    load_before: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

function environmentLines(env: Environment, ours?: RunInfo, peer?: RunInfo, cSide?: RunInfo): [string, string][] {
  const out: [string, string][] = [['date', env.date]];
  if (ours) {
    const v = ours.output.versions ?? {};
    out.push(['mpi4ts', `${v.mpi4ts ?? '?'} on Node ${v.node ?? '?'} (V8 ${v.v8 ?? '?'}); transport: ${ours.output.transport ?? '?'}`]);
  } else {
    out.push(['mpi4ts', `not run (node ${env.runner_node})`]);
  }
  if (peer) {
    const v = peer.output.versions ?? {};
    out.push(['mpi4py', `${v.mpi4py ?? '?'} on Python ${v.python ?? '?'}, numpy ${v.numpy ?? '?'}`]);
    out.push(['MPI library', `${v.mpi_library ?? '?'} (MPI ${v.mpi_standard ?? '?'}); transport: ${peer.output.transport ?? '?'}`]);
  } else {
    out.push(['mpi4py', 'not run']);
  }
  if (cSide) {
    const v = cSide.output.versions ?? {};
    out.push(['C', `${v.compiler ?? '?'} via ${MPICC} -O2; ${v.mpi_library ?? '?'}; transport: ${cSide.output.transport ?? '?'}`]);
  }
  out.push(['CPU', `${env.cpu}, ${env.cores} cores`]);
  out.push(['memory', `${env.memory_GiB} GiB`]);
  out.push(['OS', env.os]);
  out.push(['load', `1-min load average ${env.load_before.toFixed(2)} before the run` +
    (env.load_before > 0.5 ? ' (machine not idle: figures may be skewed)' : '')]);
  for (const [side, run] of [['mpi4ts', ours], ['mpi4py', peer], ['C', cSide]] as const) {
    if (run) out.push([`${side} command`, `${run.command} (${run.wall_s.toFixed(1)} s, load ${run.load_before.toFixed(2)} before)`]);
  }
  return out;
}

// -------------------------------------------------------------- formatting

type Column = Side | 'ratio' | 'ratioC';

/** A value as shown, with '*' when its side ran fewer iterations than planned. */
function cell(l: TableLine, column: Column): string {
  const v = fmt(l[column]);
  if (v === 'n/a') return v;
  const mark = column === 'ratio' || column === 'ratioC' ? l.capped.length > 0 : l.capped.includes(SIDE_NAME[column]);
  return mark ? v + '*' : v;
}

/** Columns of a table: the sides run, then mpi4ts / mpi4py when both ran, then mpi4ts / C when both ran. */
function columns(sides: Side[]): [Column, string][] {
  const cols: [Column, string][] = sides.map((s) => [s, SIDE_NAME[s]]);
  if (sides.includes('ours') && sides.includes('peer')) cols.push(['ratio', sides.includes('c') ? 'ratio vs py' : 'ratio']);
  if (sides.includes('ours') && sides.includes('c')) cols.push(['ratioC', 'ratio vs C']);
  return cols;
}

function cappedNote(lines: TableLine[]): string | null {
  const sides = [...new Set(lines.flatMap((l) => l.capped))];
  if (sides.length === 0) return null;
  return `* ${sides.join(' and ')} ran fewer iterations than planned for this case (per-case time budget hit; ` +
    'see iters/planned_iters in the JSON)';
}

function fmt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  if (v >= 1000) return v.toFixed(0);
  if (v >= 100) return v.toFixed(1);
  return v.toFixed(2);
}

function directionNote(sides: Side[]): string {
  if (sides.length < 2) return `only ${SIDE_NAME[sides[0]]} was run: no ratios`;
  const what = sides.includes('c') ? 'ratio vs py = mpi4ts / mpi4py, ratio vs C = mpi4ts / C' : 'ratio = mpi4ts / mpi4py';
  return `${what}; latency: lower is better (ratio < 1.00: mpi4ts faster); ` +
    'bandwidth: higher is better (ratio > 1.00: mpi4ts faster)';
}

function textTable(bench: Benchmark, lines: TableLine[], sides: Side[]): string {
  const W0 = 23, W1 = 24, W = sides.length > 2 ? 13 : 16;
  const cols = columns(sides);
  const out: string[] = [];
  const heads = cols.map(([, name]) => name.padEnd(W)).join('').trimEnd();
  // A title wider than the label columns gets a line of its own.
  if (bench.title.length < W0 + W1) out.push(bench.title.padEnd(W0 + W1) + heads);
  else out.push(bench.title, ''.padEnd(W0 + W1) + heads);
  out.push(directionNote(sides));
  for (const l of lines) {
    const vals = cols.map(([column]) => cell(l, column));
    out.push(l.label.padEnd(W0) + l.heading.padEnd(W1) + vals.map((v) => v.padEnd(W)).join('').trimEnd());
  }
  const note = cappedNote(lines);
  if (note) out.push(note);
  return out.join('\n');
}

function markdown(
  bench: Benchmark, lines: TableLine[], sides: Side[], env: Environment, envLines: [string, string][], argv: string[],
): string {
  const cols = columns(sides);
  const out: string[] = [];
  out.push(`# ${bench.title}`, '');
  out.push('Generated by `' + ['npx tsx bench/compare.ts', ...argv].join(' ') + '`.');
  out.push(sides.length === 3
    ? 'All three columns were measured in the same run, on the same machine, one side after the other.'
    : sides.length === 2
    ? 'Both columns were measured in the same run, on the same machine, one side after the other.'
    : `Only ${SIDE_NAME[sides[0]]} was run (partial result).`);
  out.push(bench.measures ?? 'Latency is the mean half round-trip time; bandwidth is bytes / half round-trip (MB = 10^6 bytes).', '');
  if (env.load_before > 0.5) {
    out.push(`**The machine was not idle** (1-min load average ${env.load_before.toFixed(2)} on ${env.cores} cores): ` +
      'other work skews these figures; do not quote them as representative.', '');
  }
  out.push(`| case | metric | ${cols.map(([, name]) => name).join(' | ')} |`);
  out.push(`|---|---|${cols.map(() => '--:').join('|')}|`);
  for (const l of lines) {
    const vals = cols.map(([column]) => cell(l, column));
    out.push(`| ${l.label} | ${l.heading} | ${vals.join(' | ')} |`);
  }
  out.push('', directionNote(sides) + '.');
  const note = cappedNote(lines);
  if (note) out.push('', note.replace(/^\*/, '\\*') + '.');
  out.push('', '## Environment', '');
  for (const [k, v] of envLines) out.push(`- ${k}: ${v.replace(/\|/g, '\\|')}`);
  out.push('');
  return out.join('\n');
}

// -------------------------------------------------------------------- main

interface Options {
  names: string[]; json: boolean; sides: Side[]; scale: string | null; budget: string | null; cases: string | null; write: boolean;
}

const USAGE = `usage: npx tsx bench/compare.ts [name...] [options]

Runs the mpi4ts and mpi4py sides of each named benchmark (default: all) in
this run and prints one table with ratios (mpi4ts / mpi4py). Benchmarks with
a C side (pingpong-native) also run it, compiled with MPICC, and add a C
column and mpi4ts / C.

benchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}
(a name may also be a family's: rma runs rma-2 and rma-4, io runs io-4)

options:
  --json          print the merged results as JSON instead of the table
  --ours-only     run only the mpi4ts side
  --peer-only     run only the mpi4py side
  --scale F       multiply iteration counts by F (e.g. 0.1 for a smoke run)
  --budget S      seconds of timed iterations allowed per case and side (default 10);
                  a slower case runs fewer iterations and is marked '*'
  --cases a,b     run only these case ids (e.g. buf-8,buf-1m)
  --no-write      do not write bench/results/<name>-latest.md/.json
  -h, --help      this text

environment: PEER_PYTHON (default /usr/bin/python3), MPIEXEC (default mpiexec),
             MPICC (default mpicc.openmpi)`;

/** The benchmarks a name on the command line selects: the one of that name, else its family (`rma` selects rma-2 and rma-4). */
function selects(name: string): Benchmark[] {
  const exact = BENCHMARKS.filter((b) => b.name === name);
  return exact.length > 0 ? exact : BENCHMARKS.filter((b) => b.name.startsWith(`${name}-`));
}

function parseArgs(argv: string[]): Options {
  const o: Options = { names: [], json: false, sides: ['ours', 'peer'], scale: null, budget: null, cases: null, write: true };
  let oursOnly = false, peerOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Failure(`${a} needs a value\n${USAGE}`, 2);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--ours-only') oursOnly = true;
    else if (a === '--peer-only') peerOnly = true;
    else if (a === '--no-write') o.write = false;
    else if (a === '--scale') o.scale = value();
    else if (a.startsWith('--scale=')) o.scale = a.slice(8);
    else if (a === '--budget') o.budget = value();
    else if (a.startsWith('--budget=')) o.budget = a.slice(9);
    else if (a === '--cases') o.cases = value();
    else if (a.startsWith('--cases=')) o.cases = a.slice(8);
    else if (a === '-h' || a === '--help') { process.stdout.write(USAGE + '\n'); process.exit(0); }
    else if (a.startsWith('-')) throw new Failure(`unknown option ${a}\n${USAGE}`, 2);
    else o.names.push(a);
  }
  if (oursOnly && peerOnly) throw new Failure('--ours-only and --peer-only exclude each other', 2);
  if (oursOnly) o.sides = ['ours'];
  if (peerOnly) o.sides = ['peer'];
  if (o.scale !== null && !(Number(o.scale) > 0)) throw new Failure(`--scale must be a positive number (got ${o.scale})`, 2);
  if (o.budget !== null && !(Number(o.budget) > 0)) throw new Failure(`--budget must be a positive number (got ${o.budget})`, 2);
  for (const n of o.names) {
    if (selects(n).length === 0) {
      throw new Failure(`unknown benchmark "${n}"; available: ${BENCHMARKS.map((b) => b.name).join(', ')}`, 2);
    }
  }
  return o;
}

function main(): void {
  const argv = process.argv.slice(2);
  const opts = parseArgs(argv);
  const named = opts.names.length ? BENCHMARKS.filter((b) => opts.names.some((n) => selects(n).includes(b))) : BENCHMARKS;
  // With --cases, a benchmark none of whose rows is asked for is not run (rma-4 for --cases put-lock-8).
  const cases = opts.cases === null ? null : opts.cases.split(',').filter((c) => c !== '');
  const benches = cases === null ? named : named.filter((b) => b.rows.some((r) => cases.includes(r.id)));
  if (benches.length === 0) throw new Failure(`no benchmark has the cases ${opts.cases}`, 2);

  if (opts.sides.includes('peer')) checkPeerPrerequisites();
  if (opts.sides.includes('ours')) checkOursPrerequisites();

  const env: NodeJS.ProcessEnv = {
    ...process.env, BENCH_SCALE: opts.scale ?? '1', BENCH_CASES: opts.cases ?? '', BENCH_BUDGET: opts.budget ?? '10', BENCH_JSON: '1',
  };
  const machine = environment();
  const merged: unknown[] = [];
  const texts: string[] = [];

  /** Sides that failed: the others' figures are still shown, and the run exits 1 at the end. */
  const failed: string[] = [];
  const attempt = (bench: Benchmark, side: Side): RunInfo | undefined => {
    try {
      return runSide(bench, side, env);
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      process.stderr.write(`compare: ${e.message}\n`);
      failed.push(`${SIDE_NAME[side]} side of ${bench.name}`);
      return undefined;
    }
  };

  for (const bench of benches) {
    // A C side runs with the two others (not with --ours-only or --peer-only).
    const asked: Side[] = bench.c !== undefined && opts.sides.length === 2 ? [...opts.sides, 'c'] : opts.sides;
    const ours = asked.includes('ours') ? attempt(bench, 'ours') : undefined;
    const peer = asked.includes('peer') ? attempt(bench, 'peer') : undefined;
    const cSide = asked.includes('c') ? attempt(bench, 'c') : undefined;
    const sides = asked.filter((side) => ({ ours, peer, c: cSide })[side] !== undefined);
    if (sides.length === 0) continue;
    const lines = tabulate(bench, ours, peer, cSide);
    if (lines.length === 0) throw new Failure(`${bench.name}: no results to show (check --cases)`, 1);
    const envLines = environmentLines(machine, ours, peer, cSide);

    const record = {
      benchmark: bench.name, title: bench.title, ranks: bench.ranks,
      sides: sides.map((s) => SIDE_NAME[s]),
      environment: machine,
      rows: lines,
      mpi4ts: ours ? { command: ours.command, wall_s: ours.wall_s, load_before: ours.load_before, ...ours.output } : null,
      mpi4py: peer ? { command: peer.command, wall_s: peer.wall_s, load_before: peer.load_before, ...peer.output } : null,
      ...(bench.c ? { C: cSide ? { command: cSide.command, wall_s: cSide.wall_s, load_before: cSide.load_before, ...cSide.output } : null } : {}),
    };
    merged.push(record);

    const width = Math.max(...envLines.map(([k]) => k.length)) + 2;
    texts.push(textTable(bench, lines, sides) + '\n\n' + envLines.map(([k, v]) => k.padEnd(width) + v).join('\n'));

    if (opts.write) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const base = path.join(RESULTS_DIR, `${bench.name}-latest`);
      writeFileSync(base + '.md', markdown(bench, lines, sides, machine, envLines, argv));
      writeFileSync(base + '.json', JSON.stringify(record, null, 2) + '\n');
      process.stderr.write(`[compare] wrote ${path.relative(ROOT, base)}.md and .json\n`);
    }
  }

  if (opts.json) {
    process.stdout.write(JSON.stringify(merged.length === 1 ? merged[0] : merged, null, 2) + '\n');
  } else {
    process.stdout.write(texts.join('\n\n') + '\n');
  }
  if (failed.length > 0) throw new Failure(`${failed.length} side(s) failed (above): ${failed.join(', ')}`, 1);
}

process.on('exit', () => rmSync(BUILD_DIR, { recursive: true, force: true }));
try {
  main();
} catch (e) {
  if (e instanceof Failure) {
    process.stderr.write(`compare: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  throw e;
}
