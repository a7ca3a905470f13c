/**
 * Break-evens of api/file.ts (SIEVE_RUN, TWO_PHASE_READ_RUN,
 * TWO_PHASE_WRITE_RUN), one thread, in the page cache: reading n runs of
 * `run` bytes with `run`-byte gaps between them, one positioned read per
 * run against one read of the span copied out (data sieving; what an
 * aggregator's read costs); writing them, one positioned write per run
 * against a copy into one buffer written at once (what two-phase costs).
 * 4 MiB span (8 MiB for writes), 3rd best of 9. Results:
 * bench/results/io-sieve.md.
 *
 *   node bench/micro/io-sieve.mjs
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-sieve-'));
const name = path.join(dir, 'data.bin');
const SPAN = 4 << 20;
fs.writeFileSync(name, new Uint8Array(SPAN));
const fd = fs.openSync(name, 'r');
const scratch = new Uint8Array(SPAN);
const time = (f) => {
  const ts = [];
  for (let r = 0; r < 9; r++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[2].toFixed(2);
};
console.log('run (B)  preads (ms)  sieve (ms)');
for (const run of [128, 512, 1024, 2048, 4096, 8192, 16384]) {
  const stride = 2 * run;
  const n = Math.floor(SPAN / stride);
  const data = new Uint8Array(n * run);
  const a = time(() => { for (let i = 0; i < n; i++) fs.readSync(fd, data, i * run, run, i * stride); });
  const b = time(() => {
    fs.readSync(fd, scratch, 0, n * stride, 0);
    for (let i = 0; i < n; i++) data.set(scratch.subarray(i * stride, i * stride + run), i * run);
  });
  console.log(`${String(run).padStart(7)}  ${a.padStart(11)}  ${b.padStart(10)}`);
}
fs.closeSync(fd);
const wfd = fs.openSync(name, 'r+');
fs.writeSync(wfd, new Uint8Array(2 * SPAN), 0, 2 * SPAN, 0);
const big = new Uint8Array(2 * SPAN);
console.log('run (B)  pwrites (ms)  copy + 1 write (ms)');
for (const run of [512, 4096, 5792, 8192, 16384, 65536]) {
  const stride = 2 * run;
  const n = Math.floor((2 * SPAN) / stride);
  const data = new Uint8Array(n * run);
  const a = time(() => { for (let i = 0; i < n; i++) fs.writeSync(wfd, data, i * run, run, i * stride); });
  const b = time(() => {
    for (let i = 0; i < n; i++) big.set(data.subarray(i * run, i * run + run), i * stride);
    fs.writeSync(wfd, big, 0, n * stride, 0);
  });
  console.log(`${String(run).padStart(7)}  ${a.padStart(12)}  ${b.padStart(19)}`);
}
fs.closeSync(wfd);
fs.rmSync(dir, { recursive: true, force: true });
