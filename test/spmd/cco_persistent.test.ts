/**
 * Persistent collectives (MPI-4: Bcast_init ... Neighbor_alltoallv_init,
 * then Start/Wait any number of rounds) through the fixture
 * test/fixtures/cco/persistent.ts at 1 to 4 ranks.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/persistent.ts --only <check>
 */
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';

const checks: CheckSpec[] = [
  { name: 'rounds-read-buffers-at-Start' },
  { name: 'started-in-different-orders' },
  { name: 'rooted-v-and-in-place' },
  { name: 'scans-and-reduce-scatters' },
  { name: 'non-contiguous-datatype' },
  { name: 'errors' },
  { name: 'intercommunicator', min: 2 },
  { name: 'intercommunicator-rooted-and-all-to-all', min: 2 },
  { name: 'intercommunicator-v-forms', min: 2 },
  { name: 'neighbor-ring' },
];

fixtureSuite('persistent.ts', [1, 2, 3, 4], checks, { timeoutMs: 30_000 });
