/**
 * Unit tests for reductions: the core operations (src/core/reduce.ts) on
 * buffers and on objects, and the public `MPI.Op` handles (src/api/op.ts).
 *
 * Run: node --import tsx --test test/unit/reduce.test.ts
 *
 * Buffers are checked against reference models computed with BigInt (exact
 * C wrap-around) and Math.fround (single precision), over edge values and
 * pseudo-random ones, for every operation on every predefined datatype.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { predefinedOps, userOp, truthy, useNativeCombine, type ReduceOp, type PredefinedOpName } from '../../src/core/reduce.ts';
import * as CoreDT from '../../src/core/datatype.ts';
import { predefined, basicDesc, elementSize, type TypeDesc, type ElementKind } from '../../src/core/datatype.ts';
import { MpiFailure, ERR_OP, ERR_COUNT } from '../../src/core/errorcodes.ts';
import * as MPI from '../../src/api/op.ts';
import { Op, toReduceOp } from '../../src/api/op.ts';
import * as DT from '../../src/api/datatype.ts';
import { Exception } from '../../src/api/errors.ts';
import { loadSchedAddon, schedSkip } from '../helpers/sched.ts';

// ---------------------------------------------------------------------------
// Helpers

type Arr =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

const CTOR: Record<ElementKind, new (n: number | ArrayLike<number> | ArrayLike<bigint>) => Arr> = {
  int8: Int8Array, uint8: Uint8Array, bool: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
  float32: Float32Array, float64: Float64Array,
} as never;

const INT_BITS: Partial<Record<ElementKind, [number, boolean]>> = {
  int8: [8, true], uint8: [8, false], int16: [16, true], uint16: [16, false],
  int32: [32, true], uint32: [32, false], int64: [64, true], uint64: [64, false],
};

const bytesOf = (x: ArrayBufferView): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

/** `op` on two arrays of one kind as `type` (default: the basic type of the kind), into a new array. */
function applyOp(op: ReduceOp, kind: ElementKind, a: Arr, b: Arr, type?: TypeDesc): Arr {
  const d = new CTOR[kind](a.length);
  const t = type ?? basicDesc(kind.toUpperCase(), kind, elementSize[kind]);
  op.combineBuffers(bytesOf(d), bytesOf(a), bytesOf(b), (a.length * elementSize[kind]) / t.size, t);
  return d;
}

function throwsFailure(f: () => unknown, errorClass: number, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof MpiFailure, `expected MpiFailure, got ${String(e)}`);
    assert.equal(e.errorClass, errorClass, `error class of: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

function throwsMpi(f: () => unknown, errorClass: number, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof Exception, `expected MPI.Exception, got ${String(e)}`);
    assert.equal(e.Get_error_class(), errorClass, `error class of: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

/** Same values, NaN and -0 told apart (Object.is). */
function sameValues(actual: ArrayLike<unknown>, expected: ArrayLike<unknown>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      assert.fail(`${what}: element ${i}: got ${String(actual[i])}, expected ${String(expected[i])}`);
    }
  }
}

/** Deterministic pseudo-random bytes (xorshift32). */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const ELEMENTWISE = ['SUM', 'PROD', 'MAX', 'MIN', 'LAND', 'LOR', 'LXOR', 'BAND', 'BOR', 'BXOR'] as const;
type ElementwiseName = typeof ELEMENTWISE[number];

/** Which element kinds each operation applies to (the MPI standard's groups). */
function defined(op: ElementwiseName, kind: ElementKind): boolean {
  const int = kind in INT_BITS;
  const float = kind === 'float32' || kind === 'float64';
  switch (op) {
    case 'SUM': case 'PROD': case 'MAX': case 'MIN': return int || float;
    case 'LAND': case 'LOR': case 'LXOR': return int || kind === 'bool';
    default: return int;
  }
}

/** Reference model on exact integers, wrapped to the kind as C does. */
function intRef(op: ElementwiseName, kind: ElementKind, x: bigint, y: bigint): bigint {
  const [bits, signed] = INT_BITS[kind]!;
  const wrap = (v: bigint): bigint => (signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v));
  const t = (c: boolean): bigint => (c ? 1n : 0n);
  switch (op) {
    case 'SUM': return wrap(x + y);
    case 'PROD': return wrap(x * y);
    case 'MAX': return x > y ? x : y;
    case 'MIN': return x < y ? x : y;
    case 'LAND': return t(x !== 0n && y !== 0n);
    case 'LOR': return t(x !== 0n || y !== 0n);
    case 'LXOR': return t((x !== 0n) !== (y !== 0n));
    case 'BAND': return wrap(x & y);
    case 'BOR': return wrap(x | y);
    case 'BXOR': return wrap(x ^ y);
  }
}

function floatRef(op: ElementwiseName, kind: ElementKind, x: number, y: number): number {
  const r = kind === 'float32' ? Math.fround : (v: number) => v;
  switch (op) {
    case 'SUM': return r(x + y);
    case 'PROD': return r(x * y);
    case 'MAX': return x > y ? x : y;
    case 'MIN': return x < y ? x : y;
    default: throw new Error('not a float op');
  }
}

/** Operands of a kind: every pair of edge values, then pseudo-random ones. */
function operands(kind: ElementKind, seed: number): [Arr, Arr] {
  const ctor = CTOR[kind];
  let edges: (number | bigint)[];
  if (kind in INT_BITS) {
    const [bits, signed] = INT_BITS[kind]!;
    const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
    const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    const vals = [min, min + 1n, -1n, 0n, 1n, 2n, 3n, max - 1n, max, max / 2n + 1n]
      .map((v) => (signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v)));
    edges = bits === 64 ? vals : vals.map(Number);
  } else if (kind === 'bool') {
    edges = [0, 1, 2, 255];
  } else {
    edges = [0, -0, 1, -1, 0.1, 0.2, 1 / 3, 1e308, -1e308, 3.4e38, Infinity, -Infinity, NaN, 5e-324, 1 + 2 ** -23, 2 ** -24];
  }
  const pairs = edges.length * edges.length;
  const nRandom = 300;
  const a = new ctor(pairs + nRandom);
  const b = new ctor(pairs + nRandom);
  for (let i = 0; i < edges.length; i++) {
    for (let j = 0; j < edges.length; j++) {
      (a as unknown as unknown[])[i * edges.length + j] = edges[i];
      (b as unknown as unknown[])[i * edges.length + j] = edges[j];
    }
  }
  const size = elementSize[kind];
  const ra = randomBytes(nRandom * size, seed), rb = randomBytes(nRandom * size, seed * 7 + 1);
  bytesOf(a).set(ra, pairs * size);
  bytesOf(b).set(rb, pairs * size);
  if (kind === 'bool') for (let i = pairs; i < a.length; i++) { a[i] = (a[i] as number) % 3; b[i] = (b[i] as number) % 3; }
  return [a, b];
}

// Complex types have their own test below (the reference here is per real element).
const PREDEFINED_TYPES = Object.entries(predefined)
  .filter(([name, t]) => name !== 'DATATYPE_NULL' && !t.element?.startsWith('complex')) as [string, TypeDesc][];

