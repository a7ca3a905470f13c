/**
 * `--check` (issue #13): every collective call first compares, across the
 * communicator, the collective, root, op and type signatures of the ranks'
 * calls; the first mismatch is reported with each rank's arguments and call
 * site, and the job ends with exit status 87. A correct program runs as
 * without it.
 *
 * Repro: node bin/mpi4ts.js -n 2 --check test/fixtures/check/mismatch.ts --case Bcast-counts
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines, onNative, type RunResult } from '../helpers/spmd.ts';
import { builtLibraries, nativeAvailability } from '../../src/transport/native/addon.ts';

const MISMATCH = 'test/fixtures/check/mismatch.ts';
const CORRECT = 'test/fixtures/check/correct.ts';
const EXIT_MISMATCH = 87;
const SITE = /^ {2}rank \d+( of group [AB])?: \S+\(.*\) at \/\S+\/test\/fixtures\/check\/mismatch\.ts:\d+:\d+$/;

function why(r: RunResult): string {
  return `\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** Run a mismatch case under --check; the report's lines (stderr, from the `mpi4ts:` line on). */
async function mismatch(np: number, name: string, launcherArgs: string[] = []): Promise<string[]> {
  const r = await mpirun(np, MISMATCH, { launcherArgs: ['--check', ...launcherArgs], args: ['--case', name], timeoutMs: 60_000 });
  assert.equal(r.signal, null, `the launcher hung and was killed${why(r)}`);
  assert.equal(r.code, EXIT_MISMATCH, `exit status${why(r)}`);
  assert.doesNotMatch(r.stdout, /PASSED/, `a rank got through the call${why(r)}`);
  const all = lines(r.stderr);
  const first = all.findIndex((l) => l.includes('collective mismatch (--check): '));
  assert.ok(first >= 0, `no report${why(r)}`);
  const end = all.indexOf(`aborting the job (exit status ${EXIT_MISMATCH})`, first);
  assert.ok(end > first, `report not ended${why(r)}`);
  return all.slice(first, end + 1);
}

/** The report names every rank (its call and call site) and says what does not match. */
function assertReport(report: string[], np: number, header: RegExp, line: string): void {
  assert.match(report[0]!, header, report.join('\n'));
  const calls = report.slice(1, -2);
  assert.equal(calls.length, np, report.join('\n'));
  for (const l of calls) assert.match(l, SITE, report.join('\n'));
  assert.equal(report.at(-2), `  collective mismatch: ${line}`, report.join('\n'));
}

const WORLD = /^(mpi4ts: (MPI_Abort with error code 87: )?)?collective mismatch \(--check\): the ranks of COMM_WORLD made different calls at collective call #1 on it$/;
const ranksOf = (np: number, f: (r: number) => string): string => Array.from({ length: np }, (_, r) => `rank ${r} ${f(r)}`).join(', ');

