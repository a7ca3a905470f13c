/**
 * Micro-benchmark of the object codec against v8.serialize + v8.deserialize.
 *
 * Run: node --import tsx bench/micro/codec.ts
 * Prints ns per encode+decode round trip for each case, beside V8 and the ratio.
 */

import * as v8 from 'node:v8';
import { decodeObject, encodeObject } from '../../src/core/msgobject.ts';

interface Case {
  name: string;
  value: unknown;
}

const cases: Case[] = [
  { name: 'small object {a:1,b:[1,2,3]}', value: { a: 1, b: [1, 2, 3] } },
  { name: 'number 42', value: 42 },
  { name: "string 'hello'", value: 'hello' },
  { name: '1 KiB string', value: 'abcdefghijklmnop'.repeat(64) },
  { name: 'array of 1000 numbers', value: Array.from({ length: 1000 }, (_, i) => i * 1.25) },
  { name: '{data: Float64Array(131072)}', value: { data: new Float64Array(131072).map((_, i) => i) } },
  // Not in the brief's list: the common "array of records" message, where per-message shapes matter.
  { name: '1000 records {id,name,ok,x}', value: Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `n${i % 50}`, ok: true, x: i / 2 })) },
];

let sink: unknown;

/** Time `fn` for at least ~200 ms after warm-up; returns ns per call. */
function measure(fn: () => unknown): number {
  let iters = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) sink = fn();
    const dt = Number(process.hrtime.bigint() - t0);
    if (dt > 50e6) break;
    iters *= 2;
  }
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) sink = fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / iters);
  }
  return best;
}

function fmt(ns: number): string {
  return ns >= 10_000 ? `${(ns / 1000).toFixed(1)} us` : `${ns.toFixed(0)} ns`;
}

const rows: string[][] = [['case', 'mpi4ts', 'v8', 'v8/mpi4ts']];
for (const c of cases) {
  const ours = measure(() => decodeObject(encodeObject(c.value)));
  const theirs = measure(() => v8.deserialize(v8.serialize(c.value)));
  rows.push([c.name, fmt(ours), fmt(theirs), `${(theirs / ours).toFixed(1)}x`]);
}

// The big typed array in detail: encode alone vs a bare memcpy of the same bytes, and owned decode (zero copy).
const big = (cases[5] as Case).value as { data: Float64Array };
const dst = new Float64Array(big.data.length);
const memcpy = measure(() => dst.set(big.data));
const encodeOnly = measure(() => encodeObject(big));
const kept = encodeObject(big).slice();
const decodeCopy = measure(() => decodeObject(kept));
const decodeOwned = measure(() => decodeObject(kept, true));

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
console.log();
console.log(`Float64Array(131072) = 1 MiB: memcpy ${fmt(memcpy)}, encode ${fmt(encodeOnly)}, decode (copy) ${fmt(decodeCopy)}, decode (owned, zero-copy) ${fmt(decodeOwned)}`);
if (sink === Symbol.for('never')) console.log(sink);
