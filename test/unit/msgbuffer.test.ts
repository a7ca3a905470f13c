/**
 * Unit tests for buffer specs (src/core/msgbuffer.ts, parseBuffer; src/core/msgcoll.ts, parseWBlocks).
 *
 * Run: node --import tsx --test test/unit/msgbuffer.test.ts
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBuffer, pinSpec, type BufferMessage } from '../../src/core/msgbuffer.ts';
import { predefined, typecodes, type TypeDesc } from '../../src/core/datatype.ts';
import { MpiFailure, ERR_BUFFER, ERR_COUNT, ERR_TYPE } from '../../src/core/errorcodes.ts';
import { INT, DOUBLE, BYTE, SHORT, Get_address } from '../../src/api/datatype.ts';
import { parseWBlocks, type BlockMessage } from '../../src/core/msgcoll.ts';
import { BOTTOM } from '../../src/api/constants.ts';

const parse = (spec: unknown): BufferMessage => parseBuffer('Send', 'buf', spec);

/** The result covers exactly `length` bytes at `byteOffset` of `buffer`. */
function assertCovers(m: BufferMessage, buffer: ArrayBufferLike, byteOffset: number, length: number): void {
  assert.equal(m.bytes.buffer, buffer, 'view of the user memory, not a copy');
  assert.equal(m.bytes.byteOffset, byteOffset, 'byteOffset');
  assert.equal(m.bytes.length, length, 'length');
}

