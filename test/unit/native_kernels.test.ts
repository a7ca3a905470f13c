/**
 * The embedded runtime's native loops (native/sched `copyBytes` and
 * `combine`, used by core/bytes.ts and core/reduce.ts from 256 bytes and
 * 128 elements): the same results as the JavaScript paths, and no call, however
 * wrong, reaches outside the views it names. The full operation-by-type
 * check of `combine` is in reduce.test.ts (run once per engine).
 *
 * Run: node --import tsx --test test/unit/native_kernels.test.ts
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { copyBytes, useNativeCopy } from '../../src/core/bytes.ts';
import { loadSchedAddon, schedSkip } from '../helpers/sched.ts';

const addon = loadSchedAddon();
const skip = schedSkip(addon);

const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('native copyBytes', { skip }, () => {
  after(() => useNativeCopy(null));

  test('core copyBytes gives the same bytes through either path, overlapping ranges of one buffer included', () => {
    for (const shared of [false, true]) {
      for (const [n, from, to] of [[4096, 0, 100], [4096, 100, 0], [1000, 3, 517], [300, 0, 0], [70000, 1, 9]] as const) {
        const results: Uint8Array[] = [];
        for (const native of [false, true]) {
          useNativeCopy(native ? addon!.copyBytes! as never : null);
          const mem = new Uint8Array(shared ? new SharedArrayBuffer(n + 1024) : new ArrayBuffer(n + 1024));
          mem.set(pattern(mem.length, 7));
          copyBytes(mem, to, mem, from, n);
          const other = new Uint8Array(n + 64);
          copyBytes(other, 64, mem, from, n);
          results.push(Uint8Array.from([...mem, ...other]));
        }
        assert.deepEqual(results[1], results[0], `shared ${shared}, ${n} bytes from ${from} to ${to}`);
      }
    }
  });

  test('ranges outside either view, negative or fractional numbers and non-views are RangeErrors, and nothing is written', () => {
    const copy = addon!.copyBytes!;
    const dst = new Uint8Array(new ArrayBuffer(64), 16, 32), src = pattern(32, 1);
    const before = Uint8Array.from(new Uint8Array(dst.buffer));
    for (const args of [[dst, 1, src, 0, 32], [dst, 0, src, 1, 32], [dst, 33, src, 0, 0], [dst, -1, src, 0, 1], [dst, 0.5, src, 0, 1],
      [dst, 0, src, 0, 2 ** 64], [{}, 0, src, 0, 1], [dst, 0, new ArrayBuffer(8), 0, 1], [dst, 0, src, 0]] as unknown[][]) {
      assert.throws(() => (copy as (...a: unknown[]) => void)(...args), RangeError, JSON.stringify(args.map(String)));
    }
    assert.deepEqual(new Uint8Array(dst.buffer), before);
    copy(dst, 0, src, 0, 32);
    assert.deepEqual(dst, src);
  });
});

describe('native combine', { skip }, () => {
  test('declines memory not aligned to the element, so the caller runs its JavaScript kernel', () => {
    const raw = new ArrayBuffer(8 * 200 + 8);
    const odd = new Uint8Array(raw, 1, 1600);
    assert.equal(addon!.combine!(0, 9, odd, odd, odd, 200), false);
    assert.equal(addon!.combine!(0, 9, new Float64Array(raw, 8, 200), new Float64Array(raw, 8, 200), new Float64Array(200), 200), true);
  });

  test('declines what a kind does not take (bitwise operations on floats)', () => {
    const f = new Float64Array(256);
    assert.equal(addon!.combine!(7, 9, f, f, f, 256), false);
  });

  test('d may be a or b: in place either way', () => {
    const a = Float64Array.from({ length: 300 }, (_, i) => i), b = new Float64Array(300).fill(0.5);
    assert.equal(addon!.combine!(0, 9, a, a, b, 300), true);
    assert.equal(a[299], 299.5);
    assert.equal(addon!.combine!(1, 9, b, a, b, 300), true);
    assert.equal(b[2], 2.5 * 0.5);
  });

  test('counts reaching outside d, a or b, unknown operations or kinds and non-views are RangeErrors', () => {
    const combine = addon!.combine! as (...a: unknown[]) => boolean;
    const small = new Int32Array(10), big = new Int32Array(100);
    for (const args of [[0, 4, small, big, big, 11], [0, 4, big, small, big, 11], [0, 4, big, big, small, 11], [10, 4, big, big, big, 1],
      [0, 10, big, big, big, 1], [0, 4, big, big, big, -1], [0, 4, [], big, big, 1], [0, 4, big, big, big]] as unknown[][]) {
      assert.throws(() => combine(...args), RangeError, JSON.stringify(args.map((x) => (ArrayBuffer.isView(x) ? `view of ${x.byteLength}` : String(x)))));
    }
  });
});
