/**
 * What `--trace` costs: a ping-pong of small messages (8-byte Send/Recv and
 * a small object's send/recv), timed inside the job, run alternately
 * without and with `--trace` (3 runs each by default), printing each run's
 * figures and the spread. The machine may be shared: the figures are
 * indicative; compare the two columns of the same invocation.
 *
 *   npx tsx bench/trace.ts [--iters 20000] [--runs 3] [--transport native]
 *
 * A rank's figure is the mean time of one round trip (or, for the
 * COMM_SELF case, of an Isend, Recv and Wait to itself: 3 calls and one
 * message) over `iters` timed repetitions after as many warm-up ones; the traced run also writes its
 * file (in a temporary folder), whose size is printed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
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

if (argv.includes('--rank-side')) {
  const { MPI } = await import('mpi4ts');
  const comm = MPI.COMM_WORLD;
  const peer = 1 - comm.rank;
  const buf = new Uint8Array(8);
  const cases: [string, () => void][] = [
    ['Send/Recv 8 B', () => { if (comm.rank === 0) { comm.Send(buf, peer, 1); comm.Recv(buf, peer, 1); } else { comm.Recv(buf, peer, 1); comm.Send(buf, peer, 1); } }],
    ['send/recv object', () => { if (comm.rank === 0) { comm.send({ a: 1 }, peer, 2); comm.recv(peer, 2); } else { comm.send(comm.recv(peer, 2), peer, 2); } }],
    // No waiting on the other rank: the recording's own cost, with less of the scheduler's noise.
    ['COMM_SELF Isend+Recv+Wait', () => { const r = MPI.COMM_SELF.Isend(buf, 0, 3); MPI.COMM_SELF.Recv(buf, 0, 3); r.Wait(); }],
  ];
  for (const [label, once] of cases) {
    for (let i = 0; i < iters; i++) once();
    comm.Barrier();
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) once();
    const us = ((performance.now() - t0) * 1000) / iters;
    if (comm.rank === 0) console.log(`RESULT ${JSON.stringify({ label, us })}`);
  }
} else {
  const runs = Number(opt('--runs', '3'));
  const transport = opt('--transport', 'threads');
  const cli = path.resolve(path.dirname(here), '..', 'bin', 'mpi4ts.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-trace-bench-'));
  const results = new Map<string, { off: number[]; on: number[] }>();
  let traceBytes = 0;
  for (let r = 0; r < runs; r++) {
    for (const traced of [false, true]) {
      const file = path.join(dir, 'pingpong.json');
      const args = [cli, '-n', '2', '--transport', transport, ...(transport === 'native' ? ['--oversubscribe'] : []),
        ...(traced ? ['--trace', file] : []), here, '--rank-side', '--iters', String(iters)];
      const p = spawnSync(process.execPath, args, { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`run failed:\n${p.stdout}\n${p.stderr}`);
      for (const l of p.stdout.split('\n').filter((x) => x.startsWith('RESULT '))) {
        const { label, us } = JSON.parse(l.slice(7)) as { label: string; us: number };
        const e = results.get(label) ?? { off: [], on: [] };
        (traced ? e.on : e.off).push(us);
        results.set(label, e);
      }
      if (traced) traceBytes = fs.statSync(file).size;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(`# --trace cost: ${transport} transport, 2 ranks, ${iters} round trips per case, ${runs} runs each; node ${process.version}, ${os.cpus()[0]?.model ?? '?'} x ${os.cpus().length}`);
  console.log(`${'case'.padEnd(26)}${'plain µs (min-max)'.padStart(22)}${'--trace µs (min-max)'.padStart(24)}${'median ratio'.padStart(14)}`);
  for (const [label, e] of results) {
    console.log(`${label.padEnd(26)}${spread(e.off).padStart(22)}${spread(e.on).padStart(24)}${`${(median(e.on) / median(e.off)).toFixed(2)}x`.padStart(14)}`);
  }
  console.log(`trace file of one traced run: ${(traceBytes / 1e6).toFixed(1)} MB for ${2 * iters * (2 * 2 + 3)} calls per rank`);
}
