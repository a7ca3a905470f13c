/**
 * The datatype functions of issue 14 that mpi4py's own tests check only
 * loosely: external32 bytes (compared with what Open MPI 4.1's
 * MPI_Pack_external writes for the same data), the types JavaScript cannot
 * represent, synthetic addresses, the codes, and `npm run api-coverage`.
 *
 * Run: node --import tsx --test test/unit/datatype_external32.test.ts
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import * as DT from '../../src/api/datatype.ts';
import { Datatype, Get_address, Aint_add, Aint_diff } from '../../src/api/datatype.ts';
import { Exception } from '../../src/api/errors.ts';
import { BOTTOM } from '../../src/core/sentinels.ts';
import { ERR_TYPE, ERR_CONVERSION, ERR_ARG, MpiFailure } from '../../src/core/errorcodes.ts';

function throwsMpi(f: () => unknown, errorClass: number, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof Exception, `expected MPI.Exception, got ${String(e)}`);
    assert.equal(e.Get_error_class(), errorClass, e.message);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('external32', () => {
  test('a struct {double, int, long, float complex, short} packs as Open MPI packs it', () => {
    // C: struct {double d; int i; long l; float _Complex z; short s;} x = {1.5, -7, 123456, 1+2i, -3};
    // MPI_Pack_external("external32", &x, 1, <struct type>, ...) with Open MPI 4.1.4 gave this.
    const mem = new ArrayBuffer(40);
    const dv = new DataView(mem);
    dv.setFloat64(0, 1.5, true); dv.setInt32(8, -7, true); dv.setBigInt64(16, 123456n, true);
    dv.setFloat32(24, 1, true); dv.setFloat32(28, 2, true); dv.setInt16(32, -3, true);
    const st = Datatype.Create_struct([1, 1, 1, 1, 1], [0, 8, 16, 24, 32],
      [DT.DOUBLE, DT.INT, DT.LONG, DT.C_FLOAT_COMPLEX, DT.SHORT]).Commit();
    assert.equal(st.Pack_external_size('external32', 1), 26);
    const out = new Uint8Array(26);
    assert.equal(st.Pack_external('external32', new Uint8Array(mem), out, 0), 26);
    assert.equal(hex(out), '3ff8000000000000fffffff90001e2403f80000040000000fffd');
    // And MPI_Pack (the native representation) as Open MPI's.
    const native = new Uint8Array(30);
    assert.equal(st.Pack(new Uint8Array(mem), native, 0, null), 30);
    assert.equal(hex(native), '000000000000f83ff9ffffff40e20100000000000000803f00000040fdff');
    const back = new Uint8Array(40);
    assert.equal(st.Unpack_external('external32', out, 0, back), 26);
    const bv = new DataView(back.buffer);
    assert.deepEqual([bv.getFloat64(0, true), bv.getInt32(8, true), bv.getBigInt64(16, true), bv.getFloat32(24, true),
      bv.getFloat32(28, true), bv.getInt16(32, true)], [1.5, -7, 123456n, 1, 2, -3]);
  });

  test('C long is 4 bytes in external32: values beyond 32 bits are ERR_CONVERSION, negatives widen back', () => {
    assert.equal(DT.LONG.Pack_external_size('external32', 3), 12);
    assert.equal(DT.UNSIGNED_LONG.Pack_external_size('external32', 1), 4);
    assert.equal(DT.LONG_LONG.Pack_external_size('external32', 1), 8);
    assert.equal(DT.WCHAR.Pack_external_size('external32', 1), 2);
    assert.equal(DT.LONG_INT.Pack_external_size('external32', 1), 8);
    const out = new Uint8Array(12);
    DT.LONG.Pack_external('external32', BigInt64Array.of(-2n, 1n, 2147483647n), out, 0);
    assert.equal(hex(out), 'fffffffe000000017fffffff');
    const back = new BigInt64Array(3);
    DT.LONG.Unpack_external('external32', out, 0, back);
    assert.deepEqual([...back], [-2n, 1n, 2147483647n]);
    throwsMpi(() => DT.LONG.Pack_external('external32', BigInt64Array.of(1n << 40n), out, 0), ERR_CONVERSION,
      /^Pack_external: value 1099511627776 of LONG does not fit the 4 bytes/);
    const w = new Uint8Array(2);
    DT.WCHAR.Pack_external('external32', Int32Array.of(0xfffe), w, 0);
    assert.equal(hex(w), 'fffe');
  });

  test('only "external32"; buffers too small are ERR_BUFFER', () => {
    throwsMpi(() => DT.INT.Pack_external_size('native', 1), ERR_ARG, /unsupported data representation "native"/);
    throwsMpi(() => DT.INT.Pack_external('external32', new Int32Array(2), new Uint8Array(7), 0), 1 /* ERR_BUFFER */, /no room for 8 bytes/);
  });
});

