/**
 * Null handles, mpi4py 4's free(), Split_type by resource and fault
 * tolerance (Revoke from one rank reaching the others, intercommunicators,
 * Agree / Iagree out of order with other collectives, Shrink): the fixture
 * test/fixtures/cco/ulfm.ts at 1 to 4 ranks, one test per check.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/ulfm.ts --only <check>
 */
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';

const checks: CheckSpec[] = [
  { name: 'constructors-without-argument-give-null-handles' },
  { name: 'calls-on-null-handles-raise-their-error-class' },
  { name: 'free-leaves-constants-nullifies-copies-frees-the-rest' },
  { name: 'Split_type-RESOURCE_GUIDED-by-mpi_hw_resource_type' },
  { name: 'Revoke-by-one-rank-reaches-the-others-at-their-next-collective' },
  { name: 'Revoke-of-an-intercommunicator-reaches-both-groups', min: 2 },
  {
    name: 'Revoke-notice-seen-by-the-next-collective-once-a-later-message-arrived',
    embeddedOnly: 'messages on two communicators keep no order in an MPI library, so the notice may still be on its way',
  },
  { name: 'a-user-message-at-TAG_UB-leaves-collectives-working' },
  { name: 'Iagree-out-of-order-with-other-collectives' },
];

fixtureSuite('ulfm.ts', [1, 2, 3, 4], checks, { timeoutMs: 30_000 });