describe('buffers: complex types', () => {
  test('SUM and PROD of (real, imaginary) pairs, MAX and the others ERR_OP', () => {
    for (const [type, Ctor] of [[predefined.C_FLOAT_COMPLEX, Float32Array], [predefined.C_DOUBLE_COMPLEX, Float64Array]] as const) {
      const a = Ctor.of(1, 2, 3, -4, 0.5, 0);
      const b = Ctor.of(5, 6, -7, 8, 2, -2);
      const bytes = (x: Float32Array | Float64Array) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
      const d = new Ctor(6);
      predefinedOps.SUM.combineBuffers(bytes(d), bytes(a), bytes(b), 3, type);
      assert.deepEqual([...d], [6, 8, -4, 4, 2.5, -2]);
      predefinedOps.PROD.combineBuffers(bytes(d), bytes(a), bytes(b), 3, type);
      assert.deepEqual([...d], [1 * 5 - 2 * 6, 1 * 6 + 2 * 5, 3 * -7 - -4 * 8, 3 * 8 + -4 * -7, 1, -1]);
      for (const op of ['MAX', 'MIN', 'LAND', 'BAND', 'MAXLOC'] as const) {
        throwsFailure(() => predefinedOps[op].combineBuffers(bytes(d), bytes(a), bytes(b), 3, type), ERR_OP, new RegExp(`MPI\\.${op}`));
      }
    }
  });
});

/** The C struct {value; int index} of MAXLOC/MINLOC, built by hand (size/extent as on LP64). */
function pairType(name: string, kind: ElementKind): TypeDesc {
  const vs = elementSize[kind];
  const at = Math.ceil(vs / 4) * 4;
  const size = vs + 4;
  const extent = Math.ceil((at + 4) / Math.max(vs, 4)) * Math.max(vs, 4);
  return {
    ...basicDesc(name, kind === 'int32' ? 'int32' : null, size), extent, trueExtent: at + 4,
    contiguous: at === vs && extent === size, blocks: at === vs ? [[0, size]] : [[0, vs], [at, 4]], pair: kind,
  };
}

/** Packed pairs (value, then int32 index right after it) of `type`. */
function packPairs(type: TypeDesc, pairs: [number | bigint, number][]): Uint8Array {
  const kind = type.pair!;
  const vs = elementSize[kind];
  const out = new Uint8Array(pairs.length * type.size);
  const dv = new DataView(out.buffer);
  pairs.forEach(([v, i], k) => {
    const p = k * type.size;
    switch (kind) {
      case 'float64': dv.setFloat64(p, v as number, true); break;
      case 'float32': dv.setFloat32(p, v as number, true); break;
      case 'int64': dv.setBigInt64(p, BigInt(v), true); break;
      case 'int32': dv.setInt32(p, v as number, true); break;
      case 'int16': dv.setInt16(p, v as number, true); break;
      default: throw new Error(kind);
    }
    dv.setInt32(p + vs, i, true);
  });
  return out;
}

