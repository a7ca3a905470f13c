/**
 * A token passed around a ring of N worker threads through shared memory,
 * without mpi4ts: how long one hand-off takes when the waiting threads park
 * on a futex (MODE=futex), poll and sched_yield (MODE=yield, native/sched),
 * or poll and yield for Y microseconds and then park (MODE=hybrid Y=50).
 * This is how oversubscribed ranks wait (src/transport/threads/engine.ts).
 *
 *   for m in futex yield; do for n in 2 4 8 16; do N=$n MODE=$m node bench/micro/yield-ring.mjs; done; done
 *   for y in 10 50 200 2000; do N=16 MODE=hybrid Y=$y node bench/micro/yield-ring.mjs; done
 */
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const N = +process.env.N || 4, HOPS = +process.env.HOPS || 20000, MODE = process.env.MODE || 'yield', Y = +(process.env.Y ?? 50);
if (isMainThread) {
  const sab = new SharedArrayBuffer(64 * (N + 1));
  const ws = [];
  for (let r = 0; r < N; r++) ws.push(new Worker(new URL(import.meta.url), { workerData: { sab, r } }));
  const res = await Promise.all(ws.map((w) => new Promise((ok) => w.on('message', ok))));
  console.log(MODE, MODE === 'hybrid' ? `Y ${Y}` : '', 'N', N, 'us/hop', res[0].toFixed(2));
} else {
  const { sab, r } = workerData;
  const a = new Int32Array(sab);
  const me = r * 16, next = ((r + 1) % N) * 16;
  const y = require('../../native/sched/build/Release/sched.node').yield;
  let tok = 0;
  const laps = HOPS / N;
  const t0 = performance.now();
  for (let k = 0; k < laps; k++) {
    if (!(r === 0 && k === 0)) {
      // wait for my flag to become > tok
      let spins = 0;
      while (Atomics.load(a, me) <= tok) {
        if (MODE === 'yield') { y(); }
        else if (MODE === 'futex') { Atomics.wait(a, me, tok); }
        else if (MODE === 'hybrid') {
          // Poll and yield for Y us, then park (word me + 1 says so: the sender notifies only then).
          const t1 = performance.now();
          while (Atomics.load(a, me) <= tok && performance.now() - t1 < Y / 1000) y();
          Atomics.store(a, me + 1, 1);
          Atomics.wait(a, me, tok);
          Atomics.store(a, me + 1, 0);
        }
        else { if (++spins > 100) { y(); spins = 0; } }
      }
      tok = Atomics.load(a, me);
    }
    Atomics.store(a, next, Atomics.load(a, next) + 1);
    if (MODE === 'futex' || (MODE === 'hybrid' && Atomics.load(a, next + 1) !== 0)) Atomics.notify(a, next);
    if (r === 0 && k === 0) tok = 0;
  }
  const t = performance.now() - t0;
  parentPort.postMessage(t * 1000 / HOPS);
}
