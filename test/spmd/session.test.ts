/**
 * MPI-4 sessions and the group-based constructors: the fixture
 * test/fixtures/cco/session.ts runs at 1 to 4 ranks and prints one `OK`
 * line per check and rank; each check is one test here. Process sets
 * mpi://WORLD and mpi://SELF and their info, errors of null and finalized
 * sessions and bad arguments, Intracomm.Create_from_group (overlapping
 * groups told apart by stringtag), Intercomm.Create_from_groups (odd/even
 * halves, collectives across, Merge), and a session's buffer serving
 * Bsend on its communicators.
 *
 * Repro of one check: node bin/mpi4ts.js -n 3 test/fixtures/cco/session.ts --only <check>
 */
import { fixtureSuite, type CheckSpec } from '../fixtures/cco/_harness.ts';

const checks: CheckSpec[] = [
  { name: 'Session-psets-and-pset-info' },
  { name: 'Session-errors' },
  { name: 'Create_from_group-WORLD-SELF-and-halves' },
  { name: 'Create_from_groups-odd-even', min: 2 },
  { name: 'Session-buffer-serves-its-communicators' },
];

fixtureSuite('session.ts', [1, 2, 3, 4], checks, { timeoutMs: 30_000 });
