/**
 * The embedded runtime's native loops against V8's, in one thread: a copy of
 * n bytes into shared memory (core/bytes.ts copyBytes: 8-byte views and
 * TypedArray.set, against the addon's memmove) and SUM of n doubles in place
 * (core/reduce.ts: the unrolled JavaScript kernel, against the addon's
 * vectorised loop). Best of 5 rounds; ns per call.
 *
 *   node bench/micro/native-kernels.mjs
 *
 * The crossovers set NATIVE_COPY_MIN (256 bytes) and NATIVE_COMBINE_MIN
 * (128 elements).
 */
import { createRequire } from 'node:module';

const addon = createRequire(import.meta.url)('../../native/sched/build/Release/sched.node');
if (typeof addon.combine !== 'function') throw new Error('native/sched is built without combine: run npm install (or node scripts/build-native.mjs)');

function best(reps, f) {
  for (let w = 0; w < reps; w++) f();
  let t = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let w = 0; w < reps; w++) f();
    t = Math.min(t, ((performance.now() - t0) / reps) * 1e6);
  }
  return t;
}

console.log('copy into shared memory, ns: bytes, views+set, native');
for (const n of [64, 256, 1024, 4096, 16384, 65536, 1 << 20]) {
  const src = new Uint8Array(n).fill(1), dst = new Uint8Array(new SharedArrayBuffer(n));
  const reps = Math.max(200, (1e8 / n) | 0);
  const js = best(reps, () => new Float64Array(dst.buffer, 0, n >> 3).set(new Float64Array(src.buffer, 0, n >> 3)));
  const nat = best(reps, () => addon.copyBytes(dst, 0, src, 0, n));
  console.log(`${n}\t${js.toFixed(0)}\t${nat.toFixed(0)}`);
}

console.log('SUM of doubles in place, ns: elements, JavaScript, native');
const step = (k) => `{ const x = a[i + ${k}], y = b[i + ${k}]; d[i + ${k}] = x + y; }`;
const kernel = new Function('d', 'a', 'b', 'n', `let i = 0;
for (; i + 8 <= n; i += 8) { ${[0, 1, 2, 3, 4, 5, 6, 7].map(step).join(' ')} }
for (; i < n; i++) ${step(0)}`);
for (const n of [8, 64, 128, 256, 1024, 131072]) {
  const d = new Float64Array(new SharedArrayBuffer(n * 8)).fill(1), b = new Float64Array(n).fill(2);
  const reps = Math.max(200, (2e7 / n) | 0);
  const js = best(reps, () => kernel(d, d, b, n));
  const nat = best(reps, () => addon.combine(0, 9, d, d, b, n));
  console.log(`${n}\t${js.toFixed(0)}\t${nat.toFixed(0)}`);
}
