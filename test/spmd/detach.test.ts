/**
 * Buffers changed under a pending operation (issue #13): Isend, Issend,
 * Irecv under a rendezvous Send, Ibcast (root and reader), Igather and
 * Igatherv (sender and root) with the buffer detached by postMessage or
 * structuredClone, ArrayBuffer.prototype.transfer, or resize(0), with and
 * without a forced collection. Each check passes when the job goes on, the
 * data arrives whole or the misusing rank gets ERR_BUFFER, and no rank sees
 * bytes of other memory (test/fixtures/p2p/detach.ts says how).
 *
 * Embedded runtime at 2 and 4 ranks, with single copy (native/sched) and
 * without (MPI4TS_SINGLE_COPY=0: two copies through shared memory); on the
 * native transport (MPI4TS_TRANSPORT=native MPI4TS_MPI=openmpi|mpich, as
 * .ci/run runs this suite) at 2 ranks.
 *
 * Repro: node bin/mpi4ts.js -n 2 test/fixtures/p2p/detach.ts --only ibcast-root-postMessage-gc
 */
import { test } from 'node:test';
import { fixtureSuite, type CheckSpec } from '../fixtures/p2p/_harness.ts';
import { onNative } from '../helpers/spmd.ts';

const MODES = ['postMessage', 'structuredClone', 'transfer', 'resize'];
const HAS_TRANSFER = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';

const checks: CheckSpec[] = [];
const skipped: string[] = [];
for (const mode of MODES) {
  for (const gc of [false, true]) {
    const sfx = `${mode}${gc ? '-gc' : ''}`;
    const names = ['isend', 'issend', 'send-recv', 'ibcast-root', 'ibcast-reader',
      'igather-send', 'igather-recv', 'igatherv-send', 'igatherv-recv'].map((c) => `${c}-${sfx}`);
    if (mode === 'transfer' && !HAS_TRANSFER) skipped.push(...names);
    else checks.push(...names.map((name) => ({ name, min: 2 })));
  }
}
checks.push({ name: 'send-detached-before', min: 2 });

for (const name of skipped) {
  test(`detach.ts: ${name}`, { skip: `ArrayBuffer.prototype.transfer needs Node 21 or newer (this is ${process.version})` }, () => {});
}

fixtureSuite('detach.ts', onNative ? [2] : [2, 4], checks, { timeoutMs: 180_000 });
if (!onNative) {
  fixtureSuite('detach.ts', [2], checks, { timeoutMs: 180_000, env: { MPI4TS_SINGLE_COPY: '0' }, label: 'MPI4TS_SINGLE_COPY=0' });
}
