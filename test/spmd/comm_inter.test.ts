/**
 * Intercommunicators: the fixture test/fixtures/cco/inter.ts splits
 * COMM_WORLD by parity and joins the halves with Create_intercomm (leaders
 * world ranks 0 and 1), then checks sizes and remote groups, point-to-point
 * across, bcast/Bcast with MPI.ROOT and MPI.PROC_NULL ("an intercommunicator
 * bcast with ROOT reaches the remote group"), Reduce in the spawn pattern
 * (`Reduce(null, [PI, MPI.DOUBLE], MPI.SUM, MPI.ROOT)` against
 * `Reduce([pi, MPI.DOUBLE], null, MPI.SUM, 0)`), gather/scatter/allgather/
 * allreduce across (objects and buffers), Alltoall, barrier, and Merge(high) ordering, at 2 to 5 ranks
 * (groups of 1|1, 2|1, 2|2, 3|2); at 1 rank only the argument checks run.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/inter.ts --only <check>
 * (checks create the intercommunicator on first use, so --only works for any of them)
 */
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';

const checks: CheckSpec[] = [
  { name: 'argument-checks' },
  { name: 'Create_intercomm-from-a-Split', min: 2 },
  { name: 'point-to-point-across', min: 2 },
  { name: 'bcast-with-ROOT-reaches-the-remote-group', min: 2 },
  { name: 'Bcast-buffers-with-ROOT-and-PROC_NULL', min: 2 },
  { name: 'Bcast-derived-type-across-keeps-gaps', min: 2 },
  { name: 'Reduce-derived-type-at-ROOT-keeps-gaps', min: 2 },
  { name: 'Reduce-with-ROOT-spawn-pattern', min: 2 },
  { name: 'reduce-objects-with-ROOT', min: 2 },
  { name: 'gather-and-scatter-across', min: 2 },
  { name: 'allgather-and-allreduce-across', min: 2 },
  { name: 'buffer-collectives-and-alltoall-across', min: 2 },
  { name: 'barrier-across-waits-for-the-other-group', min: 2 },
  { name: 'Merge-high-ordering', min: 2 },
  { name: 'local-leader-other-than-rank-0', min: 2 },
  { name: 'local-communicator-unaffected-and-Free', min: 2 },
];

fixtureSuite('inter.ts', [1, 2, 3, 4, 5], checks, { timeoutMs: 30_000 });
