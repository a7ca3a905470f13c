/**
 * The single-copy reductions and Allgather of src/coll/shm.ts (blocking
 * Allreduce, Reduce, Reduce_scatter(_block) and Allgather larger than a
 * ring slot): every operation and element kind around the threshold,
 * MAXLOC/MINLOC, user operations in rank order, IN_PLACE, counts that do
 * not split evenly or are below the number of ranks, aliasing buffers,
 * failures on one rank. At 2, 3, 4 and 8 ranks (8: more ranks than cores),
 * and without single copies (the chunked path through the segment).
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/bigreduce.ts --only <check>
 */
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';

const checks: CheckSpec[] = [
  ...['DOUBLE', 'FLOAT', 'INT', 'SIGNED_CHAR', 'UNSIGNED_SHORT', 'INT64_T', 'C_BOOL'].map((k) => ({ name: `Allreduce-every-op-around-the-threshold-${k}` })),
  { name: 'Allreduce-and-Reduce-large-uneven-SUM' },
  { name: 'Reduce-every-op-INT-every-root' },
  { name: 'MAXLOC-MINLOC-pairs-large' },
  { name: 'user-operations-commutative-and-not-in-rank-order' },
  { name: 'counts-below-the-number-of-ranks-contiguous-type' },
  { name: 'Reduce_scatter-and-block-large' },
  { name: 'Allgather-large-and-IN_PLACE' },
  {
    name: 'buffers-that-partly-alias',
    embeddedOnly: 'send and receive buffers that overlap are erroneous in MPI: what a library leaves in them is undefined',
  },
  {
    name: 'lengths-that-differ-fail-on-every-rank-and-the-next-call-works',
    embeddedOnly: 'MPI_Allreduce with different counts on different ranks is erroneous, and MPI libraries do not detect it',
  },
  {
    name: 'a-user-operation-that-throws-on-one-rank',
    embeddedOnly: 'which ranks call a user operation, and so which one raises, depends on the library\'s algorithm',
  },
];

fixtureSuite('bigreduce.ts', [2, 3, 4, 8], checks, { timeoutMs: 120_000 });
// The chunked Allreduce takes as many steps as its own buffer needs: lengths that differ between ranks are not detected there.
const chunked = checks.filter((c) => !c.name.startsWith('lengths-that-differ'));
fixtureSuite('bigreduce.ts', [3], chunked,
  { timeoutMs: 120_000, env: { MPI4TS_SINGLE_COPY: '0' }, label: 'MPI4TS_SINGLE_COPY=0', only: chunked.map((c) => c.name) });
