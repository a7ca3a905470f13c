/**
 * Errors of collective calls.
 *
 * 1. test/fixtures/cco/errors.ts at 1 to 5 ranks: errors every rank that
 *    makes them detects before communicating (root out of range, sequence
 *    length, mismatched blocks visible at the root, small receive buffers,
 *    bad operations, COMM_NULL). Each check then makes the correct call, so a
 *    failed call that left the ranks out of step shows as a hang or mismatch.
 *    Repro: node bin/mpi4ts.js -n 3 test/fixtures/cco/errors.ts --only <check>
 *
 * 2. test/fixtures/cco/errors_job.ts: errors only some ranks detect while the
 *    others wait in the collective. The job must end through the uncaught
 *    MPI.Exception: the launcher exits 1 naming the rank, within the timeout.
 *    Repro: node bin/mpi4ts.js -n 3 test/fixtures/cco/errors_job.ts --case <case>
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';
import { mpirun, lines } from '../helpers/spmd.ts';

/** Natively: a rank blocked in the library's blocking collective is not woken by an abandon notice (docs/mpi4py-differences.md). */
const mpichBlocks = process.env['MPI4TS_TRANSPORT'] === 'native'
  ? 'calls refused on some ranks only: natively the others wait in the library\'s blocking collective, which the notice cannot wake' : undefined;

const checks: CheckSpec[] = [
  { name: 'root-out-of-range-on-every-rank' },
  { name: 'root-not-an-integer' },
  { name: 'scatter-wrong-length-raises-on-the-root-before-communicating' },
  { name: 'alltoall-wrong-length-on-every-rank' },
  { name: 'Alltoallw-bad-specs-on-every-rank' },
  { name: 'Gather-send-and-recv-blocks-differ-at-the-root' },
  { name: 'Gatherv-a-sender-longer-than-its-block-truncates-at-the-root' },
  { name: 'Scatter-send-and-recv-blocks-differ-at-the-root' },
  { name: 'Allgather-and-Alltoall-mismatch-on-every-rank' },
  { name: 'reduction-recvbuf-too-small' },
  { name: 'v-variant-counts-and-displacements-checked-at-the-root', embeddedOnly: mpichBlocks },
  { name: 'buffer-spec-errors-on-every-rank' },
  { name: 'IN_PLACE-off-the-root', embeddedOnly: mpichBlocks },
  { name: 'bad-operations-raise-on-every-rank' },
  { name: 'operation-not-defined-for-the-datatype-on-COMM_SELF' },
  { name: 'collectives-on-COMM_NULL' },
  { name: 'truncation-inside-a-collective-keeps-the-ranks-in-step', embeddedOnly: 'MPI leaves a broadcast into a smaller buffer erroneous: the library may abort or hang' },
];

fixtureSuite('errors.ts', [1, 2, 3, 4, 5], checks, { timeoutMs: 30_000 });

// 3. test/fixtures/cco/errors_one_rank.ts: a buffer that does not fit the call
//    on one rank only. Every rank makes the call; the erring rank raises once
//    the call has moved its data, the others return, and the next collectives
//    are in step (before issue 14: exit 86 embedded, a hang natively, or
//    corrupt messages in the next call).
//    Repro: node bin/mpi4ts.js -n 3 test/fixtures/cco/errors_one_rank.ts --only <check>
const oneRank: CheckSpec[] = [
  { name: 'Gather-and-Gatherv-the-roots-own-block-does-not-fit' },
  { name: 'Scatter-and-Scatterv-the-roots-recvbuf-does-not-fit' },
  { name: 'Scatterv-a-receivers-recvbuf-too-small' },
  { name: 'Allgather-and-Allgatherv-one-ranks-sendbuf-is-longer-than-its-block', min: 2 },
  { name: 'Alltoallv-one-rank-sends-more-than-the-others-receive', min: 2 },
  { name: 'Reduce-the-roots-recvbuf-too-small-or-missing' },
  { name: 'Allreduce-and-Scan-one-ranks-recvbuf-too-small' },
  { name: 'Reduce-and-Allreduce-one-ranks-recvbuf-longer-than-sendbuf' },
  { name: 'Reduce_scatter-one-ranks-recvbuf-too-small' },
  { name: 'Neighbor_allgather-one-ranks-blocks-differ-from-its-sendbuf' },
  { name: 'intercommunicator-truncations-at-the-root', min: 2 },
  {
    name: 'intercommunicator-Bcast-one-receiver-too-small', min: 2,
    embeddedOnly: 'MPI leaves a broadcast into a smaller buffer erroneous: the library may hang (Open MPI leaves the rest of that group waiting)',
  },
];

