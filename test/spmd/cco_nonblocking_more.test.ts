/**
 * Non-blocking v-collectives, scans and reduce-scatters on an
 * intracommunicator (Igatherv, Iscatterv, Iallgatherv, Ialltoallv, Iscan,
 * Iexscan, Ireduce_scatter_block, Ireduce_scatter), through the fixture
 * test/fixtures/cco/nonblocking_more.ts at 1 to 5 ranks.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/nonblocking_more.ts --only <check>
 */
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';

const checks: CheckSpec[] = [
  { name: 'Igatherv-Iscatterv-Iallgatherv' },
  { name: 'Ialltoallv' },
  { name: 'Iscan-Iexscan' },
  { name: 'Ireduce_scatter_block-and-Ireduce_scatter' },
  { name: 'all-in-flight-together' },
];

fixtureSuite('nonblocking_more.ts', [1, 2, 3, 4, 5], checks, { timeoutMs: 30_000 });
