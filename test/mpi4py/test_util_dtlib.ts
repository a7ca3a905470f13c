/**
 * Port of mpi4py's test/test_util_dtlib.py (mpi4ts/util/dtlib).
 *
 * There is no NumPy: a data type is the description NumPy's dtype() takes
 * and mpi4py's to_numpy_dtype returns without NumPy (type strings, [spec,
 * shape], [spec, { align }], description dicts). `check` round-trips
 * descriptions and datatypes as mpi4py's does, comparing the descriptions
 * to_numpy_dtype makes (NumPy would normalise them) and extents (NumPy's
 * itemsize is the extent of the datatype made from the description).
 * NumPy-only facts are checked through the descriptions: `isalignedstruct`
 * is the dict's `aligned`, `alignment` mpi4py's `_typealign` (dtlib.typealign)
 * against NumPy's values. ValueError is RangeError; RuntimeError (no NumPy)
 * is TypeError (not a description).
 */
import { MPI } from 'mpi4ts';
import { dtlib } from 'mpi4ts/util';
import { TestCase, pyEqual } from './unittest.ts';

type Datatype = InstanceType<typeof MPI.Datatype>;
type Spec = dtlib.DTypeSpec;
const fromnumpy = dtlib.from_numpy_dtype;
const tonumpy = dtlib.to_numpy_dtype;

/** mpitestutil.has_datatype: not DATATYPE_NULL, and usable (Get_size raises ERR_TYPE for types JavaScript cannot represent). */
function hasDatatype(datatype: Datatype): boolean {
  if (pyEqual(datatype, MPI.DATATYPE_NULL)) return false;
  try {
    const size = datatype.Get_size();
    return size !== 0 && size !== MPI.UNDEFINED;
  } catch (e) {
    if (!(e instanceof MPI.Exception) || e.Get_error_class() !== MPI.ERR_TYPE) throw e;
    return false;
  }
}

function hasCode(code: string): boolean {
  try { return hasDatatype(MPI.Datatype.fromcode(code)); } catch { return false; }
}

let typecodes = [...'?cbhilqpBHILQPefdgFDG'];
typecodes.push(...[1].map((n) => `b${n}`));
typecodes.push(...[1, 2, 4, 8].map((n) => `i${n}`));
typecodes.push(...[1, 2, 4, 8].map((n) => `u${n}`));
typecodes.push(...[2, 4, 8].map((n) => `f${n}`));
// FLOAT16 (e, f2): removed for Open MPI < 5 and MPICH < 5 as in mpi4py; long double (g, G) where JavaScript has no type for it.
typecodes = typecodes.filter((t) => t !== 'e' && t !== 'f2' && hasCode(t));

const datatypes_c: Datatype[] = [...typecodes.map((t) => MPI.Datatype.fromcode(t)), MPI.BYTE, MPI.AINT, MPI.OFFSET, MPI.COUNT];
// LONG_DOUBLE_INT where usable (mpitestutil.has_datatype; JavaScript has no long double).
const mpipairtypes: Datatype[] = [MPI.SHORT_INT, MPI.INT_INT, MPI.LONG_INT, MPI.FLOAT_INT, MPI.DOUBLE_INT, MPI.LONG_DOUBLE_INT].filter(hasDatatype);
const mpif77types: Datatype[] = [
  MPI.CHARACTER, MPI.LOGICAL, MPI.INTEGER, MPI.REAL, MPI.DOUBLE_PRECISION, MPI.COMPLEX, MPI.DOUBLE_COMPLEX,
];
const mpif90types: Datatype[] = [
  MPI.LOGICAL1, MPI.LOGICAL2, MPI.LOGICAL4, MPI.LOGICAL8, MPI.LOGICAL16, MPI.INTEGER1, MPI.INTEGER2, MPI.INTEGER4,
  MPI.INTEGER8, MPI.INTEGER16, MPI.REAL2, MPI.REAL4, MPI.REAL8, MPI.REAL16, MPI.COMPLEX4, MPI.COMPLEX8,
  MPI.COMPLEX16, MPI.COMPLEX32,
];
for (const typelist of [datatypes_c, mpif77types, mpif90types]) {
  typelist.splice(0, typelist.length, ...typelist.filter(hasDatatype));
}
const datatypes: Datatype[] = [...datatypes_c, ...mpif77types, ...mpif90types];

