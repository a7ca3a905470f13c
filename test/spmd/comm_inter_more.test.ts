/**
 * Intercommunicators, continued: Dup, Split, the non-blocking collectives
 * and the v-collectives and Reduce_scatter(_block) across the groups, through the fixture test/fixtures/cco/inter_more.ts at
 * 2 to 5 ranks (groups of 1|1, 2|1, 2|2, 3|2); at 1 rank no check runs (the
 * fixture needs two groups) and the run must still end cleanly.
 *
 * Repro of one check: node bin/mpi4ts.js -n 5 test/fixtures/cco/inter_more.ts --only <check>
 */
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';

const checks: CheckSpec[] = [
  { name: 'Dup-same-groups-new-context', min: 2 },
  { name: 'Split-by-parity-of-local-rank-ordered-by-key', min: 2 },
  { name: 'Split-UNDEFINED-and-one-sided-colors', min: 2 },
  { name: 'Split-argument-checks', min: 2 },
  { name: 'Ibcast-Ireduce-Igather-Iscatter-with-ROOT-and-PROC_NULL', min: 2 },
  { name: 'Ibcast-derived-type-keeps-gaps', min: 2 },
  { name: 'Iallgather-Iallreduce-Ialltoall-Ibarrier-across', min: 2 },
  { name: 'Ibarrier-waits-for-the-other-group', min: 2 },
  { name: 'Gatherv-Scatterv-across-with-ROOT-and-PROC_NULL', min: 2 },
  { name: 'Allgatherv-Alltoallv-across', min: 2 },
  { name: 'Reduce_scatter-across', min: 2 },
  { name: 'Gatherv-derived-recv-type-keeps-gaps', min: 2 },
];

fixtureSuite('inter_more.ts', [1, 2, 3, 4, 5], checks, { timeoutMs: 30_000 });