function unpackPairs(type: TypeDesc, bytes: Uint8Array): [number | bigint, number][] {
  const kind = type.pair!;
  const vs = elementSize[kind];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: [number | bigint, number][] = [];
  for (let p = 0; p + type.size <= bytes.length; p += type.size) {
    const v = kind === 'float64' ? dv.getFloat64(p, true) : kind === 'float32' ? dv.getFloat32(p, true)
      : kind === 'int64' ? dv.getBigInt64(p, true) : kind === 'int32' ? dv.getInt32(p, true) : dv.getInt16(p, true);
    out.push([v, dv.getInt32(p + vs, true)]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Buffers

// Twice: the JavaScript kernels, and the embedded runtime's native loops
// (native/sched combine), which take calls of 128 elements and more; these
// operands have over 300.
const addon = loadSchedAddon();
for (const engine of ['JavaScript', 'native'] as const) describe(`buffers: every operation on every predefined datatype (${engine} kernels)`, {
  skip: engine === 'native' && schedSkip(addon),
}, () => {
  before(() => useNativeCombine(engine === 'native' ? addon!.combine! : null));
  after(() => useNativeCombine(null));
  for (const [name, type] of PREDEFINED_TYPES) {
    test(name, () => {
      const kind = type.element!;
      const [a, b] = operands(kind, name.length * 31 + 7);
      for (const opName of ELEMENTWISE) {
        const op = predefinedOps[opName];
        if (!defined(opName, kind)) {
          throwsFailure(() => applyOp(op, kind, a, b, type), ERR_OP, new RegExp(`MPI\\.${opName}`), new RegExp(name));
          continue;
        }
        const d = applyOp(op, kind, a, b, type);
        const expected = new CTOR[kind](a.length);
        for (let i = 0; i < a.length; i++) {
          if (kind in INT_BITS) {
            const r = intRef(opName, kind, BigInt(a[i]!), BigInt(b[i]!));
            (expected as unknown as unknown[])[i] = kind === 'int64' || kind === 'uint64' ? r : Number(r);
          } else if (kind === 'bool') {
            const x = a[i] !== 0, y = b[i] !== 0;
            expected[i] = (opName === 'LAND' ? x && y : opName === 'LOR' ? x || y : x !== y) ? 1 : 0;
          } else {
            expected[i] = floatRef(opName, kind, a[i] as number, b[i] as number);
          }
        }
        sameValues(d, expected, `${opName} on ${name}`);
      }
      sameValues(applyOp(predefinedOps.REPLACE, kind, a, b, type), b, `REPLACE on ${name}`);
      sameValues(applyOp(predefinedOps.NO_OP, kind, a, b, type), a, `NO_OP on ${name}`);
      for (const opName of ['MAXLOC', 'MINLOC'] as const) {
        throwsFailure(() => applyOp(predefinedOps[opName], kind, a, b, type), ERR_OP, new RegExp(opName), new RegExp(name));
      }
    });
  }
});

describe('buffers: exact values', () => {
  const op = (name: PredefinedOpName, kind: ElementKind, x: (number | bigint)[], y: (number | bigint)[]): unknown[] =>
    Array.from(applyOp(predefinedOps[name], kind, new CTOR[kind](x as never), new CTOR[kind](y as never)) as ArrayLike<unknown>);

  test('integer overflow wraps around as in C', () => {
    assert.deepEqual(op('SUM', 'int8', [100, -100, 127], [100, -100, 1]), [-56, 56, -128]);
    assert.deepEqual(op('PROD', 'int8', [16, -128, 11], [16, -1, 13]), [0, -128, -113]);
    assert.deepEqual(op('SUM', 'uint8', [200, 255], [100, 1]), [44, 0]);
    assert.deepEqual(op('PROD', 'uint8', [16, 255], [16, 255]), [0, 1]);
    assert.deepEqual(op('SUM', 'int16', [30000], [30000]), [-5536]);
    assert.deepEqual(op('SUM', 'uint16', [65535], [2]), [1]);
    assert.deepEqual(op('SUM', 'int32', [2147483647, -2147483648], [1, -1]), [-2147483648, 2147483647]);
    assert.deepEqual(op('PROD', 'int32', [65536, 123456789, -1], [65536, 987654321, -2147483648]), [0, -67153019, -2147483648]);
    assert.deepEqual(op('SUM', 'uint32', [4294967295], [1]), [0]);
    assert.deepEqual(op('PROD', 'uint32', [123456789, 4294967295], [987654321, 4294967295]), [4227814277, 1]);
  });

  test('64-bit integers (BigInt64Array, BigUint64Array) wrap around', () => {
    const max = 2n ** 63n - 1n, min = -(2n ** 63n);
    assert.deepEqual(op('SUM', 'int64', [max, min, -1n, 0xffffffffn], [1n, -1n, -1n, 1n]), [min, max, -2n, 0x100000000n]);
    assert.deepEqual(op('PROD', 'int64', [2n ** 32n, max, -1n, 0x0123456789abcdefn, -12345678901234n, -3n],
      [2n ** 32n, 2n, -1n, 0x0fedcba987654321n, 98765432109n, 2n ** 62n + 5n]),
    [0n, -2n, 1n, 2459930256624457935n, 3471912861018495094n, 4611686018427387889n]);
    assert.deepEqual(op('MAX', 'int64', [-1n, min, 2n ** 40n], [1n, max, -(2n ** 40n)]), [1n, max, 2n ** 40n]);
    assert.deepEqual(op('MIN', 'int64', [-1n, 0x1_0000_0000n], [1n, 0xffff_ffffn]), [-1n, 0xffff_ffffn]);
    const umax = 2n ** 64n - 1n;
    assert.deepEqual(op('SUM', 'uint64', [umax, 0xffffffffn], [1n, 1n]), [0n, 0x100000000n]);
    assert.deepEqual(op('PROD', 'uint64', [umax, 2n ** 32n + 3n], [umax, 2n ** 32n + 5n]), [1n, (8n * 2n ** 32n + 15n)]);
    // Unsigned comparison: 2^63 is large, not negative.
    assert.deepEqual(op('MAX', 'uint64', [2n ** 63n, 1n], [1n, 2n ** 63n]), [2n ** 63n, 2n ** 63n]);
    assert.deepEqual(op('MIN', 'uint64', [2n ** 63n, 0x1_0000_0000n], [1n, 0xffff_ffffn]), [1n, 0xffff_ffffn]);
    assert.deepEqual(op('BAND', 'int64', [-1n, 0x0f0f_0000_ffffn], [0x1234_5678_9abcn, -1n]), [0x1234_5678_9abcn, 0x0f0f_0000_ffffn]);
    assert.deepEqual(op('BXOR', 'uint64', [umax], [0xffff_0000_0000_0000n]), [0x0000_ffff_ffff_ffffn]);
    assert.deepEqual(op('LAND', 'int64', [2n ** 40n, 0n, 1n], [2n ** 33n, 5n, -1n]), [1n, 0n, 1n]);
    assert.deepEqual(op('LXOR', 'uint64', [2n ** 40n, 0n, 2n ** 63n], [2n ** 33n, 0n, 0n]), [0n, 0n, 1n]);
  });

  test('FLOAT rounds to single precision, DOUBLE does not', () => {
    assert.deepEqual(op('SUM', 'float32', [1, 16777216, 0.1], [2 ** -24, 1, 0.2]), [1, 16777216, 0.30000001192092896]);
    assert.deepEqual(op('PROD', 'float32', [3.4e38, 1 / 3], [10, 3]), [Infinity, 1]);
    assert.deepEqual(op('SUM', 'float64', [0.1, 1, 2 ** 53], [0.2, 2 ** -24, 1]), [0.30000000000000004, 1 + 2 ** -24, 2 ** 53]);
    assert.deepEqual(op('PROD', 'float64', [1e308, -0], [10, 5]), [Infinity, -0]);
  });

  test('MAX/MIN are plain comparisons: NaN in b wins, NaN in a loses (as MPICH)', () => {
    sameValues(op('MAX', 'float64', [NaN, 1, -0, 0], [1, NaN, 0, -0]), [1, NaN, 0, -0], 'MAX');
    sameValues(op('MIN', 'float64', [NaN, 1, -0, 0], [1, NaN, 0, -0]), [1, NaN, 0, -0], 'MIN');
    sameValues(op('MAX', 'float32', [-Infinity, 2.5], [-1e30, 2.5]), [Math.fround(-1e30), 2.5], 'MAX float32');
  });

  test('logical operations give 0/1 on integers and booleans', () => {
    assert.deepEqual(op('LAND', 'int32', [0, 5, -7, 0], [0, 0, 9, 4]), [0, 0, 1, 0]);
    assert.deepEqual(op('LOR', 'int32', [0, 5, -7, 0], [0, 0, 9, 4]), [0, 1, 1, 1]);
    assert.deepEqual(op('LXOR', 'int32', [0, 5, -7, 0], [0, 0, 9, 4]), [0, 1, 0, 1]);
    assert.deepEqual(op('LAND', 'bool', [0, 1, 2, 255], [0, 2, 2, 0]), [0, 1, 1, 0]);
    assert.deepEqual(op('LOR', 'bool', [0, 1, 0, 255], [0, 0, 2, 0]), [0, 1, 1, 1]);
    assert.deepEqual(op('LXOR', 'bool', [0, 1, 2, 255], [0, 2, 0, 1]), [0, 0, 1, 0]);
  });

  test('bit-wise operations on integers', () => {
    assert.deepEqual(op('BAND', 'uint32', [0xffff0000, 12], [0x0ff00ff0, 10]), [0x0ff00000, 8]);
    assert.deepEqual(op('BOR', 'uint32', [0xf0000000, 12], [0x0000000f, 10]), [0xf000000f, 14]);
    assert.deepEqual(op('BXOR', 'int8', [-1, 12], [0x0f, 10]), [-16, 6]);
  });

  test('operations that do not apply raise ERR_OP', () => {
    const d = new Float64Array(2);
    for (const name of ['BAND', 'BOR', 'BXOR', 'LAND', 'LOR', 'LXOR'] as const) {
      throwsFailure(() => applyOp(predefinedOps[name], 'float64', d, d), ERR_OP, new RegExp(`MPI\\.${name} is not defined for datatype FLOAT64`));
    }
    throwsFailure(() => applyOp(predefinedOps.BAND, 'float64', d, d, predefined.DOUBLE), ERR_OP, /BAND.*DOUBLE/);
    throwsFailure(() => applyOp(predefinedOps.SUM, 'bool', new Uint8Array(2), new Uint8Array(2), predefined.C_BOOL), ERR_OP, /SUM.*C_BOOL/);
    throwsFailure(() => applyOp(predefinedOps.MAXLOC, 'int32', new Int32Array(2), new Int32Array(2), predefined.INT), ERR_OP, /MAXLOC.*INT/);
    // A struct of mixed kinds has no element kind: only REPLACE and NO_OP apply.
    const struct: TypeDesc = { ...basicDesc('STRUCT', null, 12) };
    const x = new Uint8Array(24).fill(1), y = new Uint8Array(24).fill(2), z = new Uint8Array(24);
    throwsFailure(() => predefinedOps.SUM.combineBuffers(z, x, y, 2, struct), ERR_OP, /SUM.*STRUCT/);
    predefinedOps.REPLACE.combineBuffers(z, x, y, 2, struct);
    assert.deepEqual(z, y);
    predefinedOps.NO_OP.combineBuffers(z, x, y, 2, struct);
    assert.deepEqual(z, x);
  });

  test('views too short raise ERR_COUNT; count 0 does nothing', () => {
    const a = new Float64Array(4), b = new Float64Array(3), d = new Float64Array(4);
    throwsFailure(() => predefinedOps.SUM.combineBuffers(bytesOf(d), bytesOf(a), bytesOf(b), 4, predefined.DOUBLE), ERR_COUNT, /32 bytes, b has 24/);
    predefinedOps.SUM.combineBuffers(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), 0, predefined.DOUBLE);
    // Longer views: bytes past count elements are not touched.
    const x = new Int32Array([1, 2, 3]), y = new Int32Array([10, 20, 30]), z = new Int32Array([0, 0, 99]);
    predefinedOps.SUM.combineBuffers(bytesOf(z), bytesOf(x), bytesOf(y), 2, predefined.INT);
    assert.deepEqual(Array.from(z), [11, 22, 99]);
  });

  test('dst may be a or b (in place)', () => {
    for (const kind of ['float64', 'int64', 'int16'] as const) {
      const mk = (v: number[]) => new CTOR[kind](kind === 'int64' ? v.map(BigInt) as never : v as never);
      const t = basicDesc('T', kind, elementSize[kind]);
      const a = mk([1, 2, 3]), b = mk([10, 20, 30]);
      predefinedOps.SUM.combineBuffers(bytesOf(a), bytesOf(a), bytesOf(b), 3, t);
      sameValues(a, mk([11, 22, 33]), `${kind} dst = a`);
      sameValues(b, mk([10, 20, 30]), `${kind} b unchanged`);
      predefinedOps.PROD.combineBuffers(bytesOf(b), bytesOf(a), bytesOf(b), 3, t);
      sameValues(b, mk([110, 440, 990]), `${kind} dst = b`);
      predefinedOps.SUM.combineBuffers(bytesOf(a), bytesOf(a), bytesOf(a), 3, t);
      sameValues(a, mk([22, 44, 66]), `${kind} dst = a = b`);
    }
  });

  test('misaligned views give the same results', () => {
    for (const kind of ['float64', 'float32', 'int64', 'uint32', 'int16'] as const) {
      const [a, b] = operands(kind, 99);
      const t = basicDesc('T', kind, elementSize[kind]);
      const n = a.length;
      const bytes = n * elementSize[kind];
      const mem = new Uint8Array(3 * bytes + 3);
      const ma = mem.subarray(1, 1 + bytes), mb = mem.subarray(bytes + 2, 2 * bytes + 2), md = mem.subarray(2 * bytes + 3);
      ma.set(bytesOf(a)); mb.set(bytesOf(b));
      for (const name of ['SUM', 'MAX', 'PROD'] as const) {
        predefinedOps[name].combineBuffers(md, ma, mb, n, t);
        assert.deepEqual(md, bytesOf(applyOp(predefinedOps[name], kind, a, b)), `${name} ${kind} misaligned`);
      }
      // Misaligned and in place.
      predefinedOps.SUM.combineBuffers(ma, ma, mb, n, t);
      assert.deepEqual(ma, bytesOf(applyOp(predefinedOps.SUM, kind, a, b)), `SUM ${kind} misaligned in place`);
    }
  });

  test('derived types of one element kind reduce element-wise over their packed data', () => {
    // Contiguous: 3 doubles per element.
    const x3: TypeDesc = { ...basicDesc('DOUBLEx3', 'float64', 24) };
    const a = new Float64Array([1, 2, 3, 4, 5, 6]), b = new Float64Array([10, 20, 30, 40, 50, 60]);
    sameValues(applyOp(predefinedOps.SUM, 'float64', a, b, x3), [11, 22, 33, 44, 55, 66], 'contiguous');
    // A vector {int at 0, int at 8} (extent 12): reduced in packed form, 2 ints per element.
    const vec: TypeDesc = {
      name: 'vec', size: 8, lb: 0, extent: 12, trueLb: 0, trueExtent: 12, element: 'int32',
      contiguous: false, blocks: [[0, 4], [8, 4]],
    };
    const p = new Int32Array([1, 2, 3, 4]), q = new Int32Array([5, 6, 7, 8]);
    const r = new Int32Array(4);
    predefinedOps.MAX.combineBuffers(bytesOf(r), bytesOf(p), bytesOf(q), 2, vec);
    assert.deepEqual(Array.from(r), [5, 6, 7, 8]);
    throwsFailure(() => predefinedOps.BAND.combineBuffers(bytesOf(r), bytesOf(p), bytesOf(q), 3, vec), ERR_COUNT);
  });
});

describe('buffers: MAXLOC and MINLOC on pair types', () => {
  const DOUBLE_INT = pairType('DOUBLE_INT', 'float64');
  const FLOAT_INT = pairType('FLOAT_INT', 'float32');
  const LONG_INT = pairType('LONG_INT', 'int64');
  const SHORT_INT = pairType('SHORT_INT', 'int16');
  const INT_INT = pairType('2INT', 'int32');

  function run(op: 'MAXLOC' | 'MINLOC', type: TypeDesc, a: [number | bigint, number][], b: [number | bigint, number][]) {
    const d = new Uint8Array(a.length * type.size);
    predefinedOps[op].combineBuffers(d, packPairs(type, a), packPairs(type, b), a.length, type);
    return unpackPairs(type, d);
  }

  test('layouts as C structs (LP64)', () => {
    assert.deepEqual([DOUBLE_INT.size, DOUBLE_INT.extent, SHORT_INT.size, SHORT_INT.extent, LONG_INT.extent, FLOAT_INT.extent, INT_INT.extent],
      [12, 16, 6, 8, 16, 8, 8]);
    // The datatype module's own pair types, when present, agree.
    const pt = (CoreDT as Record<string, unknown>)['pairTypes'] as Record<string, TypeDesc> | undefined;
    if (pt) {
      for (const [mine, theirs] of [[DOUBLE_INT, pt['DOUBLE_INT']], [SHORT_INT, pt['SHORT_INT']], [LONG_INT, pt['LONG_INT']]] as const) {
        assert.deepEqual([theirs!.size, theirs!.extent, theirs!.pair], [mine.size, mine.extent, mine.pair]);
      }
    }
  });

  for (const type of [DOUBLE_INT, FLOAT_INT, SHORT_INT, INT_INT]) {
    test(`${type.name}: greater/smaller value wins, ties keep the lower index`, () => {
      const a: [number, number][] = [[2, 0], [2, 1], [3, 5], [-7, 9], [3, 2], [8, 4], [1000, 7]];
      const b: [number, number][] = [[1, 3], [2, 0], [4, 2], [-7, 9], [3, 7], [-8, 1], [-1000, 8]];
      assert.deepEqual(run('MAXLOC', type, a, b), [[2, 0], [2, 0], [4, 2], [-7, 9], [3, 2], [8, 4], [1000, 7]]);
      assert.deepEqual(run('MINLOC', type, a, b), [[1, 3], [2, 0], [3, 5], [-7, 9], [3, 2], [-8, 1], [-1000, 8]]);
    });
  }

  test('LONG_INT compares 64-bit values', () => {
    const a: [bigint, number][] = [[2n ** 40n, 1], [-1n, 2], [-(2n ** 62n), 3], [2n ** 33n + 1n, 4]];
    const b: [bigint, number][] = [[-1n, 0], [2n ** 40n, 5], [2n ** 62n, 0], [2n ** 33n + 1n, 1]];
    assert.deepEqual(run('MAXLOC', LONG_INT, a, b), [[2n ** 40n, 1], [2n ** 40n, 5], [2n ** 62n, 0], [2n ** 33n + 1n, 1]]);
    assert.deepEqual(run('MINLOC', LONG_INT, a, b), [[-1n, 0], [-1n, 2], [-(2n ** 62n), 3], [2n ** 33n + 1n, 1]]);
  });

  test('NaN: the pair from b (MPICH)', () => {
    const r = run('MAXLOC', DOUBLE_INT, [[NaN, 0], [1, 0]], [[1, 1], [NaN, 1]]);
    assert.deepEqual(r.map(([v, i]) => [Number.isNaN(v) ? 'NaN' : v, i]), [[1, 1], ['NaN', 1]]);
  });

  test('in place and misaligned', () => {
    const a = packPairs(DOUBLE_INT, [[1, 0], [5, 1], [2, 2]]);
    const b = packPairs(DOUBLE_INT, [[3, 1], [5, 0], [1, 1]]);
    const mem = new Uint8Array(b.length + 1);
    const mb = mem.subarray(1);
    mb.set(b);
    predefinedOps.MAXLOC.combineBuffers(mb, a, mb, 3, DOUBLE_INT);
    assert.deepEqual(unpackPairs(DOUBLE_INT, mb.slice()), [[3, 1], [5, 0], [2, 2]]);
    predefinedOps.MINLOC.combineBuffers(a, a, b, 3, DOUBLE_INT);
    assert.deepEqual(unpackPairs(DOUBLE_INT, a), [[1, 0], [5, 0], [1, 1]]);
  });

  test('only MAXLOC/MINLOC/REPLACE/NO_OP apply to pair types without an element kind', () => {
    const a = packPairs(DOUBLE_INT, [[1, 0]]), b = packPairs(DOUBLE_INT, [[2, 1]]), d = new Uint8Array(12);
    throwsFailure(() => predefinedOps.SUM.combineBuffers(d, a, b, 1, DOUBLE_INT), ERR_OP, /SUM.*DOUBLE_INT/);
    predefinedOps.REPLACE.combineBuffers(d, a, b, 1, DOUBLE_INT);
    assert.deepEqual(unpackPairs(DOUBLE_INT, d), [[2, 1]]);
  });
});

// ---------------------------------------------------------------------------
// Objects

describe('objects: mpi4py semantics', () => {
  const { SUM, PROD, MAX, MIN, LAND, LOR, LXOR, BAND, BOR, BXOR, MAXLOC, MINLOC, REPLACE, NO_OP } = predefinedOps;

  test('SUM adds numbers and BigInts, concatenates strings and arrays', () => {
    assert.equal(SUM.combine(2, 3), 5);
    assert.equal(SUM.combine(0.1, 0.2), 0.30000000000000004);
    assert.equal(SUM.combine(true, true), 2);
    assert.equal(SUM.combine(2n ** 64n, 1n), 2n ** 64n + 1n);
    assert.equal(SUM.combine('ab', 'cd'), 'abcd');
    const x = [1], y = [2];
    assert.deepEqual(SUM.combine(x, y), [1, 2]);
    assert.deepEqual(x, [1], 'operands unchanged');
    assert.deepEqual(SUM.combine([[1], 'a'], [[2]]), [[1], 'a', [2]], 'one level, like Python lists');
    assert.deepEqual([[1], [2], [3]].reduce((p, q) => SUM.combine(p, q) as number[]), [1, 2, 3]);
  });

  test('SUM and PROD on typed arrays: element-wise into a new array (NumPy)', () => {
    const a = new Float64Array([1, 2]), b = new Float64Array([3, 4]);
    const r = SUM.combine(a, b) as Float64Array;
    assert.ok(r instanceof Float64Array && r !== a && r !== b);
    assert.deepEqual(Array.from(r), [4, 6]);
    assert.deepEqual(Array.from(SUM.combine(new Int8Array([100]), new Int8Array([100])) as Int8Array), [-56]);
    assert.deepEqual(Array.from(PROD.combine(new BigInt64Array([2n ** 62n]), new BigInt64Array([4n])) as BigInt64Array), [0n]);
    assert.deepEqual(Array.from(SUM.combine(new Uint8ClampedArray([200]), new Uint8ClampedArray([100])) as Uint8ClampedArray), [255]);
    assert.deepEqual(Array.from(BXOR.combine(new Uint16Array([0xff00]), new Uint16Array([0x0ff0])) as Uint16Array), [0xf0f0]);
    assert.throws(() => SUM.combine(new Float64Array(2), new Int32Array(2)), (e: unknown) =>
      e instanceof TypeError && /SUM/.test(e.message) && /Float64Array/.test(e.message) && /Int32Array/.test(e.message));
    assert.throws(() => SUM.combine(new Float64Array(2), new Float64Array(3)), RangeError);
    assert.throws(() => BAND.combine(new Float64Array(2), new Float64Array(2)), (e: unknown) => e instanceof TypeError && /BAND/.test(e.message));
  });

  test('SUM and PROD reject mixed or unsupported types with a TypeError naming the op and the types', () => {
    const cases: [ReduceOp, unknown, unknown, RegExp][] = [
      [SUM, 1, 1n, /number and bigint/], [SUM, 'a', 1, /string and number/], [SUM, [1], 'a', /Array and string/],
      [SUM, null, 1, /null and number/], [SUM, {}, {}, /Object and Object/], [PROD, 'ab', 3, /string and number/],
      [PROD, [1], [2], /Array and Array/],
    ];
    for (const [op, a, b, types] of cases) {
      assert.throws(() => op.combine(a, b), (e: unknown) =>
        e instanceof TypeError && new RegExp(`MPI\\.${op.name}`).test(e.message) && types.test(e.message), `${op.name}(${String(a)}, ${String(b)})`);
    }
    assert.equal(PROD.combine(2, 3), 6);
    assert.equal(PROD.combine(3n, -4n), -12n);
  });

  test('MAX and MIN compare like Python, returning an operand', () => {
    assert.equal(MAX.combine(2, 3), 3);
    assert.equal(MIN.combine(2, 3), 2);
    assert.equal(MAX.combine('a', 'b'), 'b');
    assert.equal(MIN.combine('abc', 'abd'), 'abc');
    assert.equal(MAX.combine(1, 2n), 2n);
    assert.deepEqual(MAX.combine([1, 2], [1, 3]), [1, 3]);
    assert.deepEqual(MAX.combine([1, 2], [1, 2, 0]), [1, 2, 0]);
    assert.deepEqual(MIN.combine([2, 'a'], [2, 'b']), [2, 'a']);
    const x = [1], y = [1];
    assert.equal(MAX.combine(x, y), x, 'ties keep the first operand');
    assert.equal(MIN.combine(x, y), x);
    const d1 = new Date(1000), d2 = new Date(2000);
    assert.equal(MAX.combine(d1, d2), d2);
    // y > x is false with a NaN: the first operand stays (Python's max(x, y) order).
    assert.ok(Number.isNaN(MAX.combine(NaN, 1)));
    assert.equal(MAX.combine(1, NaN), 1);
    assert.throws(() => MAX.combine('a', 1), (e: unknown) => e instanceof TypeError && /MAX/.test(e.message) && /string and number/.test(e.message));
    assert.throws(() => MIN.combine({}, {}), TypeError);
    assert.throws(() => MAX.combine([1, 'a'], [1, 2]), TypeError);
  });

  test('LAND, LOR, LXOR give booleans (mpi4py: bool(x) & bool(y)); empty containers are false', () => {
    for (const [x, y] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      assert.equal(LAND.combine(x, y), Boolean(x && y));
      assert.equal(LOR.combine(x, y), Boolean(x || y));
      assert.equal(LXOR.combine(x, y), Boolean(x) !== Boolean(y));
    }
    assert.equal(LAND.combine([], [1]), false);
    assert.equal(LOR.combine([], {}), false);
    assert.equal(LOR.combine({ a: 1 }, ''), true);
    assert.equal(LXOR.combine('x', 0n), true);
    for (const v of [null, undefined, false, 0, -0, NaN, 0n, '', [], {}, new Map(), new Set(), new Float64Array(0)]) {
      assert.equal(truthy(v), false, `truthy(${inspect(v)})`);
    }
    for (const v of [true, 1, -1, 1n, 'a', [0], { a: 0 }, new Map([[1, 1]]), new Float64Array(1), new Date(0), () => 0]) {
      assert.equal(truthy(v), true, `truthy(${inspect(v)})`);
    }
  });

  test('BAND, BOR, BXOR on integers, BigInts and booleans', () => {
    assert.deepEqual([BAND.combine(12, 10), BOR.combine(12, 10), BXOR.combine(12, 10)], [8, 14, 6]);
    assert.equal(BAND.combine(-1, 0xff), 0xff);
    assert.equal(BAND.combine(2 ** 40 + 5, 3), 1, 'beyond 32 bits');
    assert.equal(BOR.combine(2 ** 52, 1), 2 ** 52 + 1);
    assert.equal(BXOR.combine(-(2 ** 40), 2 ** 40), -(2 ** 41));
    assert.equal(BAND.combine(0xf0n, 0x3cn), 0x30n);
    assert.equal(BXOR.combine(-1n, 2n ** 70n), -(2n ** 70n) - 1n);
    assert.equal(BAND.combine(true, false), false);
    assert.equal(BOR.combine(true, false), true);
    assert.equal(BXOR.combine(true, true), false);
    assert.equal(BOR.combine(true, 2), 3);
    for (const [a, b] of [[1.5, 1], [2 ** 60, 1], [1n, 1], ['a', 'b']]) {
      assert.throws(() => BAND.combine(a, b), (e: unknown) => e instanceof TypeError && /MPI\.BAND/.test(e.message), `BAND(${String(a)}, ${String(b)})`);
    }
  });

  test('MAXLOC and MINLOC on [value, index] pairs, the lower index on ties', () => {
    assert.deepEqual(MAXLOC.combine([3, 1], [3, 0]), [3, 0]);
    assert.deepEqual(MAXLOC.combine([3, 0], [3, 1]), [3, 0]);
    assert.deepEqual(MINLOC.combine([3, 2], [3, 1]), [3, 1]);
    assert.deepEqual(MAXLOC.combine([5, 2], [3, 0]), [5, 2]);
    assert.deepEqual(MINLOC.combine([5, 2], [3, 0]), [3, 0]);
    assert.deepEqual(MAXLOC.combine(['b', 9], ['a', 0]), ['b', 9]);
    // mpi4py's test_op: the elements of the result are the operands' own.
    const x = [1], i = [2], u = [x, i];
    const y = [2], j = [1], v = [y, j];
    let res = MINLOC.combine(u, v) as unknown[];
    assert.ok(res[0] === x && res[1] === i);
    res = MINLOC.combine(v, u) as unknown[];
    assert.ok(res[0] === x && res[1] === i);
    res = MAXLOC.combine(u, v) as unknown[];
    assert.ok(res[0] === y && res[1] === j);
    const p = [[1], [1]], q = [[1], [0]];
    res = MAXLOC.combine(p, q) as unknown[];
    assert.ok(res[0] === q[0] && res[1] === q[1], 'equal values: the lower index, compared like Python');
    for (const bad of [3, [1], [1, 2, 3], 'ab', null]) {
      assert.throws(() => MAXLOC.combine(bad, [1, 2]), (e: unknown) => e instanceof TypeError && /MAXLOC/.test(e.message) && /pairs/.test(e.message));
    }
  });

  test('REPLACE and NO_OP', () => {
    assert.equal(REPLACE.combine(2, 3), 3);
    assert.equal(NO_OP.combine(2, 3), 2);
    const o = { a: 1 };
    assert.equal(REPLACE.combine(1, o), o);
  });

  test('names and commutativity of the core operations', () => {
    for (const [name, op] of Object.entries(predefinedOps)) {
      assert.equal(op.name, name);
      assert.equal(op.commute, name !== 'REPLACE' && name !== 'NO_OP');
      assert.ok(Object.isFrozen(op));
    }
  });
});

// ---------------------------------------------------------------------------
// User operations (core)

describe('userOp (core)', () => {
  const twiceA = (inv: Float64Array, inout: Float64Array) => { for (let i = 0; i < inv.length; i++) inout[i] = 2 * inv[i]! + inout[i]!; };

  test('objects: fn(a, b) with exactly two arguments, its result returned', () => {
    let args: unknown[] = [];
    const op = userOp(function (...xs: unknown[]) { args = xs; return (xs[0] as number) * 2 + (xs[1] as number); });
    assert.equal(op.combine(1, 2), 4);
    assert.deepEqual(args, [1, 2]);
    assert.equal(op.name, 'user');
    assert.equal(op.commute, false);
    assert.equal(userOp(Math.max, true).combine(-1, -2), -1, 'no third argument to confuse variadic functions');
    assert.equal(userOp(Math.max, true).commute, true);
  });

  test('buffers: fn(invec, inoutvec, datatype) with typed views; invec is a', () => {
    let seen: unknown[] = [];
    const op = userOp((inv: Float64Array, inout: Float64Array, dt: unknown) => { seen = [inv.constructor, inout.constructor, dt]; twiceA(inv, inout); });
    const a = new Float64Array([1, 2]), b = new Float64Array([10, 20]), d = new Float64Array(2);
    op.combineBuffers(bytesOf(d), bytesOf(a), bytesOf(b), 2, predefined.DOUBLE);
    assert.deepEqual(Array.from(d), [12, 24]);
    assert.deepEqual([Array.from(a), Array.from(b)], [[1, 2], [10, 20]], 'operands unchanged');
    assert.deepEqual(seen, [Float64Array, Float64Array, predefined.DOUBLE], 'datatype defaults to the TypeDesc');
    // dst = a: a is kept for invec before inoutvec (a) is overwritten with b.
    op.combineBuffers(bytesOf(a), bytesOf(a), bytesOf(b), 2, predefined.DOUBLE);
    assert.deepEqual(Array.from(a), [12, 24]);
    // dst = b: in place, as MPI's inoutvec.
    const a2 = new Float64Array([1, 2]);
    op.combineBuffers(bytesOf(b), bytesOf(a2), bytesOf(b), 2, predefined.DOUBLE);
    assert.deepEqual(Array.from(b), [12, 24]);
  });

  test('buffers: views of each kind, the datatype supplier, misaligned memory', () => {
    const kinds: [TypeDesc, unknown][] = [
      [predefined.INT, Int32Array], [predefined.LONG, BigInt64Array], [predefined.UNSIGNED_LONG, BigUint64Array],
      [predefined.FLOAT, Float32Array], [predefined.C_BOOL, Uint8Array], [predefined.BYTE, Uint8Array], [predefined.SIGNED_CHAR, Int8Array],
    ];
    for (const [t, ctor] of kinds) {
      let got: unknown;
      let dt: unknown;
      const op = userOp((inv: ArrayBufferView, _inout: ArrayBufferView, d: unknown) => { got = inv.constructor; dt = d; }, false, (x) => `handle of ${x.name}`);
      const m = new Uint8Array(2 * t.size);
      op.combineBuffers(m, m, m, 2, t);
      assert.equal(got, ctor, t.name);
      assert.equal(dt, `handle of ${t.name}`);
    }
    const op = userOp(twiceA);
    const mem = new Uint8Array(3 * 16 + 3);
    const a = mem.subarray(1, 17), b = mem.subarray(18, 34), d = mem.subarray(35, 51);
    a.set(bytesOf(new Float64Array([1, 2]))); b.set(bytesOf(new Float64Array([10, 20])));
    op.combineBuffers(d, a, b, 2, predefined.DOUBLE);
    assert.deepEqual(Array.from(new Float64Array(d.slice().buffer)), [12, 24]);
    op.combineBuffers(a, a, b, 2, predefined.DOUBLE);
    assert.deepEqual(Array.from(new Float64Array(a.slice().buffer)), [12, 24]);
  });

  test('rejects a non-function', () => {
    assert.throws(() => userOp(42 as never), TypeError);
  });
});

// ---------------------------------------------------------------------------
// MPI.Op

describe('MPI.Op', () => {
  const PREDEF = ['SUM', 'PROD', 'MAX', 'MIN', 'LAND', 'LOR', 'LXOR', 'BAND', 'BOR', 'BXOR', 'MAXLOC', 'MINLOC', 'REPLACE', 'NO_OP'] as const;

  test('predefined operations are callable, as in mpi4py', () => {
    assert.equal(MPI.SUM(2, 3), 5);
    assert.equal(MPI.MAX('a', 'b'), 'b');
    assert.equal(MPI.MIN(2, 3), 2);
    assert.equal(MPI.PROD(2, 3), 6);
    assert.equal(MPI.REPLACE(2, 3), 3);
    assert.equal(MPI.NO_OP(2, 3), 2);
    assert.deepEqual(MPI.SUM([1], [2]), [1, 2]);
    assert.deepEqual(MPI.MAXLOC([7, 3], [7, 1]), [7, 1]);
    assert.equal([3, 9, 4].reduce(MPI.MAX as (p: number, q: number) => number), 9);
    assert.equal(MPI.SUM.call(null, 1, 2), 3, 'Function.prototype methods work');
  });

  test('handles: instanceof, names, predefined, commutative', () => {
    for (const name of PREDEF) {
      const op = MPI[name];
      assert.ok(op instanceof Op, name);
      assert.equal(typeof op, 'function');
      assert.equal(op.name, name);
      assert.equal(String(op), `MPI.${name}`);
      assert.equal(inspect(op), `MPI.${name}`);
      assert.equal(op.is_predefined, true);
      assert.equal(op.Is_commutative(), op.is_commutative);
      assert.equal(op.is_commutative, name !== 'REPLACE' && name !== 'NO_OP');
      assert.equal(op.reduceOp('test'), predefinedOps[name]);
      throwsMpi(() => op.Free(), ERR_OP, /Op\.Free/, new RegExp(`predefined operation MPI\\.${name}`));
    }
  });

  test('OP_NULL and new Op()', () => {
    for (const op of [MPI.OP_NULL, new Op()]) {
      assert.ok(op instanceof Op);
      assert.equal(String(op), 'MPI.OP_NULL');
      assert.equal(op.is_predefined, true);
      // mpi4py raises ValueError when OP_NULL is called: RangeError here.
      assert.throws(() => op(1, 2), { name: 'RangeError', message: /OP_NULL is not an operation/ });
      throwsMpi(() => op.Free(), ERR_OP);
      throwsMpi(() => op.Is_commutative(), ERR_OP);
      throwsMpi(() => op.reduceOp('Allreduce'), ERR_OP, /^Allreduce: OP_NULL/);
    }
    assert.throws(() => new Op(42 as never), TypeError);
  });

  test('Op.Create on objects: non-commutative, argument order kept', () => {
    const op = Op.Create((a: number, b: number) => a * 2 + b);
    assert.ok(op instanceof Op);
    assert.equal(op(1, 2), 4);
    assert.equal(op(2, 1), 5);
    assert.equal(op.is_predefined, false);
    assert.equal(op.Is_commutative(), false);
    assert.equal(Op.Create((a: number, b: number) => a + b, true).is_commutative, true);
    // Reducing [1, 2, 3] in rank order: (1*2+2)*2+3.
    assert.equal([1, 2, 3].reduce(op as (p: number, q: number) => number), 11);
    function concat(a: string, b: string) { return a + b; }
    assert.equal(String(Op.Create(concat, true)), 'MPI.Op(concat, commute=true)');
  });

  test('Op.Create on buffers: Reduce_local(inbuf, inoutbuf) calls fn(invec, inoutvec, datatype)', () => {
    let dt: unknown;
    const op = Op.Create((inv: Int32Array, inout: Int32Array, d: unknown) => {
      dt = d;
      for (let i = 0; i < inv.length; i++) inout[i] = inv[i]! * 2 + inout[i]!;
    });
    const inbuf = new Int32Array([1, 2]), inout = new Int32Array([5, 6]);
    op.Reduce_local(inbuf, inout);
    assert.deepEqual(Array.from(inout), [7, 10]);
    assert.deepEqual(Array.from(inbuf), [1, 2]);
    assert.equal(dt, DT.INT, 'the MPI.Datatype handle');
    op.Reduce_local([new Float64Array([1]), DT.DOUBLE], [new Float64Array([1]), 'd']);
    assert.equal(dt, DT.DOUBLE);
    const big = Op.Create((inv: BigInt64Array, io: BigInt64Array) => { io[0] = inv[0]! - io[0]!; });
    const x = new BigInt64Array([10n]);
    big.Reduce_local([new BigInt64Array([3n]), DT.LONG], [x, DT.LONG]);
    assert.deepEqual(Array.from(x), [-7n]);
  });

  test('Op.Create with an operation as the function', () => {
    const op = Op.Create(MPI.SUM, true);
    assert.equal(op(2, 3), 5);
    const io = new Float64Array([1, 2]);
    op.Reduce_local(new Float64Array([10, 20]), io);
    assert.deepEqual(Array.from(io), [11, 22]);
    assert.equal(op.is_predefined, false);
  });

  test('Op.Create checks its arguments', () => {
    assert.throws(() => Op.Create(42 as never), (e: unknown) => e instanceof TypeError && /Op\.Create: function must be a function/.test(e.message));
    assert.throws(() => Op.Create((a: unknown) => a, 'yes' as never), (e: unknown) => e instanceof TypeError && /commute/.test(e.message));
  });

  test('Free: user operations once; copies share the handle', () => {
    const op = Op.Create((a: number, b: number) => a + b);
    const copy = new Op(op);
    assert.equal(copy(1, 2), 3);
    copy.Free();
    assert.equal(op.is_predefined, true, 'a freed operation is OP_NULL');
    assert.equal(String(op), 'MPI.Op(freed)');
    throwsMpi(() => op(1, 2), ERR_OP, /freed/);
    throwsMpi(() => op.Free(), ERR_OP, /freed/);
    throwsMpi(() => op.Reduce_local(new Int32Array(1), new Int32Array(1)), ERR_OP, /Reduce_local: operation was freed/);
  });

  test('Reduce_local with predefined operations', () => {
    const a = new Float64Array([1, 2, 3]), b = new Float64Array([10, 20, 30]);
    MPI.SUM.Reduce_local(a, b);
    assert.deepEqual(Array.from(b), [11, 22, 33]);
    MPI.MAX.Reduce_local([new Int32Array([5, -5]), DT.INT], [new Int32Array([1, 1]), 'i']);
    throwsMpi(() => MPI.BAND.Reduce_local(a, b), ERR_OP, /^Reduce_local: MPI\.BAND is not defined for datatype DOUBLE/);
    throwsMpi(() => MPI.OP_NULL.Reduce_local(a, b), ERR_OP, /Reduce_local/);
    assert.throws(() => MPI.SUM.Reduce_local(a, new Float64Array(2)), (e: unknown) => e instanceof RangeError && /count 3 and inoutbuf count 2/.test(e.message));
    assert.throws(() => MPI.SUM.Reduce_local(a, new Int32Array(3)), (e: unknown) => e instanceof RangeError && /datatypes \(DOUBLE and INT\)/.test(e.message));
    assert.throws(() => MPI.SUM.Reduce_local(42 as never, b), TypeError);
  });

  test('Reduce_local on a non-contiguous datatype leaves the gaps alone', (t) => {
    const DTx = DT as unknown as { INT: { Create_vector?: (c: number, b: number, s: number) => { Commit(): unknown } } };
    if (typeof DTx.INT.Create_vector !== 'function') { t.skip('no Create_vector yet'); return; }
    const vec = DTx.INT.Create_vector(2, 1, 2).Commit(); // ints at 0 and 2; extent 3 ints
    const inbuf = new Int32Array([1, -1, 2, 3, -1, 4]);
    const io = new Int32Array([10, 77, 20, 30, 88, 40]);
    MPI.SUM.Reduce_local([inbuf, 2, vec as never], [io, 2, vec as never]);
    assert.deepEqual(Array.from(io), [11, 77, 22, 33, 88, 44]);
  });

  test('Reduce_local with MAXLOC on the datatype module\'s pair types (when present)', (t) => {
    const DOUBLE_INT = (DT as Record<string, unknown>)['DOUBLE_INT'];
    if (DOUBLE_INT === undefined) { t.skip('no DOUBLE_INT yet'); return; }
    // Two C structs {double; int} with padding: extent 16.
    const mk = (pairs: [number, number][]) => {
      const buf = new ArrayBuffer(16 * pairs.length);
      const dv = new DataView(buf);
      pairs.forEach(([v, i], k) => { dv.setFloat64(16 * k, v, true); dv.setInt32(16 * k + 8, i, true); dv.setInt32(16 * k + 12, 0x5eed, true); });
      return { buf, dv };
    };
    const a = mk([[1, 3], [5, 2]]), b = mk([[1, 0], [4, 9]]);
    MPI.MAXLOC.Reduce_local([new Uint8Array(a.buf), 2, DOUBLE_INT as never], [new Uint8Array(b.buf), 2, DOUBLE_INT as never]);
    assert.deepEqual([b.dv.getFloat64(0, true), b.dv.getInt32(8, true), b.dv.getFloat64(16, true), b.dv.getInt32(24, true)], [1, 0, 5, 2]);
    assert.equal(b.dv.getInt32(12, true), 0x5eed, 'padding untouched');
  });

  test('toReduceOp checks the op argument of collectives', () => {
    assert.equal(toReduceOp('Allreduce', MPI.SUM), predefinedOps.SUM);
    assert.throws(() => toReduceOp('Allreduce', (a: number, b: number) => a + b), (e: unknown) =>
      e instanceof TypeError && /^Allreduce: op must be an MPI\.Op/.test(e.message));
    throwsMpi(() => toReduceOp('allreduce', MPI.OP_NULL), ERR_OP, /^allreduce:/);
  });
});

// ---------------------------------------------------------------------------
// Speed (printed, not asserted)

test('speed: SUM of 1 MiB of doubles', (t) => {
  const n = (1 << 20) / 8;
  const a = new Float64Array(n).fill(1.5), b = new Float64Array(n).fill(2.5), d = new Float64Array(n);
  const [ba, bb, bd] = [bytesOf(a), bytesOf(b), bytesOf(d)];
  const report = (label: string, f: () => void, bytes: number) => {
    for (let i = 0; i < 20; i++) f();
    const reps = 200;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) f();
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / reps;
    t.diagnostic(`${label}: ${us.toFixed(1)} us per MiB (${(bytes * 3 / us / 1e3).toFixed(1)} GB/s over 3 streams)`);
  };
  report('SUM float64', () => predefinedOps.SUM.combineBuffers(bd, ba, bb, n, predefined.DOUBLE), 1 << 20);
  report('SUM float64 in place', () => predefinedOps.SUM.combineBuffers(bb, ba, bb, n, predefined.DOUBLE), 1 << 20);
  report('SUM int32', () => predefinedOps.SUM.combineBuffers(bd, ba, bb, 2 * n, predefined.INT), 1 << 20);
  report('SUM int64', () => predefinedOps.SUM.combineBuffers(bd, ba, bb, n, predefined.LONG), 1 << 20);
  report('MAX float32', () => predefinedOps.MAX.combineBuffers(bd, ba, bb, 2 * n, predefined.FLOAT), 1 << 20);
  const copy = new Float64Array(n);
  report('baseline: Float64Array.set (2 streams)', () => copy.set(a), (1 << 20) * 2 / 3);
  assert.equal(d.length, n);
});
