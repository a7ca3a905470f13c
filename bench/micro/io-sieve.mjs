/**
 * Data sieving's break-even (api/file.ts SIEVE_RUN): reading n runs of
 * `run` bytes with `run`-byte gaps between them from the page cache, one
 * positioned read per run against one read of the span copied out. 4 MiB
 * span, median-ish (3rd of 9) time. Results: bench/results/io-sieve.md.
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
fs.rmSync(dir, { recursive: true, force: true });