for (const np of [2, 5]) {
  describe(`--check at ${np} ranks`, () => {
    test('different collectives, objects: bcast against reduce', async () => {
      const rep = await mismatch(np, 'bcast-vs-reduce');
      assertReport(rep, np, WORLD, `different collectives at the same call: ${ranksOf(np, (r) => (r === 0 ? 'in bcast' : 'in reduce'))}`);
      assert.match(rep[1]!, /^ {2}rank 0: bcast\(root 0\) at /);
      assert.match(rep[2]!, /^ {2}rank 1: reduce\(op MPI\.SUM, root 0\) at /);
      // The call sites differ: each rank's own line.
      assert.notEqual(rep[1]!.replace(/.* at /, ''), rep[2]!.replace(/.* at /, ''));
    });

    test('different collectives, buffers: Barrier against Bcast', async () => {
      const rep = await mismatch(np, 'Barrier-vs-Bcast');
      assertReport(rep, np, WORLD, `different collectives at the same call: ${ranksOf(np, (r) => (r === 0 ? 'in Barrier' : 'in Bcast'))}`);
      assert.match(rep[2]!, /^ {2}rank 1: Bcast\(buf: 4 INT, root 0\) at /);
    });

    test('different roots', async () => {
      const rep = await mismatch(np, 'bcast-roots');
      assertReport(rep, np, WORLD, `bcast called with different roots: ${ranksOf(np, (r) => `root ${r === 0 ? 0 : 1}`)}`);
    });

    test('different ops: SUM against MAX', async () => {
      const rep = await mismatch(np, 'reduce-ops');
      assertReport(rep, np, WORLD, `reduce called with different ops: ${ranksOf(np, (r) => (r === 0 ? 'MPI.SUM' : 'MPI.MAX'))}`);
    });

    test('different ops: a predefined op against a user-defined one', async () => {
      const rep = await mismatch(np, 'allreduce-user-op');
      const user = rep.at(-2)!.match(/rank 1 (MPI\.Op\(anonymous, commute=true\) \[source [0-9a-f]{8}\])/)?.[1];
      assert.ok(user, rep.join('\n'));
      assertReport(rep, np, WORLD, `allreduce called with different ops: ${ranksOf(np, (r) => (r === 0 ? 'MPI.SUM' : user))}`);
    });

    test('different ops: two created ops whose functions differ', async () => {
      const rep = await mismatch(np, 'user-ops-differ');
      assert.match(rep.at(-2)!, /^ {2}collective mismatch: allreduce called with different ops: rank 0 MPI\.Op\(anonymous, commute=true\) \[source ([0-9a-f]{8})\], rank 1 MPI\.Op\(anonymous, commute=true\) \[source (?!\1)[0-9a-f]{8}\]/);
    });

    test('different counts: Bcast of 4 INT at the root, 8 INT elsewhere', async () => {
      const rep = await mismatch(np, 'Bcast-counts');
      assertReport(rep, np, WORLD, `Bcast called with different type signatures: ${ranksOf(np, (r) => (r === 0 ? '4 INT' : '8 INT'))}`);
      assert.match(rep[1]!, /^ {2}rank 0: Bcast\(buf: 4 INT, root 0\) at /);
    });

    test('different type signatures: a struct of 2 INT and a DOUBLE against 4 INT', async () => {
      const rep = await mismatch(np, 'Bcast-struct-vs-INT');
      assertReport(rep, np, WORLD, `Bcast called with different type signatures: ${ranksOf(np, (r) => (r === 0 ? '1 struct(INT,DOUBLE) (2 INT, 1 DOUBLE)' : '4 INT'))}`);
    });

    test('Gather: the root expects 4 INT from each rank, the others send 3', async () => {
      const rep = await mismatch(np, 'Gather-recvcount');
      assertReport(rep, np, WORLD, 'Gather called with type signatures that do not match: rank 1 sends 3 INT to rank 0, rank 0 receives 4 INT from rank 1');
      assert.match(rep[1]!, new RegExp(`^ {2}rank 0: Gather\\(sendbuf: 4 INT, recvbuf: ${np} blocks of 4 INT, root 0\\) at `));
    });

    test('reductions: Allreduce of INT against DOUBLE', async () => {
      const rep = await mismatch(np, 'Allreduce-types');
      assertReport(rep, np, WORLD, `Allreduce called with different counts or datatypes: ${ranksOf(np, (r) => (r === 0 ? '2 INT' : '2 DOUBLE'))}`);
    });

    test('non-blocking: Ibcast of DOUBLE against FLOAT, checked before data moves', async () => {
      const rep = await mismatch(np, 'Ibcast-types');
      assertReport(rep, np, WORLD, `Ibcast called with different type signatures: ${ranksOf(np, (r) => (r === 0 ? '2 DOUBLE' : '2 FLOAT'))}`);
    });

    test('persistent: Bcast_init of DOUBLE against FLOAT, checked before its first round moves data', async () => {
      const rep = await mismatch(np, 'Bcast_init-types');
      assertReport(rep, np, WORLD, `Bcast_init called with different type signatures: ${ranksOf(np, (r) => (r === 0 ? '2 DOUBLE' : '2 FLOAT'))}`);
    });

    test('v-forms per pair: Alltoallv where rank 1 expects 2 INT from rank 0', async () => {
      const rep = await mismatch(np, 'Alltoallv-counts');
      assertReport(rep, np, WORLD, 'Alltoallv called with type signatures that do not match: rank 0 sends 1 INT to rank 1, rank 1 receives 2 INT from rank 0');
    });

    test('w-forms per pair: Alltoallw where rank 1 expects 1 DOUBLE from rank 0, which sends 2 INT', async () => {
      const rep = await mismatch(np, 'Alltoallw-types');
      assertReport(rep, np, WORLD, 'Alltoallw called with type signatures that do not match: rank 0 sends 2 INT to rank 1, rank 1 receives 1 DOUBLE from rank 0');
    });

    test('the call number counts the good calls before', async () => {
      const rep = await mismatch(np, 'after-good-calls');
      assertReport(rep, np, /collective call #4 on it$/, 'Scatter called with type signatures that do not match: rank 0 sends 2 INT to rank 1, rank 1 receives 1 INT from rank 0');
    });

    test('intercommunicator: Bcast of 2 INT from group A against 3 INT in group B', async () => {
      const rep = await mismatch(np, 'inter-Bcast-counts');
      const a = Math.ceil(np / 2);
      const b = np - a;
      const others = Array.from({ length: b }, (_, r) => `rank ${r} of group B 3 INT`).join(', ');
      assertReport(rep, np, /the ranks of an intercommunicator made different calls at collective call #1 on it$/,
        `Bcast called with different type signatures: rank 0 of group A 2 INT, ${others}`);
      assert.match(rep[1]!, /^ {2}rank 0 of group A: Bcast\(buf: 2 INT, root ROOT\) at /);
      if (a > 1) assert.match(rep[2]!, /^ {2}rank 1 of group A: Bcast\(root PROC_NULL\) at /);
    });

    test('intercommunicator: no rank passes ROOT', async () => {
      const rep = await mismatch(np, 'inter-roots');
      const a = Math.ceil(np / 2);
      const roots = [...Array.from({ length: a }, (_, r) => `rank ${r} of group A PROC_NULL`), ...Array.from({ length: np - a }, (_, r) => `rank ${r} of group B root 0`)];
      const shown = roots.length <= 8 ? roots.join(', ') : `${roots.slice(0, 8).join(', ')}, ... (${roots.length - 8} more)`;
      assertReport(rep, np, /intercommunicator/, `bcast called with inconsistent roots: ${shown}`);
    });

    test('neighbourhood: Neighbor_alltoall with 2 INT per neighbour from rank 0, 1 expected', async () => {
      const rep = await mismatch(np, 'Neighbor_alltoall-counts');
      assertReport(rep, np, /the ranks of a communicator of \d ranks made different calls at collective call #1 on it$/,
        'Neighbor_alltoall called with type signatures that do not match: rank 0 sends 2 INT to rank 1, rank 1 receives 1 INT from rank 0');
    });

    test('a correct program calling every kind of collective passes, with the right results', async () => {
      const r = await mpirun(np, CORRECT, { launcherArgs: ['--check'], timeoutMs: 60_000 });
      assert.equal(r.code, 0, why(r));
      const done = lines(r.stdout).filter((l) => l.startsWith('DONE ')).sort();
      assert.deepEqual(done, Array.from({ length: np }, (_, i) => `DONE ${i} 27`), why(r));
    });
  });
}

test('a rank in no collective: the check waits as the collective would, and the deadlock detector reports it',
  { skip: onNative ? 'embedded runtime only: the deadlock detector is part of the embedded launcher' : false }, async () => {
    const r = await mpirun(3, MISMATCH, { launcherArgs: ['--check'], args: ['--case', 'Bcast-vs-recv'], timeoutMs: 60_000 });
    assert.equal(r.code, 86, why(r));
    const rep = lines(r.stderr);
    assert.ok(rep.includes('  rank 0: blocked in Bcast (root 0) on COMM_WORLD (collective call #1), waiting for a message from rank 1'), why(r));
    assert.ok(rep.includes('  rank 1: blocked in recv from source 0, tag 3 on COMM_WORLD'), why(r));
  });

// The collective suites under MPI4TS_CHECK=1 (what the launcher sets for --check): every check passes.
/**
 * Fixture, ranks, checks left out: topo.ts's inconsistent distributed graph
 * (an edge only one end knows) is an erroneous program that --check reports
 * as a mismatch before the collective can raise ERR_TOPOLOGY, as it should.
 */
const SUITES: [string, number, string[]][] = [
  ['cco/buf.ts', 3, []], ['cco/obj.ts', 4, []], ['cco/inter.ts', 3, []], ['cco/persistent.ts', 3, []],
  ['topo/topo.ts', 4, ['dist-graph-inconsistent-edges-fail-everywhere']],
];
describe('the collective suites pass under --check', { skip: onNative ? 'run on the embedded runtime (the native share is below)' : false }, () => {
  for (const [fixture, np, skip] of SUITES) {
    test(`${fixture} at ${np} ranks`, async () => {
      const args = skip.length ? ['--skip', skip.join(',')] : [];
      const r = await mpirun(np, `test/fixtures/${fixture}`, { args, env: { MPI4TS_CHECK: '1' }, timeoutMs: 120_000 });
      assert.equal(r.code, 0, why(r));
      const out = lines(r.stdout);
      assert.deepEqual(out.filter((l) => l.startsWith('FAIL')), [], why(r));
      assert.ok(out.filter((l) => l.startsWith('OK ')).length >= 10 * np, why(r));
    });
  }
});

// On the native transport (mpiexec): no launcher report channel, so rank 0
// prints the report on stderr and calls MPI_Abort(87); mpiexec exits with 87.
for (const lib of ['openmpi', 'mpich'] as const) {
  const skip = builtLibraries().includes(lib) ? false : `native addon not built for ${lib}: ${nativeAvailability()[1]}`;
  describe(`--check on the native transport (${lib}), 2 ranks`, { skip }, () => {
    const native = ['--transport', 'native', '--mpi', lib];
    test('Bcast of 4 INT against 8 INT', async () => {
      const rep = await mismatch(2, 'Bcast-counts', native);
      assertReport(rep, 2, WORLD, 'Bcast called with different type signatures: rank 0 4 INT, rank 1 8 INT');
    });
    test('bcast against reduce', async () => {
      const rep = await mismatch(2, 'bcast-vs-reduce', native);
      assertReport(rep, 2, WORLD, 'different collectives at the same call: rank 0 in bcast, rank 1 in reduce');
    });
    test('a correct program passes', async () => {
      const r = await mpirun(2, CORRECT, { launcherArgs: ['--check', ...native], timeoutMs: 120_000 });
      assert.equal(r.code, 0, why(r));
      assert.deepEqual(lines(r.stdout).filter((l) => l.startsWith('DONE ')).sort(), ['DONE 0 27', 'DONE 1 27'], why(r));
    });
  });
}
