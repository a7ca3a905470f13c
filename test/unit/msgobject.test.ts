/**
 * Unit tests for the object codec (src/core/msgobject.ts).
 *
 * Run: node --import tsx --test test/unit/msgobject.test.ts
 * Set MPI4TS_BIG_TESTS=1 to also run the 512 MiB+ cases (needs ~3 GiB of RAM).
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeObject, encodeObject } from '../../src/core/msgobject.ts';

const FMT_FAST = 0x01;
const FMT_V8 = 0x02;

/** Encode, copy out of the scratch (as a sender would), decode. */
function roundTrip(value: unknown, owned = false): unknown {
  return decodeObject(encodeObject(value).slice(), owned);
}

/** Round trip four ways (private copy, owned, SharedArrayBuffer at an odd offset, Buffer) and compare each with structuredClone. */
function assertClones(value: unknown, message?: string): void {
  const expected = structuredClone(value);
  const bytes = encodeObject(value).slice();
  assert.deepStrictEqual(decodeObject(bytes.slice()), expected, message);
  assert.deepStrictEqual(decodeObject(bytes.slice(), true), expected, message);
  const sab = new SharedArrayBuffer(bytes.length + 3);
  const shared = new Uint8Array(sab, 3, bytes.length);
  shared.set(bytes);
  assert.deepStrictEqual(decodeObject(shared), expected, message);
  assert.deepStrictEqual(decodeObject(Buffer.from(bytes)), expected, message); // a (pooled) Buffer is a Uint8Array too
}

function formatOf(value: unknown): number {
  return encodeObject(value)[0] as number;
}