describe('types JavaScript cannot represent', () => {
  test('LONG_DOUBLE & co. exist and every use is ERR_TYPE naming the reason', () => {
    for (const t of [DT.LONG_DOUBLE, DT.C_LONG_DOUBLE_COMPLEX, DT.FLOAT16_T, DT.INTEGER16, DT.REAL16, DT.LONG_DOUBLE_INT]) {
      assert.ok(t instanceof Datatype);
      throwsMpi(() => t.Get_size(), ERR_TYPE, new RegExp(`^Get_size: ${t.Get_name()}: `), /JavaScript|Node\.js/);
      throwsMpi(() => t.Create_contiguous(2), ERR_TYPE);
    }
    assert.equal(DT.LONG_DOUBLE.typechar, 'g');
  });
});

describe('codes and handles', () => {
  test('typechar, typestr, tocode and fromcode', () => {
    const cases: [Datatype, string, string, string][] = [
      [DT.INT, 'i', 'i4', 'i'], [DT.LONG, 'l', 'i8', 'l'], [DT.UNSIGNED_LONG_LONG, 'Q', 'u8', 'Q'],
      [DT.C_DOUBLE_COMPLEX, 'D', 'c16', 'D'], [DT.COMPLEX8, 'F', 'c8', 'c8'], [DT.INT32_T, 'i', 'i4', 'i4'],
      [DT.CHAR, 'c', 'S1', 'c'], [DT.C_BOOL, '?', 'b1', '?'], [DT.AINT, 'p', 'i8', 'p'],
    ];
    for (const [t, char, str, code] of cases) {
      assert.deepEqual([t.typechar, t.typestr, t.tocode()], [char, str, code], t.Get_name());
      assert.equal(Datatype.fromcode(code).typestr, str);
    }
    assert.deepEqual([DT.DOUBLE_INT.typechar, DT.DOUBLE_INT.typestr], ['V', 'V16']);
    assert.deepEqual([DT.DATATYPE_NULL.typechar, DT.DATATYPE_NULL.typestr], ['', '']);
    assert.throws(() => DT.INT.Create_vector(2, 1, 2).tocode(), RangeError);
    assert.throws(() => Datatype.fromcode('x9'), RangeError);
  });

  test('new Datatype(t) is another handle of t; decode names the constructor arguments', () => {
    assert.ok(new Datatype(DT.INT).equals(DT.INT));
    assert.ok(!DT.INT.equals(DT.INT32_T));
    assert.ok(new Datatype().equals(DT.DATATYPE_NULL));
    assert.throws(() => new Datatype(3 as never), TypeError);
    const v = DT.INT.Create_hvector(3, 2, 20);
    const [base, name, params] = v.decode();
    assert.ok(base.equals(DT.INT));
    assert.deepEqual([name, params], ['HVECTOR', { count: 3, blocklength: 2, stride: 20 }]);
    const f = Datatype.Create_f90_real(10, 100);
    assert.deepEqual(f.decode().slice(1), ['F90_REAL', { p: 10, r: 100 }]);
    assert.equal(f.size, 8);
    assert.equal(Datatype.Create_f90_real(10, 100), f, 'the same parameters give the same handle');
    throwsMpi(() => Datatype.Create_f90_integer(19), ERR_ARG, /at most 18/);
    assert.equal(Datatype.Match_size(DT.TYPECLASS_COMPLEX, 16).Get_name(), 'COMPLEX16');
    throwsMpi(() => Datatype.Match_size(DT.TYPECLASS_REAL, 2), ERR_ARG);
  });

  test('synthetic addresses: byte distances within one buffer, 0 for BOTTOM and null', () => {
    const a = new Float64Array(10);
    assert.equal(Aint_diff(Get_address(a.subarray(3)), Get_address(a)), 24);
    assert.equal(Aint_diff(Get_address(new DataView(a.buffer, 5)), Get_address(a.buffer)), 5);
    assert.equal(Get_address(BOTTOM), 0);
    assert.equal(Get_address(null), 0);
    const b = new Float64Array(10);
    assert.ok(Math.abs(Aint_diff(Get_address(b), Get_address(a))) >= 2 ** 36, 'buffers do not overlap');
    assert.equal(Aint_add(100, -4), 96);
    assert.throws(() => Get_address('x'), TypeError);
    assert.throws(() => Aint_add(1.5, 0), TypeError);
  });
});

