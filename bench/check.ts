/**
 * What `--check` costs: collective latency with and without it (Barrier,
 * Bcast 8 B, Allreduce 1 double, bcast of a small object). Runs the job
 * twice through the launcher, once plain and once with `--check`, and
 * prints both figures and the ratio.
 *
 *   npx tsx bench/check.ts [-n 4] [--iters 20000] [--transport native]
 *
 * In each job, per case: a warm-up of `iters` calls, then `iters` timed
 * calls between barriers; a rank's figure is its mean time per call, the
 * reported one the maximum over ranks (what the slowest rank saw).
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
};
const iters = Number(opt('--iters', '20000'));

interface Result { id: string; label: string; us: number }

if (argv.includes('--rank-side')) {
  const { MPI } = await import('mpi4ts');
  const comm = MPI.COMM_WORLD;
  const rank = comm.rank;
  const cases: { id: string; label: string; make: () => () => void }[] = [
    { id: 'barrier', label: 'Barrier', make: () => () => comm.Barrier() },
    { id: 'bcast-8', label: 'Bcast 8 B', make: () => { const b = new Uint8Array(8); return () => comm.Bcast(b, 0); } },
    {
      id: 'allreduce-1', label: 'Allreduce 1 double',
      make: () => { const s = Float64Array.of(1), r = new Float64Array(1); return () => comm.Allreduce(s, r, MPI.SUM); },
    },
    { id: 'obj-bcast', label: 'bcast(small object)', make: () => { const o = { a: 1, b: [1, 2, 3] }; return () => { comm.bcast(rank === 0 ? o : null, 0); }; } },
  ];
  const out: Result[] = [];
  for (const c of cases) {
    const call = c.make();
    for (let i = 0; i < iters; i++) call();
    comm.Barrier();
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) call();
    const mine = (performance.now() - t0) * 1000 / iters;
    comm.Barrier();
    const worst = new Float64Array(1);
    comm.Allreduce(Float64Array.of(mine), worst, MPI.MAX);
    out.push({ id: c.id, label: c.label, us: worst[0]! });
  }
  if (rank === 0) console.log(`BENCH_JSON ${JSON.stringify(out)}`);
} else {
  const np = opt('-n', '4');
  const transport = opt('--transport', 'threads');
  const cli = path.join(path.dirname(here), '..', 'bin', 'mpi4ts.js');
  const run = (check: boolean): Result[] => {
    const args = [cli, '-n', np, '--transport', transport, ...(check ? ['--check'] : []), here, '--rank-side', '--iters', String(iters)];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
    if (r.status !== 0 || line === undefined) throw new Error(`job failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(line.slice('BENCH_JSON '.length)) as Result[];
  };
  const plain = run(false);
  const checked = run(true);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`# --check cost: ${transport} transport, ${np} ranks, ${iters} calls per case; node ${process.version}, ${cpu} x ${os.availableParallelism()}`);
  console.log(`${'case'.padEnd(22)}${'plain (us)'.padStart(12)}${'--check (us)'.padStart(14)}${'ratio'.padStart(8)}`);
  for (const p of plain) {
    const c = checked.find((x) => x.id === p.id)!;
    console.log(`${p.label.padEnd(22)}${p.us.toFixed(2).padStart(12)}${c.us.toFixed(2).padStart(14)}${`${(c.us / p.us).toFixed(1)}x`.padStart(8)}`);
  }
}
