/**
 * Unit tests for datatypes: the public handles (src/api/datatype.ts) and the
 * layouts behind them (src/core/datatype.ts).
 *
 * Run: node --import tsx --test test/unit/datatype.test.ts
 *
 * The last suite imports the whole API, which starts the runtime: this test
 * process becomes a singleton world of one rank.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as DT from '../../src/api/datatype.ts';
import { Datatype } from '../../src/api/datatype.ts';
import { Exception } from '../../src/api/errors.ts';
import { predefined, basicDesc, elementSize, inferDesc, TypeHandle } from '../../src/core/datatype.ts';
import { parseBuffer } from '../../src/core/msgbuffer.ts';
import { ERR_TYPE, ERR_COUNT } from '../../src/core/errorcodes.ts';

/** assert.throws for an MPI.Exception of `errorClass` whose message matches every pattern. */
function throwsMpi(f: () => unknown, errorClass: number, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof Exception, `expected MPI.Exception, got ${String(e)}`);
    assert.equal(e.name, 'MPI.Exception');
    assert.equal(e.Get_error_class(), errorClass, `error class of: ${e.message}`);
    assert.equal(e.error_class, errorClass);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

/** Sizes of the predefined datatypes, as in mpi4py on LP64 Linux. */
const SIZES: Record<string, number> = {
  PACKED: 1, BYTE: 1, AINT: 8, OFFSET: 8, COUNT: 8, CHAR: 1, WCHAR: 4, SIGNED_CHAR: 1, SHORT: 2,
  INT: 4, LONG: 8, LONG_LONG: 8, UNSIGNED_CHAR: 1, UNSIGNED_SHORT: 2, UNSIGNED: 4, UNSIGNED_LONG: 8,
  UNSIGNED_LONG_LONG: 8, FLOAT: 4, DOUBLE: 8, C_BOOL: 1, INT8_T: 1, INT16_T: 2, INT32_T: 4, INT64_T: 8,
  UINT8_T: 1, UINT16_T: 2, UINT32_T: 4, UINT64_T: 8, CHARACTER: 1, LOGICAL: 4, INTEGER: 4, REAL: 4,
  DOUBLE_PRECISION: 8, COMPLEX: 8, DOUBLE_COMPLEX: 16, C_FLOAT_COMPLEX: 8, C_DOUBLE_COMPLEX: 16, CXX_BOOL: 1,
  CXX_FLOAT_COMPLEX: 8, CXX_DOUBLE_COMPLEX: 16, LOGICAL1: 1, LOGICAL2: 2, LOGICAL4: 4, LOGICAL8: 8, INTEGER1: 1,
  INTEGER2: 2, INTEGER4: 4, INTEGER8: 8, REAL4: 4, REAL8: 8, COMPLEX8: 8, COMPLEX16: 16,
};