fixtureSuite('errors_one_rank.ts', [1, 2, 3, 4], oneRank, { timeoutMs: 60_000 });

// MPICH's error classes (src/core/errorcodes.ts)
const ERR_ROOT = 7;
const ERR_OP = 9;
const ERR_ARG = 12;
const ERR_TRUNCATE = 14;

interface JobCase {
  name: string;
  nps: number[];
  /** Ranks that may be the one that fails (given the job size). */
  ranks: (np: number) => number[];
  /** Accepted error classes. */
  classes: number[];
  /** The routine the message must start with. */
  routine: string;
  /** A JavaScript error instead of an MPI.Exception (mpi4py raises a Python ValueError there). */
  jsError?: 'RangeError';
}

const last = (np: number): number[] => [np - 1];
const zero = (): number[] => [0];
const any = (np: number): number[] => Array.from({ length: np }, (_, i) => i);

const jobCases: JobCase[] = [
  { name: 'bcast-root-out-of-range-on-one-rank', nps: [1, 3], ranks: last, classes: [ERR_ROOT], routine: 'bcast' },
  { name: 'Bcast-root-out-of-range-on-one-rank', nps: [2], ranks: last, classes: [ERR_ROOT], routine: 'Bcast' },
  { name: 'scatter-wrong-length-at-the-root', nps: [3], ranks: zero, classes: [], routine: 'scatter', jsError: 'RangeError' },
  { name: 'Gather-blocks-differ-at-the-root', nps: [2], ranks: zero, classes: [ERR_TRUNCATE], routine: 'Gather' },
  { name: 'Reduce-recvbuf-too-small-at-the-root', nps: [3], ranks: last, classes: [ERR_TRUNCATE], routine: 'Reduce' },
  { name: 'Allgather-size-mismatch-on-one-rank', nps: [4], ranks: last, classes: [ERR_TRUNCATE], routine: 'Allgather' },
  { name: 'Bcast-receivers-buffer-too-small', nps: [3], ranks: (np) => any(np).slice(1), classes: [ERR_TRUNCATE], routine: 'Bcast' },
  { name: 'Allreduce-BAND-on-DOUBLE', nps: [1, 3], ranks: any, classes: [ERR_OP], routine: 'Allreduce' },
  // Intercommunicator (even world ranks | odd ones): the receiving side must see the truncation.
  { name: 'inter-Bcast-receivers-buffer-too-small', nps: [2], ranks: (np) => any(np).filter((r) => r % 2 === 1), classes: [ERR_TRUNCATE], routine: 'Bcast' },
  { name: 'inter-Reduce-root-recvbuf-too-small', nps: [2], ranks: zero, classes: [ERR_TRUNCATE], routine: 'Reduce' },
];

describe('collective errors that end the job (errors_job.ts)', () => {
  for (const c of jobCases) {
    for (const np of c.nps) {
      test(`${c.name} at ${np} rank${np > 1 ? 's' : ''}`, async () => {
        const r = await mpirun(np, 'test/fixtures/cco/errors_job.ts', { args: ['--case', c.name], timeoutMs: 20_000 });
        const where = `\n--- stdout ---\n${r.stdout}--- stderr ---\n${r.stderr.split('\n').slice(0, 12).join('\n')}`;
        assert.equal(r.signal, null, `the job hung (killed after ${Math.round(r.ms)} ms)${where}`);
        assert.equal(r.code, 1, `the launcher must exit 1 when a rank raises${where}`);
        const m = new RegExp(`rank (\\d+) failed: ${c.jsError ?? 'MPI\\.Exception'}: (\\w+): `).exec(r.stderr);
        assert.ok(m, `the launcher names the failed rank and the ${c.jsError ?? 'MPI.Exception'}${where}`);
        const failed = Number(m[1]);
        assert.ok(c.ranks(np).includes(failed), `rank ${failed} failed; expected one of ${c.ranks(np).join(', ')}${where}`);
        assert.equal(m[2], c.routine, `the exception names the call${where}`);
        if (c.jsError) return;
        const err = lines(r.stdout).map((l) => /^ERR (\d+) (-?\d+) (.*)$/.exec(l)).find((x) => x && Number(x[1]) === failed);
        assert.ok(err, `rank ${failed} printed its error class${where}`);
        assert.ok(c.classes.includes(Number(err[2])), `error class ${err[2]}, expected ${c.classes.join(' or ')}${where}`);
      });
    }
  }
});