/** Small deterministic PRNG (mulberry32) so the property test is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('round trip matches structuredClone', () => {
  test('numbers', () => {
    const numbers = [0, -0, 1, -1, 42, 127, 128, -128, -129, 255, 256, 32767, -32768, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32,
      2 ** 53, -(2 ** 53), 1.5, -2.25, 0.1, Math.PI, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON];
    for (const n of numbers) {
      assertClones(n, String(n));
      assert.ok(Object.is(roundTrip(n), n), `identity of ${Object.is(n, -0) ? '-0' : n}`);
      assert.equal(formatOf(n), FMT_FAST);
    }
  });

  test('strings, including non-ASCII, astral and lone surrogates', () => {
    const strings = ['', 'a', 'hello', 'x'.repeat(31), 'x'.repeat(32), 'x'.repeat(33), 'y'.repeat(63), 'y'.repeat(64),
      'z'.repeat(255), 'z'.repeat(256), 'abcdefghijklmnop'.repeat(64), 'q'.repeat(100_000), 'héllo wörld', 'ÿ\u0080\u00ff',
      '日本語のテキスト', '😀 emoji 👍🏽', '\u0000nul\u0000', '\ud800', '\udc00abc', 'ok\ud83d', '\ud83d\ude00\ud800x',
      `long ${'é'.repeat(50_000)} with lone \udfff surrogate`, 'κόσμε'.repeat(1000), `${'a'.repeat(70)}é`];
    for (const s of strings) {
      assertClones(s, JSON.stringify(s.slice(0, 40)));
      assert.equal(roundTrip(s), s);
      assert.equal(formatOf(s), FMT_FAST);
    }
  });

  test('booleans, null, undefined, BigInt', () => {
    const values = [true, false, null, undefined, 0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n,
      2n ** 64n, 2n ** 200n + 12345n, -(3n ** 150n)];
    for (const v of values) {
      assertClones(v, String(v));
      assert.equal(formatOf(v), FMT_FAST);
    }
  });

  test('Date, Map, Set', () => {
    const values = [new Date(0), new Date(1_700_000_000_123), new Date(-8.64e15),
      new Map(), new Map<unknown, unknown>([[1, 'one'], ['two', { n: 2 }], [{ k: 1 }, [1, 2]], [NaN, null], [-0, 'zero']]),
      new Set(), new Set<unknown>([1, 'a', null, undefined, 2n, { x: 1 }, [3], NaN])];
    for (const v of values) {
      assertClones(v);
      assert.equal(formatOf(v), FMT_FAST);
    }
    // deepStrictEqual cannot compare invalid dates (NaN !== NaN), so check this one by hand.
    const invalid = roundTrip(new Date(NaN));
    assert.ok(invalid instanceof Date && Number.isNaN(invalid.getTime()));
  });

  test('arrays: dense, nested, numeric blocks', () => {
    const ints = Array.from({ length: 100 }, (_, i) => (i * 7919) % 5000 - 2500);
    const floats = Array.from({ length: 100 }, (_, i) => i / 3);
    const values = [[], [1, 2, 3], [[[]]], ['a', 1, null, undefined, true, [2n]], ints, floats,
      [...ints.slice(0, 20), -0], [...ints.slice(0, 20), NaN, Infinity], [...ints.slice(0, 20), 'not a number'],
      Array.from({ length: 16 }, () => 2 ** 31 - 1), Array.from({ length: 16 }, () => -(2 ** 31)),
      Array.from({ length: 5000 }, (_, i) => ({ i, s: `item${i}` }))];
    for (const v of values) {
      assertClones(v);
      assert.equal(formatOf(v), FMT_FAST);
    }
    assert.ok(Object.is((roundTrip([...ints.slice(0, 20), -0]) as number[])[20], -0));
  });

  test('plain objects and class instances', () => {
    class Point {
      x: number;
      y = 2;
      constructor(x: number) {
        this.x = x;
      }
      norm(): number {
        return Math.hypot(this.x, this.y);
      }
    }
    const nullProto = Object.assign(Object.create(null) as object, { a: 1, b: 'two' });
    const many: Record<string, number> = {};
    for (let i = 0; i < 300; i++) many[`key_${i}`] = i;
    const values = [{}, { a: 1, b: [1, 2, 3] }, { nested: { deeper: { deepest: 'x' } } }, nullProto,
      { 1: 'one', 0: 'zero', b: 2, a: 1 }, { ключ: 'значение', '': 'empty key', ['k'.repeat(100)]: 'long key' }, many,
      JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as unknown, new Point(1), { p: new Point(3) },
      Object.create({ inherited: 1 }, { own: { value: 2, enumerable: true } }) as object];
    for (const v of values) assertClones(v);
    const proto = roundTrip(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.deepEqual(Object.keys(proto), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(roundTrip(new Point(1))), Object.prototype);
  });

  test('records: repeated key sets (shapes), many shapes, odd keys', () => {
    const records = Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `n${i % 7}`, tags: [i % 3], nested: { x: i, y: -i } }));
    const alternating = Array.from({ length: 200 }, (_, i) => (i % 12 < 6 ? { [`a${i % 12}`]: i, b: 1 } : { c: i, [`d${i % 12}`]: 2 }));
    const manyShapes = Array.from({ length: 5000 }, (_, i) => ({ [`key${i}`]: i })); // more than one message's shape limit
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, i])); // too many keys for a shape
    const oddKeys = Array.from({ length: 20 }, () => JSON.parse('{"__proto__": 1, "constructor": 2, "0": 3, "toString": 4}') as unknown);
    const longKeys = Array.from({ length: 20 }, (_, i) => ({ ['long key '.repeat(10)]: i, ключ: i }));
    for (const v of [records, alternating, manyShapes, [wide, wide], oddKeys, longKeys]) {
      for (let round = 0; round < 12; round++) assertClones(v); // repeated so shape factories get compiled and used
    }
    const d = roundTrip(oddKeys) as Record<string, unknown>[];
    assert.equal(Object.getPrototypeOf(d[19]), Object.prototype);
    assert.deepEqual(Object.keys(d[19]!), ['0', '__proto__', 'constructor', 'toString']);
    assert.ok(encodeObject(records).length < 2000 * 30, 'keys are not repeated per record'); // ~47 bytes a record with keys inline
  });

  test('typed arrays, Buffer, DataView, ArrayBuffer', () => {
    const backing = new ArrayBuffer(64);
    new Uint8Array(backing).forEach((_, i, a) => (a[i] = i * 3));
    const values: unknown[] = [
      new Int8Array([-128, 0, 127]), new Uint8Array([0, 1, 255]), new Uint8ClampedArray([0, 128, 255]),
      new Int16Array([-32768, 32767]), new Uint16Array([65535]), new Int32Array([-(2 ** 31), 2 ** 31 - 1]),
      new Uint32Array([2 ** 32 - 1]), new Float32Array([1.5, NaN, -0, Infinity]), new Float64Array([Math.PI, -0, NaN]),
      new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]), new BigUint64Array([2n ** 64n - 1n]),
      new Float64Array(0), new Uint8Array(0), new ArrayBuffer(0),
      new Float64Array(backing, 8, 3), new Uint8Array(backing, 5, 7), new DataView(backing, 3, 9), new DataView(backing),
      backing, Buffer.from('a pooled Buffer'), Buffer.alloc(5000, 7), { buf: Buffer.from([1, 2, 3]) },
      new Float64Array(5000).map((_, i) => i * 0.5),
    ];
    for (const v of values) {
      assertClones(v, Object.prototype.toString.call(v));
      assert.equal(formatOf(v), FMT_FAST, Object.prototype.toString.call(v));
    }
    const fromBuffer = roundTrip(Buffer.from('abc'));
    assert.equal(Object.getPrototypeOf(fromBuffer), Uint8Array.prototype, 'Buffer arrives as Uint8Array, like structuredClone');
    const view = roundTrip(new Float64Array(backing, 8, 3)) as Float64Array;
    assert.equal(view.buffer.byteLength, 24, 'only the viewed bytes travel');
  });

  test('values that take the V8 fallback', () => {
    const err = new RangeError('out of range', { cause: { code: 42 } });
    const holey = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const sparse: number[] = [];
    sparse[1000] = 1;
    const sharedBacking = new ArrayBuffer(16);
    type ResizableCtor = new (length: number, options: { maxByteLength: number }) => ArrayBuffer; // ES2024, not in the es2022 lib
    const resizable = new (ArrayBuffer as unknown as ResizableCtor)(8, { maxByteLength: 16 });
    const values: unknown[] = [/ab+c/gi, new Error('boom'), new TypeError('bad'), err, { e: err }, holey, sparse,
      new Number(3), new String('boxed'), new Boolean(false), Object(5n),
      { a: new Uint8Array(sharedBacking, 0, 4), b: new Uint8Array(sharedBacking, 8, 4) },
      resizable];
    for (const v of values) {
      assertClones(v, Object.prototype.toString.call(v));
      assert.equal(formatOf(v), FMT_V8, Object.prototype.toString.call(v));
    }
    const views = roundTrip({ a: new Uint8Array(sharedBacking, 0, 4), b: new Uint8Array(sharedBacking, 8, 4) }) as Record<string, Uint8Array>;
    assert.equal(views.a!.buffer, views.b!.buffer, 'two views on one buffer still share it');
  });
});

describe('cycles and shared references', () => {
  test('self cycle', () => {
    const o: Record<string, unknown> = { name: 'root' };
    o.self = o;
    const d = roundTrip(o) as Record<string, unknown>;
    assert.equal(d.self, d);
    assert.deepStrictEqual(d, structuredClone(o));
  });

  test('deep cycle through array, Map and Set', () => {
    const root: Record<string, unknown> = {};
    const arr: unknown[] = [root];
    const map = new Map<unknown, unknown>([['arr', arr]]);
    const set = new Set<unknown>([map]);
    root.set = set;
    const d = roundTrip(root) as Record<string, unknown>;
    const dSet = d.set as Set<unknown>;
    const dMap = [...dSet][0] as Map<string, unknown[]>;
    assert.equal(dMap.get('arr')![0], d);
  });

  test('shared reference arrives as one object reached twice', () => {
    const shared = { v: 1 };
    const typed = new Float64Array([1, 2]);
    const msg = { a: shared, b: shared, list: [shared, typed], t: typed, m: new Map([[shared, shared]]) };
    assert.equal(formatOf(msg), FMT_V8);
    const d = roundTrip(msg) as typeof msg;
    assert.equal(d.a, d.b);
    assert.equal(d.list[0], d.a);
    assert.equal(d.list[1], d.t);
    assert.equal([...d.m.keys()][0], d.a);
    assert.deepStrictEqual(d, structuredClone(msg));
  });

  test('equal but distinct objects stay distinct', () => {
    const d = roundTrip({ a: { v: 1 }, b: { v: 1 } }) as Record<string, object>;
    assert.notEqual(d.a, d.b);
  });
});

describe('buffers: size, alignment, aliasing', () => {
  test('64 MiB typed array checksum', () => {
    const n = (64 * 1024 * 1024) / 4;
    const data = new Uint32Array(n);
    for (let i = 0; i < n; i++) data[i] = Math.imul(i, 2654435761) >>> 0;
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum = (sum + (data[i] as number)) % 4294967291;
    const d = roundTrip({ data, tag: 'big' }) as { data: Uint32Array; tag: string };
    assert.equal(d.tag, 'big');
    assert.equal(d.data.length, n);
    let got = 0;
    for (let i = 0; i < n; i += 1) got = (got + (d.data[i] as number)) % 4294967291;
    assert.equal(got, sum);
  });

  test('owned decode returns an aligned view into the message, no copy', () => {
    const data = new Float64Array(4096).map((_, i) => i * 1.5);
    const bytes = encodeObject({ data, other: 'x' }).slice(); // slice(): fresh buffer at offset 0, 8-aligned
    const d = decodeObject(bytes, true) as { data: Float64Array };
    assert.equal(d.data.buffer, bytes.buffer, 'aliases the owned message');
    assert.equal(d.data.byteOffset % 8, 0);
    assert.deepStrictEqual(d.data, data);
  });

  test('owned decode straight from the encoder scratch still copies (the scratch is reused)', () => {
    const data = new Float64Array(4096).fill(3);
    const d = decodeObject(encodeObject({ data }), true) as { data: Float64Array };
    encodeObject({ data: new Float64Array(4096).fill(-1) });
    assert.deepStrictEqual(d.data, data);
  });

  test('owned decode of a misaligned message copies instead', () => {
    const data = new Float64Array(4096).map((_, i) => i - 0.25);
    const encoded = encodeObject({ data });
    const holder = new Uint8Array(encoded.length + 3);
    holder.set(encoded, 3);
    const d = decodeObject(holder.subarray(3), true) as { data: Float64Array };
    assert.equal(d.data.byteOffset % 8, 0);
    assert.deepStrictEqual(d.data, data);
  });

  test('non-owned decode never aliases the input', () => {
    const data = new Float64Array(4096).map((_, i) => i);
    const messages = [{ data, s: 'text', n: [1, 2, 3], ab: data.buffer.slice(0, 64) }, { self: null as unknown, data }];
    messages[1]!.self = messages[1];
    for (const msg of messages) {
      const bytes = encodeObject(msg).slice();
      const d = decodeObject(bytes) as { data: Float64Array };
      const before = structuredClone(d.data);
      assert.notEqual(d.data.buffer, bytes.buffer);
      bytes.fill(0xee);
      assert.deepStrictEqual(d.data, before);
      assert.deepStrictEqual(d.data, data);
    }
  });

  test('decodes from a SharedArrayBuffer view at an odd offset, never returning shared memory', () => {
    const msg = { nums: Array.from({ length: 50 }, (_, i) => i * 0.1), ints: Array.from({ length: 50 }, (_, i) => i),
      f: new Float64Array([1, 2, 3]).fill(7), big: new Int32Array(2048).fill(-5), s: 'päivää', ab: new ArrayBuffer(16) };
    const encoded = encodeObject(msg);
    const sab = new SharedArrayBuffer(encoded.length + 3);
    const view = new Uint8Array(sab, 3, encoded.length);
    view.set(encoded);
    for (const owned of [false, true]) {
      const d = decodeObject(view, owned) as typeof msg;
      assert.deepStrictEqual(d, structuredClone(msg));
      for (const t of [d.f.buffer, d.big.buffer, d.ab]) assert.ok(t instanceof ArrayBuffer && !(t instanceof SharedArrayBuffer));
    }
  });

  test('scratch reuse: the result is valid until the next encode; a copy stays valid', () => {
    const a = { name: 'A', list: [1, 2, 3] };
    const b = { name: 'B', other: 'a different message' };
    const viewA = encodeObject(a);
    const copyA = viewA.slice();
    const viewB = encodeObject(b);
    assert.deepStrictEqual(decodeObject(copyA), a);
    assert.deepStrictEqual(decodeObject(viewB), b);
  });

  test('scratch grows for a large value and shrinks again afterwards', () => {
    const big = new Uint8Array(40 * 1024 * 1024).fill(9);
    const encoded = encodeObject({ big });
    assert.ok(encoded.length > big.length);
    const small = encodeObject({ small: 1 });
    assert.ok(small.buffer.byteLength < 1024 * 1024, 'huge scratch released');
    assert.deepStrictEqual(decodeObject(small), { small: 1 });
  });

  test('re-entrant encode from a getter does not corrupt the outer message', () => {
    const inner = { x: 'inner' };
    let innerBytes: Uint8Array | undefined;
    const outer = {
      before: 'outer',
      get trigger(): number {
        innerBytes = encodeObject(inner);
        return 1;
      },
      after: [1, 2, 3],
    };
    const bytes = encodeObject(outer).slice();
    assert.deepStrictEqual(decodeObject(bytes), { before: 'outer', trigger: 1, after: [1, 2, 3] });
    assert.deepStrictEqual(decodeObject(innerBytes!), inner);
  });

  test('512 MiB+ values', { skip: process.env.MPI4TS_BIG_TESTS !== '1' && 'set MPI4TS_BIG_TESTS=1' }, () => {
    const big = new Uint8Array(600 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    const encoded = encodeObject({ big });
    const d = decodeObject(encoded.slice(), true) as { big: Uint8Array };
    assert.equal(d.big.length, big.length);
    for (let i = 0; i < big.length; i += 4096) assert.equal(d.big[i], i & 0xff);
    const str = 'x'.repeat(300 * 1024 * 1024);
    assert.equal((decodeObject(encodeObject([str]).slice()) as string[])[0]!.length, str.length);
  });
});

describe('errors', () => {
  test('functions and symbols throw a TypeError naming what and where', () => {
    const cases: [unknown, RegExp][] = [
      [() => 1, /^cannot serialise function at value$/],
      [Symbol('s'), /^cannot serialise symbol at value$/],
      [{ cb() {} }, /^cannot serialise function at value\.cb$/],
      [{ s: Symbol.iterator }, /^cannot serialise symbol at value\.s$/],
      [{ a: { b: [0, 1, () => 2] } }, /^cannot serialise function at value\.a\.b\[2\]$/],
      [{ 'odd key': Math.max }, /^cannot serialise function at value\["odd key"\]$/],
      [new Map([['k', () => 0]]), /^cannot serialise function at value\.get\("k"\)$/],
      [new Set([Symbol('x')]), /^cannot serialise symbol at value\.<entry #0>$/],
      [{ inst: new (class { f = (): void => {} })() }, /^cannot serialise function at value\.inst\.f$/],
    ];
    for (const [value, pattern] of cases) {
      assert.throws(() => encodeObject(value), (err: unknown) => {
        assert.ok(err instanceof TypeError, `TypeError for ${String(pattern)}`);
        assert.match(err.message, pattern);
        return true;
      });
    }
  });

  test('native handles, WeakMap, SharedArrayBuffer throw TypeError', () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const cases: [unknown, RegExp][] = [
        [{ port: port1 }, /cannot serialise MessagePort at value\.port/],
        [new WeakMap(), /cannot serialise WeakMap at value/],
        [{ p: Promise.resolve() }, /cannot serialise Promise at value\.p/],
        [{ sab: new SharedArrayBuffer(8) }, /cannot serialise SharedArrayBuffer at value\.sab/],
        [{ v: [new Float64Array(new SharedArrayBuffer(16))] }, /cannot serialise Float64Array on a SharedArrayBuffer at value\.v\[0\]/],
      ];
      for (const [value, pattern] of cases) assert.throws(() => encodeObject(value), (err: unknown) => err instanceof TypeError && pattern.test(err.message));
    } finally {
      port1.close();
      port2.close();
    }
  });

  test('a detached buffer throws TypeError', () => {
    const ab = new ArrayBuffer(8);
    structuredClone(ab, { transfer: [ab] });
    assert.throws(() => encodeObject({ ab }), TypeError);
  });

  test('errors thrown by getters propagate unchanged, and the codec still works after', () => {
    const boom = new Error('getter failed');
    const value = {
      get bad(): never {
        throw boom;
      },
    };
    assert.throws(() => encodeObject(value), (err: unknown) => err === boom);
    assert.deepStrictEqual(roundTrip({ ok: true }), { ok: true });
  });

  test('corrupt or truncated input throws RangeError', () => {
    const rich = { a: 1, s: 'string', long: 'L'.repeat(300), u: 'ünï', n: [1.5, -2, 3e9], ints: Array.from({ length: 20 }, (_, i) => i),
      f: new Float64Array(20).fill(2), m: new Map([[1, 2]]), set: new Set(['x']), d: new Date(5), b: 2n ** 70n, b64: -5n,
      ab: new ArrayBuffer(10), dv: new DataView(new ArrayBuffer(4)), z: undefined, nul: null, t: true };
    const cyclic: Record<string, unknown> = { rich };
    cyclic.me = cyclic;
    for (const value of [rich, cyclic]) {
      const bytes = encodeObject(value).slice();
      for (let len = 0; len < bytes.length; len++) {
        assert.throws(() => decodeObject(bytes.subarray(0, len)), RangeError, `prefix of ${len} bytes`);
      }
      const extended = new Uint8Array(bytes.length + 1);
      extended.set(bytes);
      if (bytes[0] === FMT_FAST) assert.throws(() => decodeObject(extended), RangeError, 'trailing byte');
    }
    assert.throws(() => decodeObject(new Uint8Array([0x7f, 1, 2])), RangeError, 'unknown format');
    assert.throws(() => decodeObject(new Uint8Array([FMT_FAST, 0x00])), RangeError, 'unknown tag');
    assert.throws(() => decodeObject(new Uint8Array([FMT_FAST, 0x0b, 0xff, 0xff, 0xff, 0xff, 0x0f])), RangeError, 'huge array count');
    assert.throws(() => decodeObject(new Uint8Array([FMT_FAST, 0x0b, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), RangeError, 'overlong varint');
    assert.throws(() => decodeObject(new Uint8Array([FMT_FAST, 0x12, 0x63, 0x00])), RangeError, 'bad typed array kind');
    assert.throws(() => decodeObject(new Uint8Array([FMT_FAST, 0x0c, 0x01, 0x81, 0x01])), RangeError, 'non-string key');
    assert.throws(() => decodeObject(new Uint8Array([FMT_V8, 0xff, 0x0f, 0x6f, 0x22])), RangeError, 'corrupt v8 payload');
    assert.throws(() => decodeObject(new Uint8Array([FMT_FAST, 0x19, 0x00])), RangeError, 'undefined shape');
    assert.throws(() => decodeObject(new Uint8Array([FMT_FAST, 0x18, 0x00])), RangeError, 'empty shape');
  });

  test('random corruption never escapes as anything but RangeError', () => {
    const rand = prng(7);
    const bytes = encodeObject({ a: [1, 2, 'three', { four: 4n }], b: new Float32Array(8), c: new Map([['k', new Set([1])]]) }).slice();
    for (let trial = 0; trial < 3000; trial++) {
      const mutated = bytes.slice();
      const flips = 1 + Math.floor(rand() * 3);
      for (let f = 0; f < flips; f++) mutated[1 + Math.floor(rand() * (mutated.length - 1))] = Math.floor(rand() * 256);
      try {
        decodeObject(mutated);
      } catch (err) {
        assert.ok(err instanceof RangeError, `trial ${trial}: ${String(err)}`);
      }
    }
  });

  test('decodeObject rejects non-Uint8Array input with TypeError', () => {
    assert.throws(() => decodeObject('nope' as unknown as Uint8Array), TypeError);
  });
});

describe('randomized comparison with structuredClone', () => {
  function randomValue(rand: () => number, depth: number, pool: object[]): unknown {
    const pick = Math.floor(rand() * (depth > 3 ? 12 : 22));
    const int = (n: number): number => Math.floor(rand() * n);
    switch (pick) {
      case 0: return int(256) - 128;
      case 1: return (int(2 ** 31) - 2 ** 30) * (rand() < 0.5 ? 1 : 7);
      case 2: return [0.5, -0, NaN, Infinity, -Infinity, 1e300, -1e-300, rand() * 1e6][int(8)];
      case 3: return randomString(rand);
      case 4: return [true, false, null, undefined][int(4)];
      case 5: return BigInt(int(1000) - 500) ** BigInt(1 + int(5));
      case 6: return new Date(int(2e12));
      case 7: return randomString(rand).repeat(1 + int(4));
      case 8: {
        const kinds = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array];
        const Kind = kinds[int(kinds.length)]!;
        const t = new Kind(int(40));
        for (let i = 0; i < t.length; i++) t[i] = rand() * 1000 - 500;
        return t;
      }
      case 9: return new BigInt64Array([BigInt(int(1e9)), -BigInt(int(1e9))]);
      case 10: return Array.from({ length: 16 + int(40) }, () => (rand() < 0.5 ? int(1000) - 500 : rand()));
      case 11: return pool.length > 0 && rand() < 0.3 ? pool[int(pool.length)] : { leaf: int(10) };
      case 12: case 13: case 14: {
        const a = Array.from({ length: int(6) }, () => randomValue(rand, depth + 1, pool));
        if (rand() < 0.2) pool.push(a);
        return a;
      }
      case 15: case 16: case 17: {
        const o: Record<string, unknown> = {};
        const n = int(6);
        for (let i = 0; i < n; i++) o[rand() < 0.8 ? `k${int(20)}` : randomString(rand)] = randomValue(rand, depth + 1, pool);
        if (rand() < 0.2) pool.push(o);
        return o;
      }
      case 18: return new Map(Array.from({ length: int(4) }, () => [randomValue(rand, depth + 1, pool), randomValue(rand, depth + 1, pool)]));
      case 19: return new Set(Array.from({ length: int(4) }, () => randomValue(rand, depth + 1, pool)));
      case 20: {
        const buf = new ArrayBuffer(int(32));
        new Uint8Array(buf).forEach((_, i, u) => (u[i] = int(256)));
        return rand() < 0.5 ? buf : new DataView(buf, 0, buf.byteLength >> 1);
      }
      default: return rand() < 0.5 ? new Error(randomString(rand)) : /x+y/g;
    }
  }

  function randomString(rand: () => number): string {
    const alphabets = ['abcdefghij', 'äöüßé', '日本語中文', '😀👍🏽', '\ud800\udfff', 'ABC123_-'];
    let s = '';
    const n = Math.floor(rand() * 12);
    for (let i = 0; i < n; i++) {
      const alpha = alphabets[Math.floor(rand() * alphabets.length)]!;
      s += alpha[Math.floor(rand() * alpha.length)];
    }
    return s;
  }

  test('3000 random nested values', () => {
    const rand = prng(20240601);
    let fast = 0;
    for (let i = 0; i < 3000; i++) {
      const value = randomValue(rand, 0, []);
      const encoded = encodeObject(value);
      if (encoded[0] === FMT_FAST) fast++;
      const bytes = encoded.slice();
      const expected = structuredClone(value);
      assert.deepStrictEqual(decodeObject(bytes), expected, `value #${i}`);
      assert.deepStrictEqual(decodeObject(bytes.slice(), true), expected, `value #${i} (owned)`);
      const odd = new Uint8Array(bytes.length + 5);
      odd.set(bytes, 5);
      assert.deepStrictEqual(decodeObject(odd.subarray(5)), expected, `value #${i} (offset 5)`);
    }
    assert.ok(fast > 1500, `most random values use the fast format (${fast}/3000)`);
  });
});
