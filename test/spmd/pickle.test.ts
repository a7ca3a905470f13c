/**
 * MPI.pickle (custom dumps/loads for object messages) and MPI.buffer across
 * ranks, issue 14: the fixture test/fixtures/p2p/pickle.ts runs at 1 to 4
 * ranks (and on the native transport with MPI4TS_TRANSPORT=native).
 *
 * Repro of one check: node bin/mpi4ts.js -n 2 test/fixtures/p2p/pickle.ts --only <check>
 */
import { fixtureSuite, type CheckSpec } from '../fixtures/p2p/_harness.ts';

const checks: CheckSpec[] = [
  { name: 'json-send-recv-ring' },
  { name: 'json-sendrecv-and-ssend' },
  { name: 'json-collectives' },
  { name: 'custom-codec-spares-internal-messages' },
  { name: 'default-codec-again' },
  { name: 'pickle-bytes-as-buffer-message' },
  { name: 'readonly-buffer-refused-as-receive-buffer' },
  { name: 'alloc-mem-buffer-travels' },
  { name: 'free-mem-while-receive-pending', min: 2 },
];

fixtureSuite('pickle.ts', [1, 2, 3, 4], checks, { timeoutMs: 60_000 });