/** try_dtype: whether NumPy (here: from_numpy_dtype) takes the type string of a datatype. */
function tryDtype(mt: Datatype): boolean {
  try { fromnumpy(mt.typestr).Free(); return true; } catch { return false; }
}

/** Python's str of a shape tuple: (3,) or (3, 4). */
const shapeStr = (shape: readonly number[]): string => (shape.length === 0 ? '' : `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);

/**
 * The cases of a long product this rank checks: every rank runs the same
 * pure computation in mpi4py; here the ranks share the cases out, so that a
 * run at 4 ranks on 2 cores checks them all once in the time of one rank.
 */
function* mine<T>(cases: Iterable<T>): Generator<T> {
  const rank = MPI.COMM_WORLD.Get_rank();
  const size = MPI.COMM_WORLD.Get_size();
  let i = 0;
  for (const c of cases) if (i++ % size === rank) yield c;
}

function* product<T>(...lists: T[][]): Generator<T[]> {
  if (lists.length === 0) { yield []; return; }
  for (const x of lists[0]!) for (const rest of product(...lists.slice(1))) yield [x, ...rest];
}

/**
 * A description as NumPy's dtype equality sees it: type strings as their
 * NumPy type string ('?' and 'b1' are one type), a shape count as a tuple,
 * a dict's missing itemsize computed, its `aligned` flag left out (NumPy
 * compares layouts, not the flag), composite strings and aligned forms
 * through their dict.
 */
function canonical(spec: unknown): unknown {
  if (typeof spec === 'string') {
    if (/^[<=|]?[A-Za-z?]\d*$/.test(spec)) return MPI.Datatype.fromcode(spec.replace(/^[<=|]/, '')).typestr;
    return viaDatatype(spec);
  }
  if (Array.isArray(spec)) {
    if (spec.length === 2 && typeof spec[1] === 'number') return [canonical(spec[0]), [spec[1]]];
    if (spec.length === 2 && Array.isArray(spec[1]) && spec[1].every((n) => typeof n === 'number')) return [canonical(spec[0]), spec[1]];
    return viaDatatype(spec);
  }
  if (spec !== null && typeof spec === 'object' && 'names' in spec) {
    const d = spec as dtlib.DTypeDict;
    let itemsize = d.itemsize;
    if (itemsize === undefined) {
      const t = fromnumpy(d);
      itemsize = t.extent;
      t.Free();
    }
    return { names: d.names, formats: d.formats.map(canonical), offsets: d.offsets, itemsize };
  }
  return spec;
}

function viaDatatype(spec: unknown): unknown {
  const t = fromnumpy(spec as Spec);
  try { return canonical(tonumpy(t)); } finally { t.Free(); }
}

const indexedCombiners = [MPI.COMBINER_INDEXED, MPI.COMBINER_HINDEXED, MPI.COMBINER_INDEXED_BLOCK, MPI.COMBINER_HINDEXED_BLOCK];

export class TestUtilDTLib extends TestCase {
  check(arg: Spec | Datatype, align = false): void {
    let mt1: Datatype;
    if (arg instanceof MPI.Datatype) mt1 = arg.Dup();
    else mt1 = fromnumpy(align ? [arg, { align: true }] : arg);
    const dt1 = tonumpy(mt1);
    const mt2 = fromnumpy(dt1);
    const dt2 = tonumpy(mt2);
    const mt3 = fromnumpy(dt2);
    const dt3 = tonumpy(mt3);
    try {
      this.assertEqual(canonical(dt1), canonical(dt2));
      this.assertEqual(canonical(dt2), canonical(dt3));
      if (!indexedCombiners.includes(mt1.combiner) && !(arg instanceof MPI.Datatype && indexedCombiners.includes(arg.combiner))) {
        this.assertEqual(mt2.extent, mt1.extent);
      }
      this.assertEqual(mt3.extent, mt2.extent);
    } finally {
      mt1.Free();
      mt2.Free();
      mt3.Free();
    }
  }

  testBasic(): void {
    for (const spec of typecodes) this.check(spec);
    for (const mpit of datatypes) this.check(mpit);
  }

  testSubarray1(): void {
    const shapes = [[1], [1, 1], [1, 1, 1], [3], [3, 4], [2, 3, 4]];
    for (const [dt, shape] of product<unknown>(typecodes, shapes)) {
      this.check(`${shapeStr(shape as number[])}${dt}`);
    }
  }

  testSubarray2(): void {
    const shapes = [[1], [1, 1], [1, 1, 1], [3], [3, 4], [2, 3, 4]];
    const orders = [MPI.ORDER_C, MPI.ORDER_FORTRAN];
    for (const [mt, shape, order] of product<unknown>(datatypes, shapes, orders)) {
      if (!tryDtype(mt as Datatype)) continue;
      const s = shape as number[];
      const mt1 = (mt as Datatype).Create_subarray(s, s, s.map(() => 0), order as number);
      this.check(mt1);
      mt1.Free();
    }
  }

  testStruct1(): void {
    const shapes = [[], [1], [3], [3, 5]];
    for (const [s1, t1, s2, t2, align] of mine(product<unknown>(shapes, typecodes, shapes, typecodes, [false, true]))) {
      const spec = `${shapeStr(s1 as number[])}${t1},${shapeStr(s2 as number[])}${t2}`;
      this.check(spec, align as boolean);
    }
  }

  testStruct2(): void {
    for (const [t1, t2, t3, align] of mine(product<unknown>(typecodes, typecodes, typecodes, [false, true]))) {
      this.check(`${t1},${t2},${t3}`, align as boolean);
    }
  }

  testStruct3(): void {
    const mt1 = MPI.Datatype.Create_struct([1, 2, 3], [1, 27, 71], [MPI.INT, MPI.DOUBLE, MPI.INT]);
    const mt2 = MPI.Datatype.Create_struct([1], [0], [mt1]);
    this.check(mt1);
    this.check(mt2);
    mt1.Free();
    mt2.Free();
  }

  /** NumPy's dtype("B,{dt},B", align=True) as a description, and the MPI struct of its layout. */
  makeStruct(dt: string, mt: Datatype): [dtlib.DTypeDict, Datatype] {
    const t = fromnumpy([`B,${dt},B`, { align: true }]);
    const stp = tonumpy(t) as dtlib.DTypeDict;
    t.Free();
    const mtp = MPI.Datatype.Create_struct([1, 1, 1], [0, stp.offsets![1]!, stp.offsets![2]!], [MPI.BYTE, mt, MPI.BYTE]);
    return [stp, mtp];
  }

  testStruct4(): void {
    for (const t of typecodes) {
      const mt0 = fromnumpy(t);
      const [stp, mt1] = this.makeStruct(t, mt0);
      const ex1 = stp.itemsize!;
      const cases: [number, Datatype][] = [
        [1, mt1],
        [1, mt1.Dup()],
        [1, mt1.Create_resized(0, 1 * ex1)],
        [3, mt1.Create_resized(0, 3 * ex1)],
        [3, mt1.Create_contiguous(3)],
        [5, mt1.Create_subarray([5], [5], [0])],
        [7, MPI.Datatype.Create_struct([7], [0], [mt1])],
      ];
      for (const [n, mt] of cases) {
        const dt = tonumpy(mt);
        this.assertEqual(mt.extent, n * ex1);
        const back = fromnumpy(dt);
        this.assertEqual(back.extent, n * ex1);
        back.Free();
        if (mt.combiner === MPI.COMBINER_STRUCT || mt.combiner === MPI.COMBINER_RESIZED) this.assertTrue((dt as dtlib.DTypeDict).aligned, t);
        this.check(mt);
        this.check(dt);
        if (mt !== mt1) mt.Free();
      }
      mt0.Free();
      mt1.Free();
    }
  }

  testStruct5(): void {
    for (const [t1, t2] of product(typecodes, typecodes)) {
      const dtlist: Spec[] = [];
      let dt: Spec = [`c,${t1},${t2},c`, { align: true }];
      dtlist.push(dt);
      for (let i = 0; i < 3; i++) {
        dt = [[['', dt], ['', dt]], { align: true }];
        dtlist.push(dt);
      }
      for (const d of dtlist) {
        const mt = fromnumpy(d);
        const dt2 = tonumpy(mt);
        const mt2 = fromnumpy(dt2);
        this.assertEqual(canonical(tonumpy(mt2)), canonical(dt2));
        this.assertEqual(mt2.extent, mt.extent);
        this.assertTrue((dt2 as dtlib.DTypeDict).aligned);
        mt.Free();
        mt2.Free();
      }
    }
  }

  testVector(): void {
    for (const mt of datatypes) {
      if (!tryDtype(mt)) continue;
      const mt1 = mt.Create_vector(3, 4, 6);
      const mt2 = mt.Create_hvector(3, 4, 6 * mt.extent);
      this.check(mt1);
      this.check(mt2);
      const dt1 = tonumpy(mt1);
      const dt2 = tonumpy(mt2);
      this.check(dt1);
      this.check(dt2);
      this.assertEqual(canonical(dt1), canonical(dt2));
      const mt3 = mt1.Create_vector(2, 3, 4);
      const mt4 = mt2.Create_hvector(2, 3, 4 * mt2.extent);
      this.check(mt3);
      this.check(mt4);
      const dt3 = tonumpy(mt3);
      const dt4 = tonumpy(mt4);
      this.check(dt3);
      this.check(dt4);
      this.assertEqual(canonical(dt3), canonical(dt4));
      mt3.Free();
      mt4.Free();
      mt1.Free();
      mt2.Free();
    }
  }

  testHVector(): void {
    for (const mt of datatypes) {
      if (!tryDtype(mt)) continue;
      const mt1 = mt.Create_hvector(3, 4, 6 * mt.extent + 1);
      const mt2 = mt1.Dup();
      this.check(mt1);
      this.check(mt2);
      const dt1 = tonumpy(mt1);
      const dt2 = tonumpy(mt2);
      this.check(dt1);
      this.check(dt2);
      this.assertEqual(canonical(dt1), canonical(dt2));
      const mt3 = mt1.Create_hvector(2, 3, 4 * mt1.extent + 1);
      const mt4 = mt2.Create_hvector(2, 3, 4 * mt2.extent + 1);
      this.check(mt3);
      this.check(mt4);
      const dt3 = tonumpy(mt3);
      const dt4 = tonumpy(mt4);
      this.check(dt3);
      this.check(dt4);
      this.assertEqual(canonical(dt3), canonical(dt4));
      mt3.Free();
      mt4.Free();
      mt1.Free();
      mt2.Free();
    }
  }

  testIndexed(): void {
    const disps = [1, 6, 12];
    for (const mt of datatypes) {
      if (!tryDtype(mt)) continue;
      const mt1 = mt.Create_indexed([4, 4, 4], disps);
      const mt2 = mt.Create_indexed_block(4, disps);
      this.check(mt1);
      this.check(mt2);
      const dt1 = tonumpy(mt1);
      const dt2 = tonumpy(mt2);
      this.check(dt1);
      this.check(dt2);
      this.assertEqual(canonical(dt1), canonical(dt2));
      const mt3 = mt1.Create_indexed([1], [0]);
      const mt4 = mt2.Create_indexed_block(1, [0]);
      this.check(mt3);
      this.check(mt4);
      const dt3 = tonumpy(mt3);
      const dt4 = tonumpy(mt4);
      this.check(dt3);
      this.check(dt4);
      this.assertEqual(canonical(dt3), canonical(dt4));
      mt3.Free();
      mt4.Free();
      mt1.Free();
      mt2.Free();
    }
  }

  testHIndexed(): void {
    const disps = [0, 6, 12];
    for (const mt of datatypes) {
      if (!tryDtype(mt)) continue;
      const mt1 = mt.Create_hindexed([4, 4, 4], disps.map((d) => d * mt.extent + 1));
      const mt2 = mt.Create_hindexed_block(4, disps.map((d) => d * mt.extent + 1));
      this.check(mt1);
      this.check(mt2);
      const dt1 = tonumpy(mt1);
      const dt2 = tonumpy(mt2);
      this.check(dt1);
      this.check(dt2);
      this.assertEqual(canonical(dt1), canonical(dt2));
      const mt3 = mt1.Create_hindexed([1], [0]);
      const mt4 = mt2.Create_hindexed_block(1, [0]);
      this.check(mt3);
      this.check(mt4);
      mt3.Free();
      mt4.Free();
      mt1.Free();
      mt2.Free();
    }
  }

  /** NumPy's dt.itemsize == mt.extent: the datatype of the description has the same extent. */
  assertItemsize(dt: Spec, mt: Datatype): void {
    const back = fromnumpy(dt);
    this.assertEqual(back.extent, mt.extent);
    back.Free();
  }

  testF77(): void {
    for (const mt of mpif77types) this.assertItemsize(tonumpy(mt), mt);
  }

  testF90(): void {
    for (const mt of mpif90types) {
      if (!tryDtype(mt)) continue;
      this.assertItemsize(tonumpy(mt), mt);
    }
  }

  #f90(make: (arg: number) => Datatype, args: number[], kind: RegExp, struct: boolean): void {
    for (const arg of args) {
      const mt = make(arg);
      const dt = tonumpy(mt);
      const typestr = fromnumpy(dt);
      this.assertTrue(kind.test(typestr.typestr), `${typestr.typestr}`);
      typestr.Free();
      this.assertItemsize(dt, mt);
      if (struct) {
        const [stp, mtp] = this.makeStruct(`i${mt.Get_size()}`, mt);
        this.assertEqual(stp.itemsize, mtp.extent);
        this.check(mtp);
        mtp.Free();
      }
    }
  }

  testF90Integer(): void {
    this.#f90((r) => MPI.Datatype.Create_f90_integer(r), [...Array(18).keys()].map((i) => i + 1), /^i/, true);
  }

  testF90Real(): void {
    this.#f90((p) => MPI.Datatype.Create_f90_real(p, MPI.UNDEFINED), [6, 7, 14, 15], /^f/, true);
  }

  testF90Complex(): void {
    this.#f90((p) => MPI.Datatype.Create_f90_complex(p, MPI.UNDEFINED), [6, 7, 14, 15], /^c/, false);
  }

  testPair(): void {
    for (const mt of mpipairtypes) {
      const dt = tonumpy(mt);
      if (!hasDatatype(mt)) continue;
      const back = fromnumpy(dt);
      this.assertEqual(back.extent, mt.extent);
      this.assertTrue((tonumpy(back) as dtlib.DTypeDict).aligned);
      back.Free();
    }
    const integral = 'bhilqpBHILQP';
    const floating = 'fdg';
    for (const [vcode, icode] of product([...integral + floating], [...integral])) {
      if (!hasCode(vcode) || !hasCode(icode)) continue;
      const value = MPI.Datatype.fromcode(vcode);
      const index = MPI.Datatype.fromcode(icode);
      const pair = MPI.Datatype.Get_value_index(value, index);
      if (pyEqual(pair, MPI.DATATYPE_NULL)) continue;
      const [vt, it, pt] = [value, index, pair].map(tonumpy);
      this.assertEqual(pt, [`${vt},${it}`, { align: true }]);
    }
  }

  testPairStruct(): void {
    for (const [m1, m2, m3, dup] of product<unknown>(mpipairtypes, mpipairtypes, mpipairtypes, [false, true])) {
      let [mt1, mt2, mt3] = [m1, m2, m3] as Datatype[];
      if (![mt1, mt2, mt3].every(hasDatatype)) continue;
      if (dup) [mt1, mt2, mt3] = [mt1!.Dup(), mt2!.Dup(), mt3!.Dup()];
      const align = Math.max(mt1!.extent, mt2!.extent, mt3!.extent);
      const structtype = MPI.Datatype.Create_struct([1, 1, 1], [0, align, align * 2], [mt1!, mt2!, mt3!]);
      if (dup) for (const t of [mt1, mt2, mt3]) t!.Free();
      const dt = tonumpy(structtype) as dtlib.DTypeDict;
      structtype.Free();
      this.assertTrue(dt.aligned);
    }
  }

  testAlignmentComplex(): void {
    const complexcodes = [...'FDG', ...[8, 16].map((n) => `c${n}`)].filter(hasCode);
    // NumPy's dtype(t).alignment: the item size, half of it for complex types.
    for (const t of [...typecodes, ...complexcodes]) {
      const datatype = MPI.Datatype.fromcode(t);
      const size = datatype.Get_size();
      const alignment = /^[FDG]$|^c\d/.test(t) ? size / 2 : size;
      this.assertEqual(dtlib.typealign(datatype), alignment, t);
    }
  }

  testAlignmentPair(): void {
    for (const pairtype of mpipairtypes) {
      if (!hasDatatype(pairtype)) continue;
      const alignment = dtlib.typealign(pairtype);
      this.assertIn(alignment, [2, 4, 8, 16]);
    }
  }

  testAlignmentStruct(): void {
    const off = MPI.DOUBLE.extent;
    const structtype = MPI.Datatype.Create_struct([1, 1], [0, off], [MPI.INT, MPI.DOUBLE]);
    this.assertIsNone(dtlib.typealign(structtype));
    structtype.Free();
  }

  testMissingNumPy(): void {
    for (const t of typecodes) {
      const mt = MPI.Datatype.fromcode(t);
      let dt: Spec = tonumpy(mt);
      const code = mt.tocode();
      this.assertEqual(dt, code);
      const arraytype = mt.Create_contiguous(7);
      dt = tonumpy(arraytype);
      arraytype.Free();
      this.assertTrue(Array.isArray(dt));
      this.assertEqual((dt as unknown[])[0], code);
      this.assertEqual((dt as unknown[])[1], [7]);
      const structtype = MPI.Datatype.Create_struct([1, 1], [0, mt.extent], [mt, mt]);
      const d = tonumpy(structtype) as dtlib.DTypeDict;
      structtype.Free();
      this.assertEqual(d.formats, [code, code]);
      this.assertEqual(d.offsets, [0, mt.extent]);
      this.assertEqual(d.itemsize, mt.extent * 2);
      this.assertTrue(d.aligned);
    }
    this.assertRaises(TypeError, () => fromnumpy(null as unknown as Spec));
  }

  testFailures(): void {
    this.assertRaises(RangeError, () => fromnumpy('>i'));
    this.assertRaises(RangeError, () => fromnumpy('O'));
    this.assertRaises(RangeError, () => fromnumpy('V'));
    this.assertRaises(RangeError, () => tonumpy(MPI.DATATYPE_NULL));
    let mt = MPI.INT.Create_resized(0, 32);
    this.assertRaises(RangeError, () => tonumpy(mt));
    mt.Free();
    mt = MPI.INT.Create_subarray([2], [1], [0]);
    this.assertRaises(RangeError, () => tonumpy(mt));
    mt.Free();
  }

  /** mpi4ts's own: typed arrays and their constructors, both ways. */
  testTypedArrays(): void {
    const cases: [dtlib.TypedArrayConstructor, Datatype][] = [
      [Int8Array, MPI.INT8_T], [Uint8Array, MPI.UINT8_T], [Int16Array, MPI.INT16_T], [Uint16Array, MPI.UINT16_T],
      [Int32Array, MPI.INT32_T], [Uint32Array, MPI.UINT32_T], [BigInt64Array, MPI.INT64_T], [BigUint64Array, MPI.UINT64_T],
      [Float32Array, MPI.FLOAT], [Float64Array, MPI.DOUBLE],
    ];
    for (const [ctor, mt] of cases) {
      for (const arg of [ctor, new ctor(3)]) {
        const t = dtlib.fromTypedArray(arg);
        this.assertEqual(t.typestr, mt.typestr);
        this.assertEqual(t.extent, ctor.BYTES_PER_ELEMENT);
        t.Free();
        const f = fromnumpy(arg);
        this.assertEqual(f.typestr, mt.typestr);
        f.Free();
      }
      this.assertIs(dtlib.toTypedArrayConstructor(mt), ctor);
    }
    this.assertIs(dtlib.toTypedArrayConstructor(MPI.C_DOUBLE_COMPLEX), Float64Array);
    this.assertIs(dtlib.fromTypedArray(Uint8ClampedArray).typestr, 'u1');
    this.assertRaises(TypeError, () => dtlib.fromTypedArray(new DataView(new ArrayBuffer(4)) as unknown as Int8Array));
    const v = MPI.INT.Create_vector(2, 1, 2);
    this.assertRaises(RangeError, () => dtlib.toTypedArrayConstructor(v));
    v.Free();
    const s = fromnumpy({ names: ['a', 'b'], formats: [Int8Array, Float64Array] });
    this.assertEqual(s.extent, 9);
    s.Free();
    const a = fromnumpy({ names: ['a', 'b'], formats: [Int8Array, Float64Array], aligned: true });
    this.assertEqual(a.extent, 16);
    a.Free();
    const l = fromnumpy([['a', 'i4'], ['b', 'f8', [2, 2]]]);
    this.assertEqual(l.extent, 36);
    l.Free();
  }
}
