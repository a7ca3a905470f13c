/**
 * mpi4py's demo/nxtval shared counters, ported: examples/nxtval-onesided.ts
 * (MPI-2 locks, one slot per rank, indexed Get), nxtval-mpi3.ts
 * (Get_accumulate on one int, and a spin mutex on it) and
 * nxtval-scalable.ts (a tree of partial counts, indexed-block types; at one
 * rank its types have 0 blocks). Each checks that the values all ranks drew
 * are 0 .. 5*size-1, each once, and exits non-zero otherwise; here the
 * lines rank 0 prints are checked. The threads and dynproc variants need a
 * server thread / spawned server beside MPI_THREAD_MULTIPLE and are not ported.
 *
 * Run after `npm run build`: node --import tsx --test test/spmd/examples_nxtval.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines, onNative } from '../helpers/spmd.ts';

/** Natively, windows over more than one process raise ERR_UNSUPPORTED_OPERATION (docs/mpi4py-differences.md). */
const NATIVE = 'windows over more than one process (not bound to the library yet)';

const examples: [string, boolean][] = [['onesided', false], ['mpi3', true], ['scalable', true]];

for (const [name, mutex] of examples) {
  for (const np of [1, 3, 5]) {
    test(`examples/nxtval-${name}.ts at -n ${np}: the ranks draw 0 .. ${5 * np - 1}, each once`, { skip: onNative && np > 1 ? `embedded runtime only: ${NATIVE}` : false }, async () => {
      const r = await mpirun(np, `examples/nxtval-${name}.ts`, { timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      const want = [`counter: ${np} ranks drew ${5 * np} values, 0 .. ${5 * np - 1} each once`];
      if (mutex) want.push(`mutex: ${np} ranks locked and unlocked`);
      assert.deepEqual(lines(r.stdout), want);
    });
  }
}