/** assert.throws for an MpiFailure of `errorClass` whose message matches every pattern. */
function throwsMpi(f: () => unknown, errorClass: number, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof MpiFailure, `expected MpiFailure, got ${String(e)}`);
    assert.equal(e.errorClass, errorClass, `error class of: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

function throwsType(f: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof TypeError, `expected TypeError, got ${String(e)}`);
    assert.match(e.message, /^Send: buf/);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

/** Detach `buffer` by transferring it. */
function detach(buffer: ArrayBufferLike): void {
  structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
}

describe('parseBuffer: spec forms', () => {
  test('buf: a bare typed array, count and type inferred', () => {
    const a = new Int32Array(5);
    const m = parse(a);
    assert.equal(m.count, 5);
    assert.equal(m.type, predefined.INT);
    assertCovers(m, a.buffer, 0, 20);
  });

  test('[buf, datatype]: count inferred from the length (Datatype or type code)', () => {
    const a = new Float64Array(6);
    for (const dt of [DOUBLE, 'd']) {
      const m = parse([a, dt]);
      assert.equal(m.count, 6);
      assert.equal(m.type, predefined.DOUBLE);
      assertCovers(m, a.buffer, 0, 48);
    }
    const asInt = parse([a, INT]);
    assert.equal(asInt.count, 12, 'a datatype other than the array kind reinterprets the bytes');
    assert.equal(asInt.type, predefined.INT);
    assert.equal(parse([a, 'i']).count, 12);
  });

  test('[buf, count]: count given, type inferred', () => {
    const a = new Int16Array(10);
    const m = parse([a, 4]);
    assert.equal(m.count, 4);
    assert.equal(m.type, predefined.SHORT);
    assertCovers(m, a.buffer, 0, 8);
  });

  test('[buf, count, datatype]', () => {
    const a = new Float64Array(10);
    const m = parse([a, 3, 'd']);
    assert.equal(m.count, 3);
    assert.equal(m.type, predefined.DOUBLE);
    assertCovers(m, a.buffer, 0, 24);
    const whole = parse([a, 10, DOUBLE]);
    assert.equal(whole.count, 10);
    assertCovers(whole, a.buffer, 0, 80);
  });

  test('[buf, null, datatype]: count inferred', () => {
    const a = new Int32Array(7);
    const m = parse([a, null, INT]);
    assert.equal(m.count, 7);
    assertCovers(m, a.buffer, 0, 28);
  });

  test('[buf, [count, displ], datatype]: displacement in extents', () => {
    const a = new Float64Array(10);
    const m = parse([a, [3, 2], 'd']);
    assert.equal(m.count, 3);
    assertCovers(m, a.buffer, 16, 24);
    const noDispl = parse([a, [4], 'd']);
    assert.equal(noDispl.count, 4);
    assertCovers(noDispl, a.buffer, 0, 32);
    const toEnd = parse([a, [2, 8], DOUBLE]);
    assertCovers(toEnd, a.buffer, 64, 16);
  });

  test('[buf, count, displ, datatype]', () => {
    const a = new Int32Array(10);
    const m = parse([a, 4, 3, 'i']);
    assert.equal(m.count, 4);
    assert.equal(m.type, predefined.INT);
    assertCovers(m, a.buffer, 12, 16);
    // Displacement counts in extents of the datatype, not of the array.
    const bytes = parse([new Uint8Array(a.buffer), 2, 1, 'd']);
    assertCovers(bytes, a.buffer, 8, 16);
  });

  test('a view at a non-zero byteOffset: offsets are relative to the view', () => {
    const ab = new ArrayBuffer(64);
    const a = new Int32Array(ab, 8, 10);
    assertCovers(parse(a), ab, 8, 40);
    assertCovers(parse([a, 'i']), ab, 8, 40);
    assertCovers(parse([a, 2, 3, 'i']), ab, 20, 8);
    assertCovers(parse([a, [1, 9], INT]), ab, 44, 4);
    const dv = new DataView(ab, 4, 24);
    assertCovers(parse([dv, 2, 1, 'd']), ab, 12, 16);
  });

  test('count 0 is an empty message over the same memory', () => {
    const a = new Int32Array(4);
    const m = parse([a, 0, 'i']);
    assert.equal(m.count, 0);
    assert.equal(m.bytes.length, 0);
    assert.equal(parse([a, [0, 4], 'i']).bytes.length, 0, 'count 0 at the end of the buffer');
    const e = parse(new Float32Array(0));
    assert.equal(e.count, 0);
    assert.equal(e.type, predefined.FLOAT);
  });

  test('type codes: i and d, and every code maps to a type of the right size', () => {
    assert.equal(parse([new Int32Array(3), 'i']).type, predefined.INT);
    assert.equal(parse([new Float64Array(3), 'd']).type, predefined.DOUBLE);
    const sizes: Record<string, number> = {
      c: 1, b: 1, B: 1, h: 2, H: 2, i: 4, I: 4, l: 8, L: 8, q: 8, Q: 8, f: 4, d: 8, '?': 1,
      i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, f4: 4, f8: 8, F: 8, D: 16, c8: 8, c16: 16,
    };
    assert.deepEqual(Object.keys(typecodes).sort(), Object.keys(sizes).sort());
    const mem = new Uint8Array(64);
    for (const [code, size] of Object.entries(sizes)) {
      const m = parse([mem, code]);
      assert.equal(m.type, typecodes[code], code);
      assert.equal(m.type.size, size, code);
      assert.equal(m.count, 64 / size, code);
    }
  });

  test('null and undefined are an empty message', () => {
    for (const spec of [null, undefined, [null, 'i'], [undefined, DOUBLE], [null, 0, 'i'], [null, [0, 0], 'd'], [null, null, 'i']]) {
      const m = parse(spec);
      assert.equal(m.count, 0, String(spec));
      assert.equal(m.bytes.length, 0, String(spec));
    }
    assert.equal(parse(null).type, predefined.BYTE);
  });

  test('a null buffer with a non-zero count is ERR_BUFFER', () => {
    throwsMpi(() => parse([null, 3, 'i']), ERR_BUFFER, /null buffer/, /3/);
    throwsMpi(() => parse([undefined, [2, 0], 'd']), ERR_BUFFER);
  });
});

describe('parseBuffer: inferred datatypes', () => {
  // [name, make, inferred type, a type code for the same layout]
  const cases: [string, () => ArrayBufferView, TypeDesc, string][] = [
    ['Int8Array', () => new Int8Array(8), predefined.SIGNED_CHAR, 'b'],
    ['Uint8Array', () => new Uint8Array(8), predefined.BYTE, 'B'],
    ['Uint8ClampedArray', () => new Uint8ClampedArray(8), predefined.BYTE, 'B'],
    ['Int16Array', () => new Int16Array(8), predefined.SHORT, 'h'],
    ['Uint16Array', () => new Uint16Array(8), predefined.UNSIGNED_SHORT, 'H'],
    ['Int32Array', () => new Int32Array(8), predefined.INT, 'i'],
    ['Uint32Array', () => new Uint32Array(8), predefined.UNSIGNED, 'I'],
    ['Float32Array', () => new Float32Array(8), predefined.FLOAT, 'f'],
    ['Float64Array', () => new Float64Array(8), predefined.DOUBLE, 'd'],
    ['BigInt64Array', () => new BigInt64Array(8), predefined.INT64_T, 'i8'],
    ['BigUint64Array', () => new BigUint64Array(8), predefined.UINT64_T, 'u8'],
    ['Buffer', () => Buffer.alloc(8), predefined.BYTE, 'B'],
    ['DataView', () => new DataView(new ArrayBuffer(8)), predefined.BYTE, 'B'],
    ['Int32Array at byteOffset 12', () => new Int32Array(new ArrayBuffer(64), 12, 8), predefined.INT, 'i'],
  ];
  for (const [name, make, type, code] of cases) {
    test(`${name} -> ${type.name}`, () => {
      const a = make();
      const n = a.byteLength / type.size;
      // Inferred when bare or with a count only; with a type code, the code's type.
      for (const [spec, count, expected] of [
        [a, n, type], [[a, 3], 3, type], [[a, null, code], n, typecodes[code]!],
      ] as [unknown, number, TypeDesc][]) {
        const m = parse(spec);
        assert.equal(m.type, expected);
        assert.equal(m.type.size, type.size);
        assert.equal(m.count, count);
        assertCovers(m, a.buffer, a.byteOffset, count * type.size);
      }
    });
  }

  test('Buffer from the pool: the view starts at its byteOffset', () => {
    const b = Buffer.from('hello, world');
    assert.ok(b.byteOffset > 0 || b.buffer.byteLength === b.length, 'pooled or not, the view is exact');
    const m = parse(b);
    assertCovers(m, b.buffer, b.byteOffset, 12);
    assertCovers(parse([b, 5, 7, 'B']), b.buffer, b.byteOffset + 7, 5);
  });

  test('ArrayBuffer and SharedArrayBuffer are bytes', () => {
    const ab = new ArrayBuffer(24);
    const m = parse(ab);
    assert.equal(m.type, predefined.BYTE);
    assert.equal(m.count, 24);
    assertCovers(m, ab, 0, 24);
    const asDouble = parse([ab, 'd']);
    assert.equal(asDouble.count, 3);
    assertCovers(asDouble, ab, 0, 24);
    const sab = new SharedArrayBuffer(16);
    const s = parse(sab);
    assert.equal(s.count, 16);
    assertCovers(s, sab, 0, 16);
    assertCovers(parse([sab, 1, 1, 'd']), sab, 8, 8);
  });
});

describe('parseBuffer: the bytes alias the user memory', () => {
  test('typed array: writing through bytes changes the array', () => {
    const a = new Float64Array([1, 2, 3, 4]);
    const m = parse([a, [2, 1], 'd']);
    new Float64Array(m.bytes.buffer, m.bytes.byteOffset, 2).set([20, 30]);
    assert.deepEqual([...a], [1, 20, 30, 4]);
    const whole = parse(a);
    new DataView(whole.bytes.buffer, whole.bytes.byteOffset).setFloat64(24, -4, true);
    assert.equal(a[3], -4);
  });

  test('and the other way round: the user writing the array is seen through bytes', () => {
    const a = new Int32Array(4);
    const m = parse([a, 2, 2, 'i']);
    a[2] = 0x01020304;
    assert.deepEqual([...m.bytes.subarray(0, 4)], [4, 3, 2, 1]);
  });

  test('every kind of memory', () => {
    const ab = new ArrayBuffer(16);
    parse(ab).bytes[3] = 7;
    assert.equal(new Uint8Array(ab)[3], 7);
    const sab = new SharedArrayBuffer(16);
    parse([sab, 1, 1, 'd']).bytes[0] = 9;
    assert.equal(new Uint8Array(sab)[8], 9);
    const dv = new DataView(new ArrayBuffer(16), 4, 8);
    parse(dv).bytes[1] = 5;
    assert.equal(dv.getUint8(1), 5);
    const u8 = new Uint8Array(8);
    const m = parse(u8);
    m.bytes[7] = 1;
    assert.equal(u8[7], 1);
    const i16 = new Int16Array(4);
    parse([i16, SHORT]).bytes[6] = 0xff;
    assert.equal(i16[3], 0xff);
    const big = new BigInt64Array(2);
    parse(big).bytes[8] = 2;
    assert.equal(big[1], 2n);
  });

  test('the same array parsed twice gives views of the same memory', () => {
    const a = new Int32Array(4);
    const m1 = parse(a);
    const m2 = parse([a, 'i']);
    m1.bytes[0] = 42;
    assert.equal(m2.bytes[0], 42);
    assert.equal(a[0], 42);
  });
});

describe('parseBuffer: errors', () => {
  test('count larger than the buffer: ERR_COUNT naming the sizes', () => {
    throwsMpi(() => parse([new Int32Array(4), 5, 'i']), ERR_COUNT, /^buf: /, /5 INT/, /need 20 bytes/, /buffer has 16/);
    throwsMpi(() => parse([new Int32Array(4), 5]), ERR_COUNT, /need 20 bytes/, /buffer has 16/);
    throwsMpi(() => parse([new Int32Array(4), 2, 3, 'i']), ERR_COUNT, /displacement 3/, /need 20 bytes/, /buffer has 16/);
    throwsMpi(() => parse([new Int32Array(4), [1, 4], INT]), ERR_COUNT, /need 20 bytes/);
    throwsMpi(() => parse([new Uint8Array(12), 2, 'd']), ERR_COUNT, /2 DOUBLE/, /need 16 bytes/, /buffer has 12/);
    throwsMpi(() => parse([new ArrayBuffer(8), 9, BYTE]), ERR_COUNT, /need 9 bytes/, /buffer has 8/);
  });

  test('a length that is not a whole number of elements: ERR_COUNT', () => {
    throwsMpi(() => parse([new Int8Array(7), 'i']), ERR_COUNT, /7 bytes/, /INT/, /extent 4/);
    throwsMpi(() => parse([new ArrayBuffer(12), DOUBLE]), ERR_COUNT, /12 bytes/, /DOUBLE/);
    throwsMpi(() => parse([new DataView(new ArrayBuffer(16), 1, 9), null, 'h']), ERR_COUNT, /9 bytes/, /SHORT/);
  });

  test('negative count or displacement: ERR_COUNT', () => {
    throwsMpi(() => parse([new Int32Array(4), -1, 'i']), ERR_COUNT, /negative count -1/);
    throwsMpi(() => parse([new Int32Array(4), -2]), ERR_COUNT, /negative count -2/);
    throwsMpi(() => parse([new Int32Array(4), [-1, 0], 'i']), ERR_COUNT, /negative count/);
    throwsMpi(() => parse([new Int32Array(4), [1, -1], 'i']), ERR_COUNT, /negative displacement -1/);
    throwsMpi(() => parse([new Int32Array(4), 1, -3, 'i']), ERR_COUNT, /negative displacement -3/);
  });

  test('spec that is not a buffer or a list: TypeError', () => {
    for (const spec of [5, 'abc', true, {}, { buffer: new ArrayBuffer(4) }, () => 0, 10n]) {
      throwsType(() => parse(spec), /typed array or a buffer spec/);
    }
  });

  test('wrong number of items: TypeError', () => {
    const a = new Int32Array(4);
    throwsType(() => parse([]), /2 to 4 items/, /got 0/);
    throwsType(() => parse([a]), /2 to 4 items/, /got 1/);
    throwsType(() => parse([a, 1, 0, 'i', 'extra']), /2 to 4 items/, /got 5/);
  });

  test('buffer item that is not memory: TypeError', () => {
    throwsType(() => parse([[1, 2, 3], 'i']), /buffer must be a typed array/, /array of length 3/);
    throwsType(() => parse(['abcd', 'B']), /buffer must be/);
    throwsType(() => parse([{}, 1, 'i']), /buffer must be/);
    throwsType(() => parse([7, 1, 0, 'i']), /buffer must be/);
  });

  test('count or displacement that is not an integer: TypeError', () => {
    const a = new Int32Array(4);
    throwsType(() => parse([a, 1.5, 'i']), /count must be an integer/);
    throwsType(() => parse([a, NaN, 'i']), /count must be an integer/);
    throwsType(() => parse([a, '2', 'i']), /count must be an integer/);
    throwsType(() => parse([a, ['2', 0], 'i']), /count must be an integer/);
    throwsType(() => parse([a, [1, 0.5], 'i']), /displacement must be an integer/);
    throwsType(() => parse([a, 1, '0', 'i']), /displacement must be an integer/);
    throwsType(() => parse([a, 1, 0, 4]), /expected an MPI.Datatype or a type code/);
  });

  test('datatype that is neither a Datatype nor a type code: TypeError', () => {
    const a = new Int32Array(4);
    throwsType(() => parse([a, 2, {}]), /expected an MPI.Datatype or a type code/, /Object/);
    // A null datatype is inferred from the buffer, as mpi4py's None (test '[buf, count, null]' below).
    throwsType(() => parse([a, [1, 0], 4]), /expected an MPI.Datatype or a type code/, /number 4/);
    throwsType(() => parse([a, true]), /expected an MPI.Datatype or a type code/);
  });

  test('[buf, count, null]: datatype inferred from the buffer (mpi4py None)', () => {
    const m = parse([new Int32Array(4), 2, null]);
    assert.equal(m.count, 2);
    assert.equal(m.type.name, 'INT');
  });

  test('unknown type code: ERR_TYPE', () => {
    throwsMpi(() => parse([new Int32Array(4), 'zz']), ERR_TYPE, /unknown type code 'zz'/);
    // Names inherited by every object are no type codes either.
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      throwsMpi(() => parse([new Int32Array(4), name]), ERR_TYPE, new RegExp(`unknown type code '${name}'`));
    }
    throwsMpi(() => parse([new Int32Array(4), 1, '']), ERR_TYPE);
  });

  test('routine and argument names appear in messages', () => {
    assert.throws(() => parseBuffer('Recv', 'recvbuf', [new Int32Array(1), 1.5, 'i']), /^TypeError: Recv: recvbuf: count/);
    assert.throws(() => parseBuffer('Recv', 'recvbuf', [new Int32Array(1), 2, 'i']), /recvbuf: 2 INT/);
  });
});

// parseBuffer means to reject a typed array whose ArrayBuffer was transferred
// (MpiFailure ERR_BUFFER, "... is detached ..."), but its check reads
// `ArrayBuffer.prototype.detached`, which Node 20 (V8 11.3) does not have:
// the check never fires, so a detached array is either sent as an empty
// message (Uint8Array, or any array parsed before it was detached) or fails
// with V8's raw TypeError from `new Uint8Array(detachedBuffer)`.
describe('parseBuffer: detached buffers', () => {
  const cases: [string, () => unknown][] = [
    ['[Uint8Array, "B"]', () => { const a = new Uint8Array(8); detach(a.buffer); return [a, 'B']; }],
    ['[Float64Array, "d"]', () => { const a = new Float64Array(4); detach(a.buffer); return [a, 'd']; }],
    ['[Int32Array, 2, "i"], parsed once before detaching', () => {
      const a = new Int32Array(4); parse([a, 2, 'i']); detach(a.buffer); return [a, 2, 'i'];
    }],
    ['bare Uint8Array', () => { const a = new Uint8Array(8); detach(a.buffer); return a; }],
    ['bare Float64Array', () => { const a = new Float64Array(4); detach(a.buffer); return a; }],
  ];
  for (const [name, make] of cases) {
    test(`${name} on a detached buffer is ERR_BUFFER`, () => {
      const spec = make();
      throwsMpi(() => parse(spec), ERR_BUFFER, /detached/);
    });
  }
});

describe('parseWBlocks: Alltoallw buffer specs (mpi4py message_vector_w)', () => {
  const w = (spec: unknown, n: number): BlockMessage => parseWBlocks('Alltoallw', 'sendbuf', spec, n);

  test('[buf, counts, displs, datatypes]: byte displacements, a datatype per block; dense blocks are views of buf', () => {
    const mem = new ArrayBuffer(24);
    const m = w([mem, [2, 1], [0, 16], [INT, DOUBLE]], 2);
    assert.deepEqual(m.counts, [2, 1]);
    assert.deepEqual(m.types!.map((t) => t.name), ['INT', 'DOUBLE']);
    assert.equal(m.bytes.buffer, mem, 'the user memory, not a copy');
    assert.deepEqual(m.blocks, [[0, 8], [16, 8]]);
    assert.equal(m.pack, undefined);
  });

  test('[buf, [counts, displs], datatypes] and [buf, datatypes] (one element at byte 0)', () => {
    const a = Int32Array.of(1, 2, 3);
    const v = w([a.subarray(1), [[1, 1], [4, 0]], [INT, INT]], 2);
    assert.equal(v.bytes.byteOffset, 4, 'displacements count from the view');
    assert.deepEqual(v.blocks, [[4, 4], [0, 4]]);
    const m = w([a, [INT, SHORT]], 2);
    assert.deepEqual(m.counts, [1, 1]);
    assert.deepEqual(m.blocks, [[0, 4], [0, 2]]);
  });

  test('a block with gaps: all blocks travel packed; pack reads them, unpack writes one back', () => {
    const vec = INT.Create_vector(2, 1, 2).Commit();
    try {
      const a = Int32Array.of(1, 2, 3, 4, 5);
      const m = w([a, [1, 1], [0, 16], [vec, INT]], 2);
      assert.deepEqual(m.blocks, [[0, 8], [8, 4]]);
      m.pack!();
      assert.deepEqual([...new Int32Array(m.bytes.slice().buffer)], [1, 3, 5]);
      m.bytes.set(new Uint8Array(Int32Array.of(-1, -3, -5).buffer));
      m.unpack!(0);
      assert.deepEqual([...a], [-1, 2, -3, 4, 5]);
      m.unpack!(1);
      assert.deepEqual([...a], [-1, 2, -3, 4, -5]);
    } finally {
      vec.Free();
    }
  });

  test('errors: shape, lengths, bounds, BOTTOM without counts or displs', () => {
    const a = new Int32Array(2);
    assert.throws(() => w([a], 1), TypeError);
    assert.throws(() => w(a, 1), TypeError);
    assert.throws(() => w([a, [1], [0], ['i']], 1), TypeError);
    assert.throws(() => w([a, [1], null, [INT]], 1), TypeError);
    throwsMpi(() => w([a, [1, 1], [0, 0], [INT]], 2), ERR_COUNT, /datatypes has 1 entries/);
    throwsMpi(() => w([a, [1], [0, 4], [INT]], 1), ERR_COUNT, /displs has 2 entries/);
    throwsMpi(() => w([a, [1], [5], [INT]], 1), ERR_BUFFER, /block 0 \(1 INT at byte 5\)/);
    throwsMpi(() => w([a, [1], [-1], [INT]], 1), ERR_BUFFER, /block 0/);
    throwsMpi(() => w([BOTTOM, null, [0], [INT]], 1), ERR_BUFFER, /BOTTOM needs counts/);
    throwsMpi(() => w([BOTTOM, [1], null, [INT]], 1), ERR_BUFFER, /BOTTOM needs displs/);
    throwsMpi(() => w([BOTTOM, [1], [64], [INT]], 1), ERR_BUFFER, /MPI\.Get_address/);
  });

  test('BOTTOM: each block at its own absolute address, in separate ArrayBuffers', () => {
    const x = Int32Array.of(11);
    const y = Float64Array.of(2.5);
    const m = w([BOTTOM, [1, 1], [Get_address(x), Get_address(y)], [INT, DOUBLE]], 2);
    m.pack!();
    assert.equal(new Int32Array(m.bytes.buffer, 0, 1)[0], 11);
    assert.equal(new Float64Array(m.bytes.slice(4, 12).buffer)[0], 2.5);
  });

  test('parseBuffer at BOTTOM without a count is empty (mpi4py: a zero-length buffer)', () => {
    assert.equal(parse([BOTTOM, 'B']).count, 0);
    assert.equal(parse([BOTTOM, 'B']).bytes.length, 0);
  });
});

// A persistent collective keeps its _init's specs (pinSpec): counts as they
// were, datatypes as layouts that outlive the handle, memory read at each Start.
describe('pinSpec: the specs of a persistent collective', () => {
  test('arrays are copied, memory is not, datatypes keep their layout after Free', () => {
    const buf = new Int32Array(6);
    const counts = [1, 2];
    const t = INT.Create_vector(2, 1, 2).Commit();
    const spec = [buf, [counts, null], t] as const;
    const pinned = pinSpec('Gatherv_init', spec);
    assert.notEqual(pinned, spec);
    assert.equal(pinned[0], buf, 'the buffer itself, read at each Start');
    counts[0] = 99;
    assert.deepEqual(pinned[1], [[1, 2], null], 'counts as they were at the _init call');
    t.Free();
    const m = parseBuffer('Start', 'buf', [buf, 1, pinned[2]]);
    assert.equal(m.type.size, 8, 'the freed vector type still describes 2 INT');
    buf[0] = 7;
    assert.equal(new Int32Array(m.bytes.buffer)[0], 7);
  });
  test('a type code, IN_PLACE, null and a bare typed array pass through', () => {
    const a = new Float64Array(2);
    assert.equal(pinSpec('Bcast_init', a), a);
    assert.equal(pinSpec('Bcast_init', null), null);
    assert.deepEqual(pinSpec('Bcast_init', [a, 'd']), [a, 'd']);
  });
  test('an uncommitted or freed datatype raises at the _init call', () => {
    const t = INT.Create_contiguous(2);
    assert.throws(() => pinSpec('Bcast_init', [new Int32Array(2), 1, t]), /Bcast_init: .*not committed/);
  });
});
