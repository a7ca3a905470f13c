/**
 * examples/io_subarray.ts, the seed assignment's collective I/O example: a
 * 2-D array distributed in blocks is written through subarray views by one
 * number of ranks and read back and checked by other numbers; the file is
 * checked here too (the global array in row-major order, as one process
 * would have written it). Both transports.
 *
 * Run after `npm run build`: node --import tsx --test test/spmd/examples_io.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mpirun, lines, onNative } from '../helpers/spmd.ts';

const SCRIPT = 'examples/io_subarray.ts';
const [writers, readers] = onNative ? [2, [1, 3]] : [4, [3, 1, 5]];
const grid = (n: number): string => ({ 1: '1x1', 2: '2x1', 3: '3x1', 4: '2x2', 5: '5x1' } as Record<number, string>)[n]!;

test(`io_subarray: ${writers} ranks write a 37x23 array in blocks, ${readers.join(', ')} ranks read it back`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-io-example-'));
  const file = path.join(dir, 'array.bin');
  try {
    const w = await mpirun(writers, SCRIPT, { args: ['write', file, '37', '23'], timeoutMs: 120_000 });
    assert.equal(w.code, 0, w.stderr);
    assert.deepEqual(lines(w.stdout), [`wrote a 37x23 array of doubles from ${writers} ranks (a ${grid(writers)} grid of blocks) to ${file}`]);
    const data = new Float64Array(new Uint8Array(fs.readFileSync(file)).buffer);
    assert.equal(data.length, 37 * 23);
    for (let k = 0; k < data.length; k++) assert.equal(data[k], k + 0.5, `element ${k}`);
    for (const np of readers) {
      const r = await mpirun(np, SCRIPT, { args: ['read', file, '37', '23'], timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lines(r.stdout), [`read a 37x23 array of doubles (${37 * 23 * 8} bytes) with ${np} ranks (a ${grid(np)} grid of blocks): every element checks`]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
