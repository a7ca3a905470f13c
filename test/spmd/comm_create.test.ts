/**
 * Communicator constructors and groups: the fixture test/fixtures/cco/comm.ts
 * runs at 1, 2, 3, 4 and 5 ranks and prints one `OK` line per check and
 * rank; each check is one test here. Dup (separate context: messages and
 * collectives never mix with the original), Split (key order, UNDEFINED),
 * Split_type(COMM_TYPE_SHARED), Create (one group, disjoint groups),
 * Create_group (collective over members only), Free, Compare, names, and the
 * Group operations, with memberships computed from rank and size; user
 * subclasses keep their class through Dup, Clone and Idup (mpi4py's type(self)).
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/comm.ts --only <check>
 */
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';

const checks: CheckSpec[] = [
  { name: 'Dup-same-group-new-context' },
  { name: 'Dup-messages-never-match-receives-on-the-original' },
  { name: 'Dup-collectives-do-not-mix-with-the-original' },
  { name: 'Split-by-parity-ordered-by-key' },
  { name: 'Split-UNDEFINED-gives-COMM_NULL' },
  { name: 'Split_type-COMM_TYPE_SHARED' },
  { name: 'Split-of-a-Split' },
  { name: 'Create-from-a-group' },
  { name: 'COMM_SELF-constructors' },
  { name: 'Create_group-collective-over-members-only' },
  { name: 'Free-then-use-raises-ERR_COMM' },
  { name: 'many-Dup-Free-cycles' },
  { name: 'Compare-IDENT-CONGRUENT-SIMILAR-UNEQUAL' },
  { name: 'Get_name-Set_name' },
  { name: 'Get_group-and-group-operations' },
  { name: 'groups-of-derived-communicators' },
  { name: 'subclasses-keep-their-class' },
];

fixtureSuite('comm.ts', [1, 2, 3, 4, 5], checks, { timeoutMs: 30_000 });
