/**
 * Unit tests for MPI-IO file views (src/core/fileview.ts) and the shared
 * file pointer (src/core/sharedfp.ts).
 *
 * Run: node --import tsx --test test/unit/fileview.test.ts
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { predefined, hvectorDesc, subarrayDesc, resizedDesc, hindexedDesc, ORDER_C } from '../../src/core/datatype.ts';
import { checkView, fileRuns, byteOffset, endOffset, meanRun, runStarts, firstRunAfter, fileDomains } from '../../src/core/fileview.ts';
import { SharedPointer } from '../../src/core/sharedfp.ts';
import { ERR_TYPE, ERR_ARG, MpiFailure } from '../../src/core/errorcodes.ts';

const INT = predefined.INT;
const runs = (r: { offsets: number[]; lengths: number[] }): [number, number][] => r.offsets.map((o, i) => [o, r.lengths[i]!]);

describe('fileRuns', () => {
  test('a contiguous view is one run from disp, whatever the length', () => {
    const view = { disp: 100, etype: INT, filetype: INT };
    assert.deepEqual(runs(fileRuns(view, 8, 4000)), [[108, 4000]]);
    assert.deepEqual(runs(fileRuns(view, 0, 0)), []);
  });

  test('a vector filetype: every other INT, tiles one extent apart', () => {
    // 2 blocks of 1 INT, stride 8 bytes: data at 0 and 8 of an extent of 12.
    const ft = hvectorDesc('v', 2, 1, 8, INT);
    assert.equal(ft.extent, 12);
    const view = { disp: 0, etype: INT, filetype: ft };
    assert.deepEqual(runs(fileRuns(view, 0, 16)), [[0, 4], [8, 8], [20, 4]]);
    // Starting inside the second block of the second tile.
    assert.deepEqual(runs(fileRuns(view, 14, 6)), [[22, 6]]);
    assert.deepEqual(runs(fileRuns(view, 14, 10)), [[22, 6], [32, 4]]);
  });

  test('a subarray filetype writes its block of a 2-D array', () => {
    // Rows 2-3 of a 4 x 3 INT array: bytes 24..47, extent the whole array.
    const ft = subarrayDesc('s', [4, 3], [2, 3], [2, 0], ORDER_C, INT);
    const view = { disp: 0, etype: INT, filetype: ft };
    assert.deepEqual(runs(fileRuns(view, 0, 24)), [[24, 24]]);
    // The second tile starts a whole array (48 bytes) later.
    assert.deepEqual(runs(fileRuns(view, 24, 8)), [[72, 8]]);
    assert.equal(byteOffset(view, 6), 72);
    assert.equal(endOffset(view, 48), 6);
    assert.equal(endOffset(view, 30), 2);
  });

  test('a resized filetype with a leading hole', () => {
    const ft = resizedDesc('r', hindexedDesc('h', [1], [4], INT), 0, 8);
    const view = { disp: 2, etype: INT, filetype: ft };
    assert.deepEqual(runs(fileRuns(view, 0, 12)), [[6, 4], [14, 4], [22, 4]]);
    assert.equal(endOffset(view, 2), 0);
    assert.equal(endOffset(view, 12), 1);
  });
});

describe('checkView', () => {
  const code = (f: () => void): number => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof MpiFailure);
      return e.errorClass;
    }
    return 0;
  };
  test('filetype data must be whole etypes', () => {
    assert.equal(code(() => checkView(predefined.DOUBLE, INT)), ERR_TYPE);
    assert.equal(code(() => checkView(INT, predefined.DOUBLE)), 0);
  });
  test('blocks must not go backwards', () => {
    assert.equal(code(() => checkView(INT, hindexedDesc('h', [1, 1], [8, 0], INT))), ERR_TYPE);
  });
  test('byteOffset refuses a negative offset', () => {
    assert.equal(code(() => byteOffset({ disp: 0, etype: INT, filetype: INT }, -1)), ERR_ARG);
  });
});

describe('two-phase helpers', () => {
  test('meanRun: Infinity for a contiguous view, data bytes per block otherwise', () => {
    assert.equal(meanRun(INT), Infinity);
    assert.equal(meanRun(hvectorDesc('v', 2, 1, 8, INT)), 4);
    assert.equal(meanRun(resizedDesc('r', INT, 0, 12)), 4);
    // Two adjacent INTs filling their extent: contiguous.
    assert.equal(meanRun(hvectorDesc('c', 2, 1, 4, INT)), Infinity);
  });

  test('runStarts and firstRunAfter: where runs start in the data and which run a file byte falls in', () => {
    const r = fileRuns({ disp: 0, etype: INT, filetype: hvectorDesc('v', 2, 1, 8, INT) }, 0, 16);
    assert.deepEqual(runs(r), [[0, 4], [8, 8], [20, 4]]);
    assert.deepEqual([...runStarts(r)], [0, 4, 12]);
    assert.equal(firstRunAfter(r, 0), 0);
    assert.equal(firstRunAfter(r, 4), 1);
    assert.equal(firstRunAfter(r, 13), 1);
    assert.equal(firstRunAfter(r, 16), 2);
    assert.equal(firstRunAfter(r, 24), 3);
  });

  test('fileDomains: one domain per aggregator over [lo, hi), page-aligned bounds when the domains are long enough', () => {
    assert.deepEqual(fileDomains(10, 110, 4, 4096), [10, 35, 60, 85, 110]);
    assert.deepEqual(fileDomains(0, 10, 4, 4096), [0, 3, 6, 9, 10]);
    assert.deepEqual(fileDomains(100, 15100, 3, 4096), [100, 8192, 15100, 15100]);
    assert.deepEqual(fileDomains(0, 7, 1, 4096), [0, 7]);
  });
});

describe('SharedPointer', () => {
  test('in a hidden file, under a lock; removed at the end', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-shfp-'));
    const data = path.join(dir, 'data.bin');
    const name = SharedPointer.create(data);
    assert.equal(path.dirname(name), dir);
    const a = new SharedPointer(name);
    const b = new SharedPointer(name);
    assert.equal(a.fetchAdd(5), 0);
    assert.equal(b.fetchAdd(3), 5);
    assert.equal(a.get(), 8);
    b.set(2);
    let inside = -1;
    a.fetchAdd(1, (at) => { inside = at; });
    assert.equal(inside, 2);
    a.remove();
    assert.deepEqual(fs.readdirSync(dir), []);
    fs.rmdirSync(dir);
  });
  test('in memory for one process', () => {
    const p = new SharedPointer(null);
    assert.equal(p.fetchAdd(4), 0);
    assert.equal(p.get(), 4);
  });
});
