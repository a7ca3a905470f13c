/**
 * The error-message factories of core/failures.ts: what each message says,
 * and that its text is written in that one place only (issue 15: "Error
 * messages built by a few factories in one place").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERR_COMM, ERR_OTHER, ERR_PORT, ERR_READ_ONLY, ERR_TRUNCATE, MpiFailure } from '../../src/core/errorcodes.ts';
import { commNull, describeValue, noOpenPort, readOnlyFile, splitCollectivePending, truncated } from '../../src/core/failures.ts';
import * as MPI from '../../src/mpi.ts';
import { repoRoot } from '../helpers/spmd.ts';

test('truncated: typed units are said once, bytes twice; the origin in a fixed order', () => {
  const t = truncated(5, 3, 'INT', { source: 0, tag: 7 });
  assert.ok(t instanceof MpiFailure);
  assert.equal(t.errorClass, ERR_TRUNCATE);
  assert.equal(t.message, 'message of 5 INT truncated into buffer of 3 (source 0, tag 7)');
  assert.equal(truncated(12, 8, 'bytes', { source: 2, tag: 0 }).message, 'message of 12 bytes truncated into buffer of 8 bytes (source 2, tag 0)');
  assert.equal(truncated(12, 8, 'bytes', { root: 1 }).message, 'message of 12 bytes truncated into buffer of 8 bytes (root 1)');
  assert.equal(truncated(12, 8, 'bytes', { source: 3 }).message, 'message of 12 bytes truncated into buffer of 8 bytes (source 3)');
  assert.equal(truncated(2, 1, 'DOUBLE', {}).message, 'message of 2 DOUBLE truncated into buffer of 1');
});

test('describeValue: null, arrays, objects by class, primitives by type and value', () => {
  assert.equal(describeValue(null), 'null');
  assert.equal(describeValue(undefined), 'undefined undefined');
  assert.equal(describeValue([1, 2, 3]), 'an array of length 3');
  assert.equal(describeValue(new Float64Array(2)), 'Float64Array');
  assert.equal(describeValue(Object.create(null)), 'object');
  assert.equal(describeValue(1.5), 'number 1.5');
  assert.equal(describeValue('abc'), 'string abc');
});

test('the other factories: class and text', () => {
  assert.deepEqual([commNull().errorClass, commNull().message], [ERR_COMM, 'invalid communicator (COMM_NULL)']);
  assert.deepEqual([noOpenPort('p1', 'job').errorClass, noOpenPort('p1', 'job').message], [ERR_PORT, "no open port named 'p1'"]);
  assert.equal(noOpenPort('p1', 'process').message, "no open port named 'p1' in this process");
  assert.equal(noOpenPort('p1', 'process', 'why').message, "no open port named 'p1' in this process (why)");
  assert.deepEqual([readOnlyFile('/x').errorClass, readOnlyFile('/x').message], [ERR_READ_ONLY, '/x is open MODE_RDONLY']);
  assert.deepEqual([splitCollectivePending('Read_all_begin').errorClass, splitCollectivePending('Read_all_begin').message],
    [ERR_OTHER, 'split collective Read_all_begin was begun and not ended']);
});

test('the factories stay out of the public MPI namespace', () => {
  for (const name of ['truncated', 'describeValue', 'commNull', 'noOpenPort', 'readOnlyFile', 'splitCollectivePending']) {
    assert.equal(name in MPI, false, `MPI.${name}`);
  }
});

test("each factory's text is written in core/failures.ts only", () => {
  const srcRoot = path.join(repoRoot, 'src');
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) files.push(p);
    }
  };
  walk(srcRoot);
  const texts = ['truncated into buffer', 'invalid communicator (COMM_NULL)', 'no open port named', 'is open MODE_RDONLY',
    'was begun and not ended', '`${typeof x} ${String(x)}`'];
  const home = path.join(srcRoot, 'core', 'failures.ts');
  // mpi4ts/util is built on the public API only, as mpi4py.util is on mpi4py.MPI
  // (layering.test.ts): it cannot reach core/, so it keeps its own describer.
  const publicApiOnly = (f: string): boolean => path.relative(srcRoot, f).startsWith(`util${path.sep}`);
  for (const text of texts) {
    const where = files.filter((f) => !publicApiOnly(f) && fs.readFileSync(f, 'utf8').includes(text)).map((f) => path.relative(srcRoot, f));
    assert.deepEqual(where, [path.relative(srcRoot, home)], `'${text}' is written outside core/failures.ts`);
  }
});