describe('predefined datatypes', () => {
  test('sizes, extents, bounds and names', () => {
    for (const [name, size] of Object.entries(SIZES)) {
      const t = (DT as unknown as Record<string, Datatype>)[name]!;
      assert.ok(t instanceof Datatype, name);
      assert.ok(t instanceof TypeHandle, name);
      assert.equal(t.Get_size(), size, `${name} size`);
      assert.equal(t.size, size, `${name} size`);
      assert.deepEqual(t.Get_extent(), [0, size], `${name} extent`);
      assert.equal(t.extent, size);
      assert.equal(t.lb, 0);
      assert.equal(t.ub, size);
      assert.deepEqual(t.Get_true_extent(), [0, size]);
      assert.equal(t.Get_name(), name);
      assert.equal(t.name, name);
      assert.equal(String(t), `MPI.${name}`);
      assert.equal(t.is_predefined, true);
      assert.equal(t.typeDesc('test'), predefined[name as keyof typeof predefined], `${name} is usable without Commit`);
    }
  });

  test('the common ones, spelled out', () => {
    assert.equal(DT.INT.Get_size(), 4);
    assert.equal(DT.DOUBLE.Get_size(), 8);
    assert.equal(DT.LONG.Get_size(), 8);
    assert.equal(DT.FLOAT.Get_size(), 4);
    assert.equal(DT.SHORT.Get_size(), 2);
    assert.equal(DT.CHAR.Get_size(), 1);
    assert.equal(DT.BYTE.Get_size(), 1);
    assert.equal(DT.UNSIGNED_LONG_LONG.Get_size(), 8);
  });

  test('aliases are the same handles', () => {
    assert.equal(DT.SIGNED_SHORT, DT.SHORT);
    assert.equal(DT.SIGNED_INT, DT.INT);
    assert.equal(DT.SIGNED_LONG, DT.LONG);
    assert.equal(DT.SIGNED_LONG_LONG, DT.LONG_LONG);
    assert.equal(DT.UNSIGNED_INT, DT.UNSIGNED);
    assert.equal(DT.BOOL, DT.C_BOOL);
  });

  test('core layouts: basic descriptors are contiguous with element sizes', () => {
    for (const [name, d] of Object.entries(predefined)) {
      if (name === 'DATATYPE_NULL') continue;
      assert.equal(d.name, name);
      assert.equal(d.size, SIZES[name], name);
      assert.equal(d.contiguous, true);
      assert.deepEqual(d.blocks, [[0, d.size]]);
      assert.ok(d.element !== null && elementSize[d.element] === d.size, `${name} element ${d.element}`);
    }
    assert.equal(predefined.DATATYPE_NULL.size, 0);
    assert.deepEqual(basicDesc('X', 'int16', 2), {
      name: 'X', size: 2, lb: 0, extent: 2, trueLb: 0, trueExtent: 2, element: 'int16', contiguous: true, blocks: [[0, 2]],
    });
    assert.equal(inferDesc(new Float64Array(1)), predefined.DOUBLE);
    assert.equal(inferDesc(new Int32Array(1)), predefined.INT);
  });

  test('Free on a predefined datatype is ERR_TYPE, and the type stays usable', () => {
    for (const t of [DT.INT, DT.DOUBLE, DT.BYTE, DT.DATATYPE_NULL]) {
      throwsMpi(() => t.Free(), ERR_TYPE, /^Free: /, /cannot free predefined/, new RegExp(t.name));
    }
    assert.equal(DT.INT.Get_size(), 4);
    assert.equal(parseBuffer('Send', 'buf', [new Int32Array(2), DT.INT]).count, 2);
  });

  test('DATATYPE_NULL cannot describe a buffer', () => {
    throwsMpi(() => parseBuffer('Send', 'buf', [new Int32Array(2), DT.DATATYPE_NULL]), ERR_TYPE, /DATATYPE_NULL/);
    throwsMpi(() => parseBuffer('Send', 'buf', [new Int32Array(2), 0, DT.DATATYPE_NULL]), ERR_TYPE);
  });

  // MPI_Type_dup / MPI_Type_contiguous on MPI_DATATYPE_NULL are MPI_ERR_TYPE
  // (and raise in mpi4py); here they return a usable zero-size type.
  test('Dup and Create_contiguous of DATATYPE_NULL are ERR_TYPE', () => {
    throwsMpi(() => DT.DATATYPE_NULL.Dup(), ERR_TYPE);
    throwsMpi(() => DT.DATATYPE_NULL.Create_contiguous(2), ERR_TYPE);
  });
});