describe('MPI.BOTTOM with absolute addresses', () => {
  test('a struct of addresses within one ArrayBuffer describes that memory; across buffers it is ERR_BUFFER', async () => {
    const { parseBuffer } = await import('../../src/core/msgbuffer.ts');
    const { outgoing } = await import('../../src/core/pack.ts');
    const failsWith = (f: () => unknown, errorClass: number, pattern: RegExp): void => {
      assert.throws(f, (e: unknown) => e instanceof MpiFailure && e.errorClass === errorClass && pattern.test(e.message));
    };
    const mem = new ArrayBuffer(64);
    const d = Float64Array.of(0, 0, 0);
    const dd = new Float64Array(mem, 8, 2);
    const ii = new Int32Array(mem, 40, 3);
    dd.set([1.5, -2]);
    ii.set([7, 8, 9]);
    const t = Datatype.Create_struct([2, 3], [Get_address(dd), Get_address(ii)], [DT.DOUBLE, DT.INT]).Commit();
    const m = parseBuffer('Send', 'buf', [BOTTOM, 1, t]);
    const bytes = outgoing(m);
    assert.deepEqual([...new Float64Array(bytes.slice(0, 16).buffer)], [1.5, -2]);
    assert.deepEqual([...new Int32Array(bytes.slice(16, 28).buffer)], [7, 8, 9]);
    const t2 = Datatype.Create_struct([1, 1], [Get_address(d), Get_address(ii)], [DT.DOUBLE, DT.INT]).Commit();
    failsWith(() => parseBuffer('Send', 'buf', [BOTTOM, 1, t2]), 1 /* ERR_BUFFER */, /not within one ArrayBuffer/);
    failsWith(() => parseBuffer('Send', 'buf', [BOTTOM, 1, DT.INT]), 1, /not within one ArrayBuffer/);
    failsWith(() => parseBuffer('Send', 'buf', BOTTOM), 1, /MPI.BOTTOM needs a datatype/);
    // Past the end of the ArrayBuffer the address names (40 + 7 * 4 > 64): refused, not read.
    const over = Datatype.Create_struct([7], [Get_address(ii)], [DT.INT]).Commit();
    failsWith(() => parseBuffer('Send', 'buf', [BOTTOM, 1, over]), 1, /not within one ArrayBuffer/);
  });
});

describe('npm run api-coverage', () => {
  test('counts mpi4py names against dist/: none missing (Win and File included), omissions with their reason', () => {
    const out = execFileSync(process.execPath, ['scripts/api-coverage.mjs', '--json'], { encoding: 'utf8' });
    const r = JSON.parse(out) as { rows: { scope: string; have: number; total: number }[]; missing: Record<string, string[]>; omitted: { name: string; reason: string }[]; summary: string };
    const row = (scope: string) => r.rows.find((x) => x.scope === scope)!;
    assert.ok(row('Datatype').have >= 53, JSON.stringify(row('Datatype')));
    assert.deepEqual(r.missing, {}, 'every mpi4py name is in mpi4ts or in docs/mpi4py-differences.md');
    assert.equal(row('Win').have + 7, row('Win').total, JSON.stringify(row('Win')));
    assert.ok(r.omitted.some((o) => o.name === 'Datatype.py2f' && /Fortran/.test(o.reason)));
    assert.match(r.summary, /^mpi4ts has \d+ of \d+ mpi4py names/);
  });
});
