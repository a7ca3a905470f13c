/**
 * Unit tests for MPI.buffer (src/core/memory.ts), the special buffer
 * constants (src/core/sentinels.ts) and the object-message codec switch
 * (src/core/msgobject.ts), issue 14.
 *
 * Run: node --import tsx --test test/unit/memory.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buffer, isReadonly } from '../../src/core/memory.ts';
import { BOTTOM, IN_PLACE, BUFFER_AUTOMATIC, BottomType, InPlaceType, BufferAutomaticType } from '../../src/core/sentinels.ts';
import { parseBuffer } from '../../src/core/msgbuffer.ts';
import { builtinCodec, messageCodec, setMessageCodec } from '../../src/core/msgobject.ts';

describe('MPI.buffer', () => {
  test('is a Uint8Array over the memory it is given, not a copy', () => {
    const a = Int32Array.of(1, 2, 3);
    const b = new buffer(a);
    assert.ok(b instanceof Uint8Array);
    assert.equal(b.buffer, a.buffer);
    assert.equal(b.nbytes, 12);
    b[0] = 9;
    assert.equal(a[0], 9);
    assert.equal(buffer.name, 'buffer');
    const dv = new DataView(new ArrayBuffer(8), 2, 4);
    assert.equal(new buffer(dv).byteOffset, 2);
    assert.equal(new buffer(dv.buffer).nbytes, 8);
  });

  test('anything else is a TypeError naming the value', () => {
    for (const bad of [null, 0, 'abc', [], {}]) assert.throws(() => new buffer(bad as never), /buffer: obj must be a typed array/);
    assert.throws(() => buffer.allocate(1.5), TypeError);
    assert.throws(() => buffer.allocate(-1), RangeError);
  });

  test('slices share memory and the read-only mark; copies are plain Uint8Arrays', () => {
    const ro = buffer.allocate(8).toreadonly();
    const sub = ro.subarray(2, 6);
    assert.ok(sub instanceof buffer);
    assert.equal(sub.readonly, true);
    assert.equal(sub.byteOffset, 2);
    assert.equal(ro.slice(0, 2).constructor, Uint8Array);
    assert.equal(ro.map((x) => x).constructor, Uint8Array);
    assert.equal(ro.tobytes().constructor, Uint8Array);
  });

  test('a read-only buffer refuses its writing methods', () => {
    const ro = buffer.frombuffer(new Uint8Array(4), true);
    for (const f of [() => ro.set([1]), () => ro.fill(1), () => ro.copyWithin(0, 1), () => ro.reverse(), () => ro.sort()]) {
      assert.throws(f, /read-only/);
    }
    assert.throws(() => buffer.frombuffer(ro), /read-only/);
    assert.equal(new buffer(ro).readonly, true);
    assert.equal(isReadonly(ro), true);
    assert.equal(isReadonly(new Uint8Array(1)), false);
  });

  test('isReadonly: only read-only MPI.buffers, whatever else is given (a brand check, not instanceof)', () => {
    const ro = buffer.allocate(4).toreadonly();
    for (const x of [new Uint8Array(1), new Float64Array(1), new DataView(new ArrayBuffer(1)), new ArrayBuffer(1),
      buffer.allocate(2), new buffer(new Int32Array(1)), null, undefined, 3, 'abc', [ro], { readonly: true }]) {
      assert.equal(isReadonly(x), false, String(x));
    }
    for (const x of [ro, ro.subarray(1), new buffer(ro), buffer.frombuffer(new Uint8Array(2), true)]) assert.equal(isReadonly(x), true);
  });

  test('parseBuffer refuses a read-only buffer where the call writes', () => {
    const ro = buffer.allocate(8).toreadonly();
    assert.throws(() => parseBuffer('Recv', 'buf', ro, true), /Recv: buf: the MPI.buffer is read-only/);
    assert.throws(() => parseBuffer('Recv', 'buf', [ro, 2, 'i'], true), TypeError);
    assert.throws(() => parseBuffer('Allreduce', 'recvbuf', ro), TypeError);
    assert.equal(parseBuffer('Send', 'buf', ro).bytes.length, 8);
    assert.equal(parseBuffer('Allreduce', 'sendbuf', [ro, 'i']).count, 2);
  });

  test('cast views the same memory as another element type', () => {
    const b = buffer.allocate(24);
    const i = b.cast('i', [2, 3]) as Int32Array;
    assert.ok(i instanceof Int32Array);
    assert.equal(i.length, 6);
    i[5] = -1;
    assert.equal(b[20], 255);
    assert.ok(b.cast('d') instanceof Float64Array);
    assert.throws(() => b.cast('x'), TypeError);
    assert.throws(() => b.cast('i', [4, 2]), /holds 8 elements, the memory 6/);
    assert.throws(() => buffer.allocate(6).cast('i'), /not a whole number/);
    assert.throws(() => b.subarray(1, 9).cast('i'), /not aligned/);
  });

  test('release drops obj; owned memory is detached', () => {
    const own = buffer.allocate(16);
    own.release();
    assert.equal(own.obj, null);
    assert.equal(own.nbytes, 0);
    assert.equal(own.length, 0);
    assert.throws(() => parseBuffer('Send', 'buf', [own, 1, 'B']), /detached/);
    const user = new Uint8Array(4);
    const b = buffer.frombuffer(user, true);
    b.release();
    assert.equal(b.nbytes, 0);
    assert.equal(b.readonly, false);
    assert.equal(user.length, 4, "the user's memory is untouched");
  });
});

describe('special buffer constants', () => {
  test('each class has one instance, the constant', () => {
    assert.equal(new BottomType(), BOTTOM);
    assert.equal(new InPlaceType(), IN_PLACE);
    assert.equal(new BufferAutomaticType(), BUFFER_AUTOMATIC);
    assert.ok(BOTTOM instanceof BottomType && IN_PLACE instanceof InPlaceType && BUFFER_AUTOMATIC instanceof BufferAutomaticType);
    assert.equal(String(BOTTOM), 'BOTTOM');
    assert.equal(String(IN_PLACE), 'IN_PLACE');
    assert.equal(String(BUFFER_AUTOMATIC), 'BUFFER_AUTOMATIC');
    assert.equal(Number(BOTTOM), 0);
    assert.ok(Object.isFrozen(IN_PLACE));
  });

  test('the public constants are these instances (the bundle and the sources share them)', async () => {
    const { MPI } = await import('mpi4ts');
    assert.equal(MPI.BOTTOM, BOTTOM);
    assert.equal(MPI.IN_PLACE, IN_PLACE);
    assert.equal(MPI.BUFFER_AUTOMATIC, BUFFER_AUTOMATIC);
  });
});

describe('object-message codec', () => {
  test('builtin by default; setMessageCodec switches it', () => {
    assert.equal(messageCodec(), builtinCodec);
    const codec = { dumps: (): Uint8Array => new Uint8Array(1), loads: (): unknown => 'x' };
    setMessageCodec(codec);
    try {
      assert.equal(messageCodec(), codec);
    } finally { setMessageCodec(builtinCodec); }
    assert.deepEqual(builtinCodec.loads(builtinCodec.dumps({ a: [1, 2] }).slice(), true), { a: [1, 2] });
  });
});