describe('derived datatypes: Create_contiguous', () => {
  test('size and extent are count times the base', () => {
    for (const [base, n] of [[DT.INT, 3], [DT.DOUBLE, 5], [DT.BYTE, 1], [DT.SHORT, 7]] as const) {
      const t = base.Create_contiguous(n);
      const size = base.Get_size() * n;
      assert.equal(t.Get_size(), size);
      assert.deepEqual(t.Get_extent(), [0, size]);
      assert.deepEqual(t.Get_true_extent(), [0, size]);
      assert.equal(t.lb, 0);
      assert.equal(t.ub, size);
      assert.equal(t.is_predefined, false);
      assert.equal(t.Get_name(), `${base.name}x${n}`);
    }
  });

  test('count 0 is an empty type', () => {
    const t = DT.DOUBLE.Create_contiguous(0);
    assert.equal(t.Get_size(), 0);
    assert.deepEqual(t.Get_extent(), [0, 0]);
    t.Commit();
    const m = parseBuffer('Send', 'buf', [new Float64Array(2), 0, t]);
    assert.equal(m.count, 0);
    assert.equal(m.bytes.length, 0);
    // Elements without data make an empty message (MPI allows sending them; darray pieces can be empty).
    const one = parseBuffer('Send', 'buf', [new Float64Array(2), 1, t]);
    assert.deepEqual([one.count, one.bytes.length], [1, 0]);
  });

  test('nested: contiguous of contiguous (no Commit needed to build on a type)', () => {
    const pair = DT.INT.Create_contiguous(2);
    const six = pair.Create_contiguous(3);
    assert.equal(six.Get_size(), 24);
    assert.equal(six.extent, 24);
    const m = parseBuffer('Send', 'buf', [new Int32Array(12), six.Commit()]);
    assert.equal(m.count, 2);
    assert.equal(m.bytes.length, 48);
  });

  test('bad counts: negative is ERR_COUNT, non-integer TypeError', () => {
    throwsMpi(() => DT.INT.Create_contiguous(-1), ERR_COUNT, /^Create_contiguous: /, /negative count -1/);
    assert.throws(() => DT.INT.Create_contiguous(1.5), TypeError);
    assert.throws(() => DT.INT.Create_contiguous(Number.NaN), TypeError);
  });

  test('Set_name renames; the layout keeps working', () => {
    const t = DT.INT.Create_contiguous(2);
    t.Set_name('pair');
    assert.equal(t.Get_name(), 'pair');
    assert.equal(String(t), 'MPI.pair');
    throwsMpi(() => parseBuffer('Send', 'buf', [new Int32Array(4), t]), ERR_TYPE, /pair/);
  });
});

