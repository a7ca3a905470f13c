/**
 * mpi4ts/util in one process: the package exports (package.json, the
 * bundle entries and core/entries.ts's table agree, and `mpi4ts/util` and
 * `mpi4ts/util/<name>` are one copy), dtlib's descriptions both ways and its
 * errors, ThreadPool (calls in this process). Multi-rank parts: the ported
 * modules test/mpi4py/test_util_{pkl5,dtlib,pool}.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MPI } from 'mpi4ts';
import { pkl5, dtlib, pool } from 'mpi4ts/util';
import * as pkl5Direct from 'mpi4ts/util/pkl5';
import * as dtlibDirect from 'mpi4ts/util/dtlib';
import * as poolDirect from 'mpi4ts/util/pool';
import { repoRoot } from '../helpers/spmd.ts';
import { PACKAGE_EXPORTS } from '../../src/core/entries.ts';
// @ts-expect-error: a JavaScript build script without types
import { ENTRIES } from '../../scripts/bundle.mjs';

test('package exports: package.json, bundle entries and the loader table agree', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
  // mpi4ts/browser is a page's module (dist/browser/, scripts/bundle-browser.mjs), not one a rank in Node imports.
  const fromPackage = Object.keys(pkg.exports).filter((k) => k !== './package.json' && k !== './browser').map((k) => (k === '.' ? 'mpi4ts' : `mpi4ts/${k.slice(2)}`)).sort();
  assert.ok(fs.existsSync(path.join(repoRoot, pkg.exports['./browser']!.default)), 'mpi4ts/browser is built');
  assert.deepEqual(fromPackage, Object.keys(PACKAGE_EXPORTS).sort());
  for (const [spec, entry] of Object.entries(PACKAGE_EXPORTS)) {
    const key = spec === 'mpi4ts' ? '.' : `./${spec.slice('mpi4ts/'.length)}`;
    assert.equal(pkg.exports[key]!.default, `./dist/bundle/${entry}.js`, spec);
    assert.ok(entry in (ENTRIES as Record<string, string>), `${entry} is bundled`);
    assert.ok(fs.existsSync(path.join(repoRoot, pkg.exports[key]!.types)), `${spec}: ${pkg.exports[key]!.types}`);
    assert.ok(fs.existsSync(path.join(repoRoot, pkg.exports[key]!.default)), `${spec}: ${pkg.exports[key]!.default}`);
  }
});

test('mpi4ts/util and mpi4ts/util/<name> are one copy', () => {
  assert.equal(pkl5.Intracomm, pkl5Direct.Intracomm);
  assert.equal(pkl5.Request, pkl5Direct.Request);
  assert.equal(dtlib.from_numpy_dtype, dtlibDirect.from_numpy_dtype);
  assert.equal(pool.Pool, poolDirect.Pool);
});

test('pkl5 communicators are MPI communicators of their kind', () => {
  const comm = new pkl5.Intracomm(MPI.COMM_SELF);
  assert.ok(comm instanceof MPI.Intracomm && comm instanceof pkl5.Comm && comm instanceof pkl5.Intracomm);
  assert.ok(!(MPI.COMM_SELF instanceof pkl5.Comm));
  const dup = comm.Dup();
  assert.ok(dup instanceof pkl5.Intracomm);
  assert.deepEqual(dup.sendrecv({ a: [1, 2n] }, 0, 7, 0, 7), { a: [1, 2n] });
  assert.deepEqual(dup.alltoall(null), [null]);
  assert.throws(() => dup.alltoall([1, 2]), (e: Error) => e instanceof RangeError && /expecting 1 items, got 2/.test(e.message));
  assert.throws(() => dup.bcast(1, 3), (e: Error) => e instanceof MPI.Exception && e.Get_error_class() === MPI.ERR_ROOT);
  assert.throws(() => dup.irecv(0, 0), /unsupported/);
  dup.Free();
});

test('dtlib: descriptions to datatypes and back', () => {
  const cases: [dtlib.DTypeSpec, number, unknown][] = [
    // Type strings come back as mpi4py's type codes (NumPy's dtype('i4').char is 'i').
    ['i4', 4, 'i'],
    ['d', 8, 'd'],
    ['(2,3)f4', 24, ['f', [2, 3]]],
    [[Int16Array, 5], 10, ['h', [5]]],
    ['u1,f8', 9, { names: ['f0', 'f1'], formats: ['B', 'd'], offsets: [0, 1], itemsize: 9, aligned: false }],
    [['u1,f8', { align: true }], 16, { names: ['f0', 'f1'], formats: ['B', 'd'], offsets: [0, 8], itemsize: 16, aligned: true }],
    [{ names: ['x', 'y'], formats: ['i4', 'i4'], offsets: [4, 0], itemsize: 12 }, 12,
      { names: ['f0', 'f1'], formats: ['i', 'i'], offsets: [4, 0], itemsize: 12, aligned: true }],
  ];
  for (const [spec, extent, back] of cases) {
    const t = dtlib.from_numpy_dtype(spec);
    assert.equal(t.extent, extent, JSON.stringify(spec));
    assert.deepEqual(dtlib.to_numpy_dtype(t), back, JSON.stringify(spec));
    t.Free();
  }
  assert.deepEqual(dtlib.to_numpy_dtype(MPI.FLOAT_INT), ['f,i', { align: true }]);
  assert.equal(dtlib.toTypedArrayConstructor(MPI.INT), Int32Array);
  const t = dtlib.fromTypedArray(new Float32Array(2));
  assert.equal(t.typestr, 'f4');
  t.Free();
});

test('dtlib: errors name what was wrong', () => {
  assert.throws(() => dtlib.from_numpy_dtype('>i4'), /non-native byte order/);
  assert.throws(() => dtlib.from_numpy_dtype('O'), /object entries/);
  assert.throws(() => dtlib.from_numpy_dtype(42 as unknown as string), (e: Error) => e instanceof TypeError && /got number 42/.test(e.message));
  assert.throws(() => dtlib.to_numpy_dtype(MPI.DATATYPE_NULL), RangeError);
  const partial = MPI.INT.Create_subarray([4], [2], [1]);
  assert.throws(() => dtlib.to_numpy_dtype(partial), /subarray/);
  partial.Free();
});

test('ThreadPool: calls in this process, results, errors, terminate', async () => {
  const p = new pool.ThreadPool(2);
  assert.deepEqual(await p.map((x: number) => x * 2, [1, 2, 3]), [2, 4, 6]);
  assert.deepEqual(await p.starmap((a: number, b: number) => a - b, [[5, 1], [2, 3]]), [4, -1]);
  const failing = p.apply_async(() => { throw new TypeError('no'); });
  await failing.wait();
  assert.equal(failing.successful(), false);
  await assert.rejects(failing.get(), TypeError);
  const slow = p.apply_async(() => new Promise((r) => setTimeout(() => r(1), 200)));
  await assert.rejects(slow.get(0.01), pool.TimeoutError);
  assert.equal(await slow.get(), 1);
  p.close();
  await p.join();
  assert.throws(() => p.apply_async(() => 1), /after shutdown/);
  assert.throws(() => new pool.ThreadPool(0), RangeError);
});