describe('derived datatypes: Commit and Free', () => {
  test('an uncommitted derived type cannot describe a buffer: ERR_TYPE', () => {
    const t = DT.INT.Create_contiguous(2);
    assert.equal(t.Get_size(), 8, 'queries work before Commit');
    throwsMpi(() => parseBuffer('Send', 'buf', [new Int32Array(4), t]), ERR_TYPE, /^Send: /, /INTx2/, /not committed/);
    throwsMpi(() => parseBuffer('Recv', 'buf', [new Int32Array(4), 1, t]), ERR_TYPE, /^Recv: /);
    throwsMpi(() => parseBuffer('Send', 'buf', [new Int32Array(4), 1, 1, t]), ERR_TYPE);
  });

  test('after Commit it describes a buffer; Commit returns the type and may be repeated', () => {
    const t = DT.INT.Create_contiguous(2);
    assert.equal(t.Commit(), t);
    assert.equal(t.Commit(), t);
    const a = new Int32Array(6);
    const m = parseBuffer('Send', 'buf', [a, t]);
    assert.equal(m.count, 3);
    assert.equal(m.type.size, 8);
    assert.equal(m.type.extent, 8);
    assert.equal(m.bytes.length, 24);
    const part = parseBuffer('Send', 'buf', [a, 1, 2, t]);
    assert.equal(part.bytes.byteOffset, 16);
    assert.equal(part.bytes.length, 8);
    assert.throws(() => parseBuffer('Send', 'buf', [new Int32Array(5), t]), /not a whole number of INTx2/);
    assert.throws(() => parseBuffer('Send', 'buf', [a, 4, t]), /need 32 bytes, buffer has 24/);
  });

  test('Free, then any use is ERR_TYPE', () => {
    const t = DT.DOUBLE.Create_contiguous(2).Commit();
    assert.equal(parseBuffer('Send', 'buf', [new Float64Array(4), t]).count, 2);
    t.Free();
    throwsMpi(() => parseBuffer('Send', 'buf', [new Float64Array(4), t]), ERR_TYPE, /^Send: /, /freed/);
    throwsMpi(() => t.Get_size(), ERR_TYPE, /^Get_size: /, /freed/);
    throwsMpi(() => t.size, ERR_TYPE);
    throwsMpi(() => t.Get_extent(), ERR_TYPE);
    throwsMpi(() => t.extent, ERR_TYPE);
    throwsMpi(() => t.lb, ERR_TYPE);
    throwsMpi(() => t.ub, ERR_TYPE);
    throwsMpi(() => t.Get_true_extent(), ERR_TYPE);
    throwsMpi(() => t.Commit(), ERR_TYPE, /^Commit: /);
    throwsMpi(() => t.Dup(), ERR_TYPE, /^Dup: /);
    throwsMpi(() => t.Create_contiguous(2), ERR_TYPE, /^Create_contiguous: /);
    throwsMpi(() => t.Free(), ERR_TYPE, /^Free: /, /freed/);
  });

  test('freeing an uncommitted type is allowed; using it is still ERR_TYPE', () => {
    const t = DT.INT.Create_contiguous(4);
    t.Free();
    throwsMpi(() => parseBuffer('Send', 'buf', [new Int32Array(4), t]), ERR_TYPE, /freed/);
  });

  test('Dup copies layout and commit state; freeing one leaves the other', () => {
    const d = DT.INT.Dup();
    assert.equal(d.is_predefined, false);
    assert.equal(d.Get_size(), 4);
    assert.equal(parseBuffer('Send', 'buf', [new Int32Array(3), d]).count, 3, 'dup of a predefined type is committed');
    d.Free();
    assert.equal(DT.INT.Get_size(), 4);

    const t = DT.SHORT.Create_contiguous(3);
    const u = t.Dup();
    throwsMpi(() => parseBuffer('Send', 'buf', [new Int16Array(3), u]), ERR_TYPE, /not committed/);
    t.Commit();
    throwsMpi(() => parseBuffer('Send', 'buf', [new Int16Array(3), u]), ERR_TYPE, /not committed/);
    u.Commit();
    t.Free();
    assert.equal(parseBuffer('Send', 'buf', [new Int16Array(6), u]).count, 2);
  });

  test('a derived type built from a freed base is unaffected', () => {
    const base = DT.INT.Create_contiguous(2);
    const t = base.Create_contiguous(2).Commit();
    base.Free();
    assert.equal(t.Get_size(), 16);
    assert.equal(parseBuffer('Send', 'buf', [new Int32Array(8), t]).count, 2);
  });
});

describe('datatypes through the public API (singleton world)', () => {
  test('MPI.* datatypes are these handles, and errors surface as MPI.Exception', async () => {
    const { MPI } = await import('../../src/index.ts');
    assert.equal(MPI.INT, DT.INT);
    assert.equal(MPI.Exception, Exception);
    assert.equal(MPI.COMM_SELF.Get_size(), 1);
    const t = MPI.INT.Create_contiguous(2);
    const send = new Int32Array([1, 2, 3, 4]);
    assert.throws(() => MPI.COMM_SELF.Send([send, t], 0, 5), (e: unknown) => {
      assert.ok(e instanceof MPI.Exception);
      assert.equal(e.Get_error_class(), MPI.ERR_TYPE);
      assert.match(e.message, /^Send: .*not committed/);
      return true;
    });
    t.Commit();
    const recv = new Int32Array(4);
    const req = MPI.COMM_SELF.Irecv([recv, t], 0, 5);
    MPI.COMM_SELF.Send([send, t], 0, 5);
    req.Wait();
    assert.deepEqual([...recv], [1, 2, 3, 4]);
    t.Free();
    assert.throws(() => MPI.COMM_SELF.Send([send, t], 0, 5), (e: unknown) => {
      assert.ok(e instanceof MPI.Exception);
      assert.equal(e.Get_error_class(), MPI.ERR_TYPE);
      assert.match(e.message, /freed/);
      return true;
    });
  });
});
